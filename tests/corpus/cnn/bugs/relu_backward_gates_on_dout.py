"""relu_backward: gates the gradient on dout > 0 instead of on the layer input x > 0

Right only where the signs happen to agree; wrong wherever x > 0 and
dout < 0 (gradient dropped) or x < 0 and dout > 0 (gradient let through).
"""
import numpy as np


def relu_backward(dout, x):
    return np.where(dout > 0, dout, 0.0)
