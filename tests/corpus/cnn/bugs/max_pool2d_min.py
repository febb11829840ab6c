"""max_pool2d: takes the minimum of each window (np.min instead of np.max)

Correct for size 1 or constant windows.
"""
import numpy as np


def max_pool2d(x, size, stride=None):
    x = np.asarray(x, dtype=float)
    if stride is None:
        stride = size
    k, H, W = x.shape
    ho = (H - size) // stride + 1
    wo = (W - size) // stride + 1
    out = np.zeros((k, ho, wo))
    for i in range(ho):
        for j in range(wo):
            r, c = i * stride, j * stride
            out[:, i, j] = np.min(x[:, r:r + size, c:c + size], axis=(1, 2))
    return out
