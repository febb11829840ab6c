"""relu_forward: calls np.max(x, 0) (a reduction over axis 0) instead of np.maximum(x, 0)

Returns the maximum over the first axis, of the wrong shape, for every
input with more than zero dimensions.
"""
import numpy as np


def relu_forward(x):
    return np.max(x, 0)
