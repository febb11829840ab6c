"""max_pool_backward: spreads each window's gradient evenly over the window (average-pool backward)

Every entry of a window gets dout / (size * size) instead of the whole dout
going to the window's maximum: wrong for every input with size > 1 and a
non-zero dout (the sum of dx is still right, only its placement is wrong).
"""
import numpy as np


def max_pool_backward(dout, x, size, stride=None):
    if stride is None:
        stride = size
    N, C, Ho, Wo = dout.shape
    dx = np.zeros_like(x)
    for h in range(Ho):
        for w in range(Wo):
            r, c = h * stride, w * stride
            share = dout[:, :, h, w] / (size * size)
            dx[:, :, r:r + size, c:c + size] += share[:, :, None, None]
    return dx
