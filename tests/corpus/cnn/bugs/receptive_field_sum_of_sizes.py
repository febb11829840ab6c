"""receptive_field: adds up the sizes of the layers (overlap of neighbouring windows not subtracted)
"""

def receptive_field(layers):
    side = 0
    for layer in layers:
        if layer["type"] in ("conv", "pool"):
            side += layer["size"]
    return max(side, 1)
