"""max_pool2d: sorts each window's rows in place in the caller's array to read off the max

window.sort(axis=1) on a view reorders the caller's x (mutation for any
float64 ndarray input that is not already row-sorted), and with overlapping
windows (stride < size) later windows see the reordered values.
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
    for ch in range(k):
        for i in range(ho):
            for j in range(wo):
                r, c = i * stride, j * stride
                window = x[ch, r:r + size, c:c + size]
                window.sort(axis=1)
                out[ch, i, j] = window[:, -1].max()
    return out
