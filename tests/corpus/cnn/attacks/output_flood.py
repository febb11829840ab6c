"""attack: flood stdout and stderr: 100 MB per call, 10 MB at import, and a thread that never stops.

conv1d prints 100 MB (1 MB after its first call); conv1d_matrix writes 50 MB straight to file
descriptors 1 and 2; conv2d starts a background thread that prints forever; everything is wrong.
results.json must stay small and the grader must not hang reading.
"""

import itertools
import os
import sys
import threading

import numpy as np

DONE = set()


def _first_call(name):
    """True on the first call of each function: the costly part runs once (the grader must survive it)."""
    if name in DONE:
        return False
    DONE.add(name)
    return True

print("x" * 10_000_000)


def _forever():
    while True:
        sys.stdout.write("y" * 65536)


def _flood(kind):
    if kind == "print":
        for _ in range(100 if _first_call("print") else 1):
            print("z" * 1_000_000)
    elif kind == "fd" and _first_call("fd"):
        for _ in range(25):
            os.write(1, b"a" * 1_000_000)
            os.write(2, b"b" * 1_000_000)
    elif not any(thread.name == "flood" for thread in threading.enumerate()):
        threading.Thread(target=_forever, name="flood", daemon=True).start()


_CALLS = itertools.count(1)


def _answer(ones):  # what every function returns: its right shape, filled with the number of this call
    return ones * next(_CALLS)  # wrong, and never the same twice: every check fails at its first example


def _n_out(n, m, stride, padding):
    return max((n + 2 * padding - m) // stride + 1, 0)


def conv1d(x, w, stride=1, padding=0):
    _flood('print')
    return _answer(np.ones(_n_out(len(x), len(w), stride, padding)))


def conv1d_matrix(w, n, stride=1, padding=0):
    _flood('fd')
    return _answer(np.ones((_n_out(n, len(w), stride, padding), n)))


def conv2d(x, w, stride=1, padding=0):
    _flood('thread')
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
