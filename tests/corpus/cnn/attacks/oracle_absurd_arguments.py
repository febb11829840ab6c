"""attack: make the grader's reference work without end, asking it for absurd calls in its stead.

While conv2d_multichannel's hidden checks run, its calls of conv2d are answered by the reference
(the "oracle"); while conv1d_matrix's run, its calls of conv1d. This file asks the reference for a
1 x 1 image under a 1500 x 1500 filter with a padding of 1500 (some 10**12 multiplications), and
for a padding of 10**9 (gigabytes). The reference once answered in the grading process itself,
with a memory cap but no time limit: no results.json after 11 minutes. It must answer within what
is left of the student's call, or the call fails; grading goes on.
"""

import itertools

import numpy as np

_CALLS = itertools.count(1)


def _answer(ones):  # what every function returns: its right shape, filled with the number of this call
    return ones * next(_CALLS)  # wrong, and never the same twice: every check fails at its first example


def _n_out(n, m, stride, padding):
    return max((n + 2 * padding - m) // stride + 1, 0)


def conv1d(x, w, stride=1, padding=0):
    return _answer(np.ones(_n_out(len(x), len(w), stride, padding)))


def conv1d_matrix(w, n, stride=1, padding=0):
    conv1d(np.ones(1), np.ones(1), padding=10**9)  # the reference's answer would need gigabytes
    return _answer(np.ones((_n_out(n, len(w), stride, padding), n)))


def conv2d(x, w, stride=1, padding=0):
    x, w = np.asarray(x), np.asarray(w)
    return _answer(np.ones((_n_out(x.shape[0], w.shape[0], stride, padding),
                             _n_out(x.shape[1], w.shape[1], stride, padding))))


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    conv2d(np.zeros((1, 1)), np.ones((1500, 1500)), padding=1500)  # hours of the reference's time
    x, filters = np.asarray(x), np.asarray(filters)
    return _answer(np.ones((filters.shape[0], _n_out(x.shape[1], filters.shape[2], stride, padding),
                             _n_out(x.shape[2], filters.shape[3], stride, padding))))


def max_pool2d(x, size, stride=None):
    x = np.asarray(x)
    stride = stride or size
    return _answer(np.ones((x.shape[0], _n_out(x.shape[1], size, stride, 0), _n_out(x.shape[2], size, stride, 0))))
