"""attack: return huge values: 10^7 floats, a 128 MB array, a 20 MB string, a dict of 10^5 items.

conv1d returns np.zeros(10**7) (80 MB), conv1d_matrix 4 * 10**7 float32 zeros (160 MB), conv2d a
4000 x 4000 array (128 MB), conv2d_multichannel a 20 MB string, max_pool2d a dict of 100,000
long keys (on the first two calls of each: Hypothesis calls a failing example again to report
it; later calls return ones, which are wrong). The grader must neither run out of memory nor write them into
results.json.
"""

import itertools

import numpy as np

HUGE = {
    "conv1d": lambda: np.zeros(10**7),
    "conv1d_matrix": lambda: np.zeros(4 * 10**7, dtype=np.float32),
    "conv2d": lambda: np.zeros((4000, 4000)),
    "conv2d_multichannel": lambda: "huge " * 4_000_000,
    "max_pool2d": lambda: {f"key {i} " * 20: i for i in range(100_000)},
}


CALLS = {}


def _first_calls(name):
    """True on the first two calls of each function: the costly part runs when the failing example is
    found and when it is reported (the grader must survive both)."""
    CALLS[name] = CALLS.get(name, 0) + 1
    return CALLS[name] <= 2


_CALLS = itertools.count(1)


def _answer(ones):  # what every function returns: its right shape, filled with the number of this call
    return ones * next(_CALLS)  # wrong, and never the same twice: every check fails at its first example


def _n_out(n, m, stride, padding):
    return max((n + 2 * padding - m) // stride + 1, 0)


def conv1d(x, w, stride=1, padding=0):
    if _first_calls('conv1d'):
        return HUGE['conv1d']()
    return _answer(np.ones(_n_out(len(x), len(w), stride, padding)))


def conv1d_matrix(w, n, stride=1, padding=0):
    if _first_calls('conv1d_matrix'):
        return HUGE['conv1d_matrix']()
    return _answer(np.ones((_n_out(n, len(w), stride, padding), n)))


def conv2d(x, w, stride=1, padding=0):
    if _first_calls('conv2d'):
        return HUGE['conv2d']()
    x, w = np.asarray(x), np.asarray(w)
    return _answer(np.ones((_n_out(x.shape[0], w.shape[0], stride, padding),
                             _n_out(x.shape[1], w.shape[1], stride, padding))))


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    if _first_calls('conv2d_multichannel'):
        return HUGE['conv2d_multichannel']()
    x, filters = np.asarray(x), np.asarray(filters)
    return _answer(np.ones((filters.shape[0], _n_out(x.shape[1], filters.shape[2], stride, padding),
                             _n_out(x.shape[2], filters.shape[3], stride, padding))))


def max_pool2d(x, size, stride=None):
    if _first_calls('max_pool2d'):
        return HUGE['max_pool2d']()
    x = np.asarray(x)
    stride = stride or size
    return _answer(np.ones((x.shape[0], _n_out(x.shape[1], size, stride, 0), _n_out(x.shape[2], size, stride, 0))))
