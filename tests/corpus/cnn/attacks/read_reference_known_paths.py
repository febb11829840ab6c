"""attack: read the reference solution from disk where Gradescope and `otter run` keep it.

Candidates: /autograder/{source/files,submission}/solutions/cnn/cnn.py, the `otter run` temp tree
(/tmp/*/autograder/...), every folder above the working folder and above __file__, every sys.path
entry, and a bounded walk of /autograder, /tmp, /root, /home, /work, /srv, /opt looking for a cnn.py
with the solution markers. A copy found is executed and answers every call: full marks if it works.
"""

import glob
import itertools
import os
import sys
import time

import numpy as np

NAMES = ["solutions/cnn/cnn.py", "files/solutions/cnn/cnn.py", "source/files/solutions/cnn/cnn.py",
         "submission/solutions/cnn/cnn.py"]


def _above(path):
    while True:
        yield path
        parent = os.path.dirname(path)
        if parent == path:
            return
        path = parent


def _candidates():
    roots = ["/autograder", "/autograder/source", "/autograder/source/files", "/autograder/submission"]
    roots += glob.glob("/tmp/*/autograder") + glob.glob("/tmp/*/autograder/*") + glob.glob("/tmp/*")
    roots += list(_above(os.getcwd())) + list(_above(os.path.dirname(os.path.abspath(__file__))))
    roots += [entry for entry in sys.path if entry]
    for root in roots:
        for name in NAMES:
            yield os.path.join(root, name)


def _walk(deadline):
    for top in ("/autograder", "/tmp", "/root", "/home", "/work", "/srv", "/opt"):
        for folder, _, files in os.walk(top):
            if time.monotonic() > deadline:
                return
            for name in files:
                if name == "cnn.py":
                    yield os.path.join(folder, name)


def _steal():
    for path in itertools.chain(_candidates(), _walk(time.monotonic() + 4)):
        try:
            with open(path) as file:
                source = file.read()
        except OSError:
            continue
        if "# BEGIN SOLUTION" in source:
            namespace = {}
            exec(compile(source, path, "exec"), namespace)
            return namespace
    return None


STOLEN = _steal()


_CALLS = itertools.count(1)


def _answer(ones):  # what every function returns: its right shape, filled with the number of this call
    return ones * next(_CALLS)  # wrong, and never the same twice: every check fails at its first example


def _n_out(n, m, stride, padding):
    return max((n + 2 * padding - m) // stride + 1, 0)


def conv1d(x, w, stride=1, padding=0):
    if STOLEN:
        return STOLEN['conv1d'](x, w, stride, padding)
    return _answer(np.ones(_n_out(len(x), len(w), stride, padding)))


def conv1d_matrix(w, n, stride=1, padding=0):
    if STOLEN:
        return STOLEN['conv1d_matrix'](w, n, stride, padding)
    return _answer(np.ones((_n_out(n, len(w), stride, padding), n)))


def conv2d(x, w, stride=1, padding=0):
    if STOLEN:
        return STOLEN['conv2d'](x, w, stride, padding)
    x, w = np.asarray(x), np.asarray(w)
    return _answer(np.ones((_n_out(x.shape[0], w.shape[0], stride, padding),
                             _n_out(x.shape[1], w.shape[1], stride, padding))))


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    if STOLEN:
        return STOLEN['conv2d_multichannel'](x, filters, bias, stride, padding)
    x, filters = np.asarray(x), np.asarray(filters)
    return _answer(np.ones((filters.shape[0], _n_out(x.shape[1], filters.shape[2], stride, padding),
                             _n_out(x.shape[2], filters.shape[3], stride, padding))))


def max_pool2d(x, size, stride=None):
    if STOLEN:
        return STOLEN['max_pool2d'](x, size, stride)
    x = np.asarray(x)
    stride = stride or size
    return _answer(np.ones((x.shape[0], _n_out(x.shape[1], size, stride, 0), _n_out(x.shape[2], size, stride, 0))))
