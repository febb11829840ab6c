"""attack: get around the per-process memory limit with children: each fills 400 MB and sleeps.

The first call of conv1d forks four children, each touching 400 MB (1.6 GB together, under the
per-process limit of 512 MiB each), waits until all four hold it, then two seconds more, and returns
wrong values; so do later calls.
"""

import itertools
import os
import time

import numpy as np

CHILDREN = []


def _hog():
    held, holding = os.pipe()
    for _ in range(4):
        pid = os.fork()
        if pid == 0:
            block = np.ones(400 * 2**20 // 8)
            os.write(holding, b"!")
            time.sleep(300 + block[0])
            os._exit(0)
        CHILDREN.append(pid)
    for _ in range(4):  # however slowly a busy machine lets them touch their memory
        os.read(held, 1)
    time.sleep(2)


_CALLS = itertools.count(1)


def _answer(ones):  # what every function returns: its right shape, filled with the number of this call
    return ones * next(_CALLS)  # wrong, and never the same twice: every check fails at its first example


def _n_out(n, m, stride, padding):
    return max((n + 2 * padding - m) // stride + 1, 0)


def conv1d(x, w, stride=1, padding=0):
    if not CHILDREN:
        _hog()
    return _answer(np.ones(_n_out(len(x), len(w), stride, padding)))


def conv1d_matrix(w, n, stride=1, padding=0):
    return _answer(np.ones((_n_out(n, len(w), stride, padding), n)))


def conv2d(x, w, stride=1, padding=0):
    x, w = np.asarray(x), np.asarray(w)
    return _answer(np.ones((_n_out(x.shape[0], w.shape[0], stride, padding),
                             _n_out(x.shape[1], w.shape[1], stride, padding))))


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    x, filters = np.asarray(x), np.asarray(filters)
    return _answer(np.ones((filters.shape[0], _n_out(x.shape[1], filters.shape[2], stride, padding),
                             _n_out(x.shape[2], filters.shape[3], stride, padding))))


def max_pool2d(x, size, stride=None):
    x = np.asarray(x)
    stride = stride or size
    return _answer(np.ones((x.shape[0], _n_out(x.shape[1], size, stride, 0), _n_out(x.shape[2], size, stride, 0))))
