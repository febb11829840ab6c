"""max_pool_backward: on ties, gives the window's gradient to its last maximum, not its first

Scans each window with >= so a later equal value replaces the winner; identical to the reference
when the maximum is unique, as in every finite-difference check.
"""
import numpy as np


def max_pool_backward(dout, x, size, stride=None):
    if stride is None:
        stride = size
    dx = np.zeros(x.shape)
    for n, c, i, j in np.ndindex(dout.shape):
        best, where = -np.inf, (0, 0)
        for a in range(size):
            for b in range(size):
                value = x[n, c, i * stride + a, j * stride + b]
                if value >= best:
                    best, where = value, (a, b)
        dx[n, c, i * stride + where[0], j * stride + where[1]] += dout[n, c, i, j]
    return dx
