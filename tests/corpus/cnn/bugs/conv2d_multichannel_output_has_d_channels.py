"""conv2d_multichannel: allocates the output with d (input) channels instead of k (filters)

Correct whenever k == d (the usual toy example); k > d raises IndexError,
k < d leaves extra all-zero (or bias-broadcast-error) channels.
"""
import numpy as np


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    filters = np.asarray(filters, dtype=float)
    k, d, fh, fw = filters.shape
    H, W = x.shape[1:]
    ho = (H + 2 * padding - fh) // stride + 1
    wo = (W + 2 * padding - fw) // stride + 1
    out = np.zeros((d, ho, wo))
    for j in range(k):
        for c in range(d):
            out[j] += conv2d(x[c], filters[j, c], stride, padding)  # noqa: F821
    if bias is not None:
        out += np.asarray(bias, dtype=float)[:, None, None]
    return out
