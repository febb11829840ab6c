"""attack: return NaN and inf of the right shape, where a careless "abs(a - b) > tol" test passes.

NaN compares False with everything, so `np.any(np.abs(returned - expected) > tol)` is False for
an all-NaN answer. conv1d and conv1d_matrix return NaN, conv2d +inf, conv2d_multichannel a mix of
NaN and inf, max_pool2d -inf.
"""

import numpy as np


def _n_out(n, m, stride, padding):
    return max((n + 2 * padding - m) // stride + 1, 0)


def conv1d(x, w, stride=1, padding=0):
    return np.full(_n_out(len(x), len(w), stride, padding), np.nan)


def conv1d_matrix(w, n, stride=1, padding=0):
    return np.full((_n_out(n, len(w), stride, padding), n), np.nan)


def conv2d(x, w, stride=1, padding=0):
    x, w = np.asarray(x), np.asarray(w)
    return np.full((_n_out(x.shape[0], w.shape[0], stride, padding),
                    _n_out(x.shape[1], w.shape[1], stride, padding)), np.inf)


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    x, filters = np.asarray(x), np.asarray(filters)
    out = np.full((filters.shape[0], _n_out(x.shape[1], filters.shape[2], stride, padding),
                   _n_out(x.shape[2], filters.shape[3], stride, padding)), np.nan)
    out.flat[::2] = np.inf
    return out


def max_pool2d(x, size, stride=None):
    x = np.asarray(x)
    stride = stride or size
    return np.full((x.shape[0], _n_out(x.shape[1], size, stride, 0), _n_out(x.shape[2], size, stride, 0)),
                   -np.inf)
