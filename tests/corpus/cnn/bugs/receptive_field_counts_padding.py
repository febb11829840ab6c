"""receptive_field: widens the window by the padding on both sides
"""

def receptive_field(layers):
    side, spacing = 1, 1
    for layer in layers:
        if layer["type"] in ("conv", "pool"):
            side += (layer["size"] - 1 + 2 * layer["padding"]) * spacing
            spacing *= layer["stride"]
    return side
