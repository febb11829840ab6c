"""receptive_field: multiplies in a layer's own stride before adding its size
"""

def receptive_field(layers):
    side, spacing = 1, 1
    for layer in layers:
        if layer["type"] in ("conv", "pool"):
            spacing *= layer["stride"]
            side += (layer["size"] - 1) * spacing
    return side
