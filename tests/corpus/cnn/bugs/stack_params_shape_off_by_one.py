"""stack_params: gives each layer its own output shape instead of its input's
"""
import numpy as np


def stack_params(input_shape, layers):
    count = 0
    for layer, shape in zip(layers, output_shapes(input_shape, layers)):  # noqa: F821
        if layer["type"] == "conv":
            count += conv_params(layer["filters"], shape[0], layer["size"])  # noqa: F821
        elif layer["type"] == "fc":
            count += fc_params(int(np.prod(shape)), layer["units"])  # noqa: F821
    return count
