"""max_pool_forward: when stride is None, uses stride 1 instead of stride = size

Right whenever the stride is given explicitly (or size == 1); with the
default the windows overlap and the output is (H - size + 1, W - size + 1).
"""
import numpy as np


def max_pool_forward(x, size, stride=None):
    if stride is None:
        stride = 1
    N, C, H, W = x.shape
    Ho = (H - size) // stride + 1
    Wo = (W - size) // stride + 1
    out = np.zeros((N, C, Ho, Wo))
    for h in range(Ho):
        for w in range(Wo):
            r, c = h * stride, w * stride
            out[:, :, h, w] = x[:, :, r:r + size, c:c + size].max(axis=(2, 3))
    return out
