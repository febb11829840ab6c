"""attack: walk the call stack (sys._getframe, inspect.stack, sys._current_frames) for the grader.

Looks in every frame's locals and globals for `expected`, `reference` or a function of the same
name defined elsewhere, and returns what the grader expects. In a shared process that would give
full marks.
"""

import inspect
import itertools
import sys

import numpy as np


def _expected(name):
    frames = [frame for frame, *_ in inspect.stack()]
    frame = sys._getframe()
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    frames += list(sys._current_frames().values())
    for frame in frames:
        for scope in (frame.f_locals, frame.f_globals):
            if isinstance(scope.get("expected"), np.ndarray):
                return lambda *args: scope["expected"]
            candidate = scope.get("reference") or scope.get(name)
            if callable(candidate) and getattr(candidate, "__module__", __name__) != __name__:
                return candidate
    return None


_CALLS = itertools.count(1)


def _answer(ones):  # what every function returns: its right shape, filled with the number of this call
    return ones * next(_CALLS)  # wrong, and never the same twice: every check fails at its first example


def _n_out(n, m, stride, padding):
    return max((n + 2 * padding - m) // stride + 1, 0)


def conv1d(x, w, stride=1, padding=0):
    found = _expected('conv1d')
    if found:
        return found(x, w, stride, padding)
    return _answer(np.ones(_n_out(len(x), len(w), stride, padding)))


def conv1d_matrix(w, n, stride=1, padding=0):
    found = _expected('conv1d_matrix')
    if found:
        return found(w, n, stride, padding)
    return _answer(np.ones((_n_out(n, len(w), stride, padding), n)))


def conv2d(x, w, stride=1, padding=0):
    found = _expected('conv2d')
    if found:
        return found(x, w, stride, padding)
    x, w = np.asarray(x), np.asarray(w)
    return _answer(np.ones((_n_out(x.shape[0], w.shape[0], stride, padding),
                             _n_out(x.shape[1], w.shape[1], stride, padding))))


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    found = _expected('conv2d_multichannel')
    if found:
        return found(x, filters, bias, stride, padding)
    x, filters = np.asarray(x), np.asarray(filters)
    return _answer(np.ones((filters.shape[0], _n_out(x.shape[1], filters.shape[2], stride, padding),
                             _n_out(x.shape[2], filters.shape[3], stride, padding))))


def max_pool2d(x, size, stride=None):
    found = _expected('max_pool2d')
    if found:
        return found(x, size, stride)
    x = np.asarray(x)
    stride = stride or size
    return _answer(np.ones((x.shape[0], _n_out(x.shape[1], size, stride, 0), _n_out(x.shape[2], size, stride, 0))))
