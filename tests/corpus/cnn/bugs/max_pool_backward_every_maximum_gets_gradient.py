"""max_pool_backward: on ties, every maximum of the window gets the whole gradient (a mask x == max)
"""
import numpy as np


def max_pool_backward(dout, x, size, stride=None):
    if stride is None:
        stride = size
    dx = np.zeros(x.shape)
    for n, c, i, j in np.ndindex(dout.shape):
        window = x[n, c, i * stride:i * stride + size, j * stride:j * stride + size]
        mask = window == window.max()
        dx[n, c, i * stride:i * stride + size, j * stride:j * stride + size] += mask * dout[n, c, i, j]
    return dx
