"""max_pool_backward: assigns (=) the gradient at each window's maximum instead of adding it (+=)

Right for non-overlapping windows (stride >= size, the default); with
stride < size, a pixel that is the maximum of two windows keeps only the
gradient of the last window visited instead of the sum.
"""
import numpy as np


def max_pool_backward(dout, x, size, stride=None):
    if stride is None:
        stride = size
    N, C, Ho, Wo = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for ch in range(C):
            for h in range(Ho):
                for w in range(Wo):
                    r, c = h * stride, w * stride
                    window = x[n, ch, r:r + size, c:c + size]
                    i, j = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, ch, r + i, c + j] = dout[n, ch, h, w]
    return dx
