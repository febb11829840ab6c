"""conv2d_multichannel: passes stride and padding to conv2d positionally in the wrong order

conv2d(x[c], filters[j, c], padding, stride): right only when
stride == padding; with padding 0 it calls conv2d with stride 0.
"""
import numpy as np


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    filters = np.asarray(filters, dtype=float)
    k, d = filters.shape[:2]
    maps = []
    for j in range(k):
        acc = sum(conv2d(x[c], filters[j, c], padding, stride) for c in range(d))  # noqa: F821
        if bias is not None:
            acc = acc + float(bias[j])
        maps.append(acc)
    return np.stack(maps)
