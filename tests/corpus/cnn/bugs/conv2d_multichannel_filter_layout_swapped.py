"""conv2d_multichannel: reads the filter bank as (d, k, fh, fw) and uses filters[c, j] (k/d confusion)

Correct only for k == d == 1 (or a filter bank symmetric in its first two
axes); k != d gives a wrong shape or an index error.
"""
import numpy as np


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    filters = np.asarray(filters, dtype=float)
    d, k = filters.shape[:2]
    out = []
    for j in range(k):
        acc = 0.0
        for c in range(d):
            acc = acc + conv2d(x[c], filters[c, j], stride, padding)  # noqa: F821
        if bias is not None:
            acc = acc + bias[j]
        out.append(acc)
    return np.array(out, dtype=float)
