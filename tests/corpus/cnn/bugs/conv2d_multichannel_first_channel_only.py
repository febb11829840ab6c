"""conv2d_multichannel: convolves only the first input channel (x[0] with filters[j, 0]), no sum over channels

Written for grayscale and never generalised. Correct for d == 1.
"""
import numpy as np


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    filters = np.asarray(filters, dtype=float)
    k = filters.shape[0]
    out = np.array([conv2d(x[0], filters[j, 0], stride, padding) for j in range(k)])  # noqa: F821
    if bias is not None:
        out += np.asarray(bias, dtype=float)[:, None, None]
    return out
