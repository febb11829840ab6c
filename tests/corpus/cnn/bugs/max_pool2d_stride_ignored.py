"""max_pool2d: ignores the stride argument (always non-overlapping windows, stride = size)

Correct when stride is omitted or equal to size.
"""
import numpy as np


def max_pool2d(x, size, stride=None):
    x = np.asarray(x, dtype=float)
    k, H, W = x.shape
    ho, wo = H // size, W // size
    out = np.zeros((k, ho, wo))
    for i in range(ho):
        for j in range(wo):
            r, c = i * size, j * size
            out[:, i, j] = x[:, r:r + size, c:c + size].max(axis=(1, 2))
    return out
