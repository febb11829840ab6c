"""receptive_field: walks the stack from the top unit down to the input, r = (r - 1) * s + f
"""

def receptive_field(layers):
    r = 1
    for layer in reversed(layers):
        if layer["type"] != "relu":
            r = (r - 1) * layer["stride"] + layer["size"]
    return r
