"""receptive_field: every layer adds size - 1, whatever the strides below it
"""

def receptive_field(layers):
    side = 1
    for layer in layers:
        if layer["type"] in ("conv", "pool"):
            side += layer["size"] - 1
    return side
