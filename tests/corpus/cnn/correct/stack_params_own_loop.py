"""stack_params: tracks the shape itself in one loop, counts with np.prod (numpy ints), no helper calls
"""
import numpy as np


def stack_params(input_shape, layers):
    shape = np.array(input_shape)
    total = np.int64(0)
    for layer in layers:
        if layer["type"] == "conv":
            total += np.prod([layer["filters"], shape[0], layer["size"], layer["size"]]) + layer["filters"]
        if layer["type"] in ("conv", "pool"):
            sides = (shape[1:] + 2 * layer["padding"] - layer["size"]) // layer["stride"] + 1
            shape = np.concatenate([[layer.get("filters", shape[0])], sides])
        elif layer["type"] == "fc":
            total += np.prod(shape) * layer["units"] + layer["units"]
            shape = np.array([layer["units"]])
    return total
