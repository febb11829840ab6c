"""attack: return an ndarray subclass that claims to equal anything.

__eq__ is always True, __ne__ False, subtraction and abs give zeros, comparisons say "not
greater", __array_ufunc__ answers zeros to every ufunc and __array_function__ says True to
allclose/array_equal. If the grader kept the object, its comparisons would pass.
"""

import itertools

import numpy as np


class Agreeable(np.ndarray):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        shape = np.broadcast_shapes(*(np.shape(i) for i in inputs))
        if ufunc in (np.greater, np.not_equal, np.isnan, np.isinf):
            return np.zeros(shape, dtype=bool)
        if ufunc in (np.equal, np.less_equal, np.isfinite):
            return np.ones(shape, dtype=bool)
        return np.zeros(shape)

    def __array_function__(self, function, types, args, kwargs):
        if function in (np.allclose, np.array_equal, np.all):
            return True
        return super().__array_function__(function, types, args, kwargs)


_CALLS = itertools.count(1)


def _answer(ones):  # every function returns wrong values (ones times the number of this call) as an Agreeable
    return (np.asarray(ones, dtype=float) * next(_CALLS)).view(Agreeable)


def _n_out(n, m, stride, padding):
    return max((n + 2 * padding - m) // stride + 1, 0)


def conv1d(x, w, stride=1, padding=0):
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
