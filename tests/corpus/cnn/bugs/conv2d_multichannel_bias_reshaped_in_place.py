"""conv2d_multichannel: sets bias.shape = (-1, 1, 1) on the caller's array to broadcast it; right values

np.asarray does not copy a float ndarray, so assigning .shape changes the
caller's array from (k,) to (k, 1, 1). Only visible when bias is a float64
ndarray.
"""
import numpy as np


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    filters = np.asarray(filters, dtype=float)
    k, _, fh, fw = filters.shape
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    ho = (xp.shape[1] - fh) // stride + 1
    wo = (xp.shape[2] - fw) // stride + 1
    out = np.zeros((k, ho, wo))
    for f in range(k):
        for i in range(ho):
            for j in range(wo):
                r, c = i * stride, j * stride
                out[f, i, j] = np.sum(xp[:, r:r + fh, c:c + fw] * filters[f])
    if bias is not None:
        bias = np.asarray(bias, dtype=float)
        bias.shape = (-1, 1, 1)
        out += bias
    return out
