"""max_pool2d: allocates the output with dtype=int, truncating the maxima toward zero

Right only when every window max is a whole number; also returns ints.
"""
import numpy as np


def max_pool2d(x, size, stride=None):
    x = np.asarray(x, dtype=float)
    if stride is None:
        stride = size
    k, H, W = x.shape
    ho = (H - size) // stride + 1
    wo = (W - size) // stride + 1
    out = np.zeros((k, ho, wo), dtype=int)
    for i in range(ho):
        for j in range(wo):
            r, c = i * stride, j * stride
            out[:, i, j] = x[:, r:r + size, c:c + size].max(axis=(1, 2))
    return out
