"""stack_params: tracks the shape itself and forgets the padding
"""

def stack_params(input_shape, layers):
    count = 0
    d, height, width = input_shape
    n_in = None
    for layer in layers:
        if layer["type"] in ("conv", "pool"):
            f, s = layer["size"], layer["stride"]
            if layer["type"] == "conv":
                count += conv_params(layer["filters"], d, f)  # noqa: F821
                d = layer["filters"]
            height, width = (height - f) // s + 1, (width - f) // s + 1
        elif layer["type"] == "fc":
            n_in = d * height * width if n_in is None else n_in
            count += fc_params(n_in, layer["units"])  # noqa: F821
            n_in = layer["units"]
    return count
