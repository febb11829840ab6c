"""output_shapes: applies every layer to the input shape, not to the previous layer's output
"""

def output_shapes(input_shape, layers):
    shapes = []
    for layer in layers:
        shape = tuple(input_shape)
        if layer["type"] in ("conv", "pool"):
            f, s, p = layer["size"], layer["stride"], layer["padding"]
            height, width = ((n + 2 * p - f) // s + 1 for n in shape[1:])
            channels = layer["filters"] if layer["type"] == "conv" else shape[0]
            shape = (channels, height, width)
        elif layer["type"] == "fc":
            shape = (layer["units"],)
        shapes.append(shape)
    return shapes
