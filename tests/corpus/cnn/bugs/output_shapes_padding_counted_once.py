"""output_shapes: adds the padding on one side only (n + p - f)
"""

def output_shapes(input_shape, layers):
    shapes = []
    shape = tuple(input_shape)
    for layer in layers:
        if layer["type"] in ("conv", "pool"):
            f, s, p = layer["size"], layer["stride"], layer["padding"]
            height, width = ((n + p - f) // s + 1 for n in shape[1:])
            channels = layer["filters"] if layer["type"] == "conv" else shape[0]
            shape = (channels, height, width)
        elif layer["type"] == "fc":
            shape = (layer["units"],)
        shapes.append(shape)
    return shapes
