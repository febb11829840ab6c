"""attack: allocate and touch 4 GiB (numpy array, bytearray, growing list) in the calls.

conv1d fills np.ones(2**29) (4 GiB), conv1d_matrix a 4 GiB bytearray, conv2d grows a list until
memory runs out (on the first two calls of each: Hypothesis calls a failing example again to report
it); the others are wrong. The machine must not run out of
memory.
"""

import itertools

import numpy as np

CALLS = {}


def _first_call(name):
    """True on the first two calls of each function: the costly part runs when the failing example is
    found and when it is replayed for the feedback (the grader must survive both)."""
    CALLS[name] = CALLS.get(name, 0) + 1
    return CALLS[name] <= 2


def _hog(kind):
    if kind == "numpy":
        np.ones(2**29).sum()
    elif kind == "bytes":
        bytearray(4 * 2**30)[::4096] = b"x" * (2**20)
    else:
        blocks = []
        while True:
            blocks.append(b"x" * 2**26)


_CALLS = itertools.count(1)


def _answer(ones):  # what every function returns: its right shape, filled with the number of this call
    return ones * next(_CALLS)  # wrong, and never the same twice: every check fails at its first example


def _n_out(n, m, stride, padding):
    return max((n + 2 * padding - m) // stride + 1, 0)


def conv1d(x, w, stride=1, padding=0):
    if _first_call('conv1d'):
        _hog('numpy')
    return _answer(np.ones(_n_out(len(x), len(w), stride, padding)))


def conv1d_matrix(w, n, stride=1, padding=0):
    if _first_call('conv1d_matrix'):
        _hog('bytes')
    return _answer(np.ones((_n_out(n, len(w), stride, padding), n)))


def conv2d(x, w, stride=1, padding=0):
    if _first_call('conv2d'):
        _hog('list')
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
