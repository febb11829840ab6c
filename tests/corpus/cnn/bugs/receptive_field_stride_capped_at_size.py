"""receptive_field: a stride larger than the size spreads the windows only by the size (skipped pixels not counted)
"""

def receptive_field(layers):
    side, spacing = 1, 1
    for layer in layers:
        if layer["type"] in ("conv", "pool"):
            side += (layer["size"] - 1) * spacing
            spacing *= min(layer["stride"], layer["size"])
    return side
