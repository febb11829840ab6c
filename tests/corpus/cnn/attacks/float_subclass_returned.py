"""attack: return float and ndarray look-alikes: subclasses of float and np.float64, object arrays,
lists and dicts of them, all claiming to equal anything.

conv1d returns a float subclass, conv1d_matrix a list of them, conv2d an object array of them,
conv2d_multichannel an np.float64 subclass, max_pool2d a dict that looks like an array.
"""

import numpy as np


class Agreeable(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __sub__(self, other):
        return Agreeable(0.0)

    __rsub__ = __sub__

    def __abs__(self):
        return Agreeable(0.0)

    def __gt__(self, other):
        return False

    def __hash__(self):
        return 0


class AgreeableFloat64(np.float64):
    def __eq__(self, other):
        return True

    def __hash__(self):
        return 0


def _n_out(n, m, stride, padding):
    return max((n + 2 * padding - m) // stride + 1, 0)


def conv1d(x, w, stride=1, padding=0):
    return Agreeable(0.0)


def conv1d_matrix(w, n, stride=1, padding=0):
    return [[Agreeable(0.0)] * n for _ in range(_n_out(n, len(w), stride, padding))]


def conv2d(x, w, stride=1, padding=0):
    out = np.empty((_n_out(np.shape(x)[0], np.shape(w)[0], stride, padding),
                    _n_out(np.shape(x)[1], np.shape(w)[1], stride, padding)), dtype=object)
    out.fill(Agreeable(0.0))
    return out


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    return AgreeableFloat64(0.0)


def max_pool2d(x, size, stride=None):
    shape = [len(x), _n_out(len(x[0]), size, stride or size, 0), _n_out(len(x[0][0]), size, stride or size, 0)]
    return {'shape': shape, 'dtype': 'float64', 'data': [0.0] * int(np.prod(shape)), '__eq__': True}
