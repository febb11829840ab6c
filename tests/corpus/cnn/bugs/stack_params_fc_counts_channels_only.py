"""stack_params: an fc layer after conv layers gets one input per channel, not d * H * W
"""

def stack_params(input_shape, layers):
    count = 0
    inputs = [tuple(input_shape)] + output_shapes(input_shape, layers)[:-1]  # noqa: F821
    for layer, shape in zip(layers, inputs):
        if layer["type"] == "conv":
            count += conv_params(layer["filters"], shape[0], layer["size"])  # noqa: F821
        elif layer["type"] == "fc":
            count += fc_params(shape[0], layer["units"])  # noqa: F821
    return count
