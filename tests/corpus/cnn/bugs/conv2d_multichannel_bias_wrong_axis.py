"""conv2d_multichannel: adds the (k,) bias with plain broadcasting, i.e. along the last (width) axis

out + bias lines bias up with W', not with the channel axis: a broadcast
error when W' not in (1, k), a (k, H', k) result when W' == 1, wrong values
when W' == k (unless bias is constant); right for k == 1 or bias None.
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
        out = out + np.asarray(bias, dtype=float)
    return out
