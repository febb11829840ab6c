"""max_pool2d: unpacks the shape as (k, W, H), swapping the output extents

Right whenever both spatial axes give the same number of windows (e.g.
square inputs); wrong shape or an error otherwise.
"""
import numpy as np


def max_pool2d(x, size, stride=None):
    x = np.asarray(x, dtype=float)
    if stride is None:
        stride = size
    k, W, H = x.shape
    ho = (H - size) // stride + 1
    wo = (W - size) // stride + 1
    out = np.zeros((k, ho, wo))
    for i in range(ho):
        for j in range(wo):
            r, c = i * stride, j * stride
            out[:, i, j] = x[:, r:r + size, c:c + size].max(axis=(1, 2))
    return out
