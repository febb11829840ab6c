"""conv2d_multichannel: sums the per-(filter, channel) maps over the filter axis instead of the channel axis

Stacks R[j, c] = conv2d(x[c], filters[j, c]) and then R.sum(axis=0): output
has d channels (wrong shape when k != d, wrong values when k == d > 1).
"""
import numpy as np


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    filters = np.asarray(filters, dtype=float)
    k, d = filters.shape[:2]
    R = np.array([[conv2d(x[c], filters[j, c], stride, padding)  # noqa: F821
                   for c in range(d)] for j in range(k)])
    out = R.sum(axis=0)
    if bias is not None:
        out = out + np.asarray(bias, dtype=float)[:, None, None]
    return out
