"""conv2d_multichannel: adds bias[j] once per input channel (d times) inside the channel loop

Correct for d == 1 or zero bias.
"""
import numpy as np


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    filters = np.asarray(filters, dtype=float)
    k, d = filters.shape[:2]
    out = []
    for j in range(k):
        acc = 0.0
        for c in range(d):
            acc = acc + conv2d(x[c], filters[j, c], stride, padding)  # noqa: F821
            if bias is not None:
                acc = acc + bias[j]
        out.append(acc)
    return np.array(out, dtype=float)
