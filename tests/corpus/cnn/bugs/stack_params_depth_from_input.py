"""stack_params: every conv layer gets the input's channels, not the previous layer's
"""
import numpy as np


def stack_params(input_shape, layers):
    count = 0
    inputs = [tuple(input_shape)] + output_shapes(input_shape, layers)[:-1]  # noqa: F821
    for layer, shape in zip(layers, inputs):
        if layer["type"] == "conv":
            count += conv_params(layer["filters"], input_shape[0], layer["size"])  # noqa: F821
        elif layer["type"] == "fc":
            count += fc_params(int(np.prod(shape)), layer["units"])  # noqa: F821
    return count
