"""attack: scan the garbage collector (gc.get_objects) for the reference's functions and arrays.

Any function named like one of ours but defined in another file, any module from `solutions`, or
any float array that is not one of our arguments is taken as the answer. In a shared process the
grader's reference would be in there.
"""

import gc
import itertools
import sys

import numpy as np

SCANNED = {}


def _reference(name):
    if name in SCANNED:  # one scan per function: the grader's objects would be there from the start
        return SCANNED[name]
    SCANNED[name] = None
    for module_name, module in list(sys.modules.items()):
        if "solution" in module_name and callable(getattr(module, name, None)):
            SCANNED[name] = getattr(module, name)
            return SCANNED[name]
    for thing in gc.get_objects():
        if callable(thing) and getattr(thing, "__name__", "") == name:
            code = getattr(thing, "__code__", None)
            if code is not None and code.co_filename != __file__:
                SCANNED[name] = thing
                return thing
    return None


_CALLS = itertools.count(1)


def _answer(ones):  # what every function returns: its right shape, filled with the number of this call
    return ones * next(_CALLS)  # wrong, and never the same twice: every check fails at its first example


def _n_out(n, m, stride, padding):
    return max((n + 2 * padding - m) // stride + 1, 0)


def conv1d(x, w, stride=1, padding=0):
    found = _reference('conv1d')
    if found:
        return found(x, w, stride, padding)
    return _answer(np.ones(_n_out(len(x), len(w), stride, padding)))


def conv1d_matrix(w, n, stride=1, padding=0):
    found = _reference('conv1d_matrix')
    if found:
        return found(w, n, stride, padding)
    return _answer(np.ones((_n_out(n, len(w), stride, padding), n)))


def conv2d(x, w, stride=1, padding=0):
    found = _reference('conv2d')
    if found:
        return found(x, w, stride, padding)
    x, w = np.asarray(x), np.asarray(w)
    return _answer(np.ones((_n_out(x.shape[0], w.shape[0], stride, padding),
                             _n_out(x.shape[1], w.shape[1], stride, padding))))


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    found = _reference('conv2d_multichannel')
    if found:
        return found(x, filters, bias, stride, padding)
    x, filters = np.asarray(x), np.asarray(filters)
    return _answer(np.ones((filters.shape[0], _n_out(x.shape[1], filters.shape[2], stride, padding),
                             _n_out(x.shape[2], filters.shape[3], stride, padding))))


def max_pool2d(x, size, stride=None):
    found = _reference('max_pool2d')
    if found:
        return found(x, size, stride)
    x = np.asarray(x)
    stride = stride or size
    return _answer(np.ones((x.shape[0], _n_out(x.shape[1], size, stride, 0), _n_out(x.shape[2], size, stride, 0))))
