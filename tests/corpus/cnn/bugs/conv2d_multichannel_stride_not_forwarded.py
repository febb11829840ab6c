"""conv2d_multichannel: forgets to pass stride on to conv2d (always stride 1)

conv2d(x[c], filters[j, c], padding=padding). Correct for stride 1.
"""
import numpy as np


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    filters = np.asarray(filters, dtype=float)
    k, d = filters.shape[:2]
    maps = []
    for j in range(k):
        acc = sum(conv2d(x[c], filters[j, c], padding=padding) for c in range(d))  # noqa: F821
        if bias is not None:
            acc = acc + float(bias[j])
        maps.append(acc)
    return np.stack(maps)
