"""output_shapes: shapes as lists, sizes from np.floor of a true division, by layer type in if/elif branches
"""
import numpy as np


def output_shapes(input_shape, layers):
    shapes = []
    channels, height, width = input_shape
    flat = None
    for layer in layers:
        kind = layer["type"]
        if kind == "conv" or kind == "pool":
            f, s, p = layer["size"], layer["stride"], layer["padding"]
            height = int(np.floor((height + 2 * p - f) / s)) + 1
            width = int(np.floor((width + 2 * p - f) / s)) + 1
            if kind == "conv":
                channels = layer["filters"]
            shapes.append([channels, height, width])
        elif kind == "fc":
            flat = layer["units"]
            shapes.append([flat])
        elif flat is None:  # relu before any fc layer
            shapes.append([channels, height, width])
        else:  # relu after an fc layer
            shapes.append([flat])
    return shapes
