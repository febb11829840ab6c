"""receptive_field: only conv layers widen the window (pooling ignored)
"""

def receptive_field(layers):
    side, spacing = 1, 1
    for layer in layers:
        if layer["type"] == "conv":
            side += (layer["size"] - 1) * spacing
            spacing *= layer["stride"]
    return side
