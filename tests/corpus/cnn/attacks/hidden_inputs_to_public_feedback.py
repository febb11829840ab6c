"""attack: show the hidden tests' inputs in feedback students see at once, from state kept in the worker.

conv1d (right) notes a fingerprint of every input it is given, hidden tests' included; conv1d_matrix
raises an error listing every fingerprint noted so far, in every call: its public checks' feedback
is visible as soon as the file is submitted. Once every public and hidden check of conv1d ran in the
worker before conv1d_matrix's public ones: all 160 hidden inputs of conv1d, the same on every
resubmission. The test checks that no fingerprint of a hidden input of conv1d reaches visible feedback.
"""

import hashlib
import itertools

import numpy as np

SEEN = []  # fingerprints of every x given to conv1d, in this worker


def fingerprint(x):
    return "x#" + hashlib.sha256(np.ascontiguousarray(np.asarray(x, dtype=float)).tobytes()).hexdigest()[:12]


def conv1d(x, w, stride=1, padding=0):
    SEEN.append(fingerprint(x))
    x = np.pad(np.asarray(x, dtype=float), padding)
    w = np.asarray(w, dtype=float)
    return np.array([x[i:i + len(w)] @ w for i in range(0, len(x) - len(w) + 1, stride)])


def conv1d_matrix(w, n, stride=1, padding=0):
    raise ValueError("seen so far: " + " ".join(dict.fromkeys(SEEN)))


_CALLS = itertools.count(1)


def _answer(ones):  # what the other functions return: wrong, and never the same twice
    return ones * next(_CALLS)


def _n_out(n, m, stride, padding):
    return max((n + 2 * padding - m) // stride + 1, 0)


def conv2d(x, w, stride=1, padding=0):
    x, w = np.asarray(x), np.asarray(w)
    return _answer(np.ones((_n_out(x.shape[0], w.shape[0], stride, padding),
                             _n_out(x.shape[1], w.shape[1], stride, padding))))
