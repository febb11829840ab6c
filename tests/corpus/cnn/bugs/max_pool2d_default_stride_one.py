"""max_pool2d: default stride is 1 instead of size (overlapping windows when stride is omitted)

Correct whenever stride is passed explicitly, and for size 1.
"""
import numpy as np


def max_pool2d(x, size, stride=1):
    x = np.asarray(x, dtype=float)
    k, H, W = x.shape
    ho = (H - size) // stride + 1
    wo = (W - size) // stride + 1
    out = np.zeros((k, ho, wo))
    for i in range(ho):
        for j in range(wo):
            r, c = i * stride, j * stride
            out[:, i, j] = x[:, r:r + size, c:c + size].max(axis=(1, 2))
    return out
