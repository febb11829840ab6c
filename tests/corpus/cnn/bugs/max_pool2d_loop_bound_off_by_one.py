"""max_pool2d: window loops use range(0, H - size, stride), dropping the last window when it fits exactly

Wrong shape whenever stride divides H - size or W - size (e.g. the default
stride with H a multiple of size); right otherwise.
"""
import numpy as np


def max_pool2d(x, size, stride=None):
    x = np.asarray(x, dtype=float)
    if stride is None:
        stride = size
    k, H, W = x.shape
    rows = []
    for r in range(0, H - size, stride):
        row = []
        for c in range(0, W - size, stride):
            row.append(x[:, r:r + size, c:c + size].max(axis=(1, 2)))
        rows.append(row)
    out = np.array(rows, dtype=float).reshape(len(rows), -1, k)
    return out.transpose(2, 0, 1)
