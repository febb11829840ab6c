"""max_pool2d: returns the largest absolute value in each window (np.abs(window).max())

"Strongest activation" confusion. Correct for non-negative inputs (e.g.
after ReLU); wrong when a window's largest-magnitude entry is negative.
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
                out[ch, i, j] = np.abs(x[ch, r:r + size, c:c + size]).max()
    return out
