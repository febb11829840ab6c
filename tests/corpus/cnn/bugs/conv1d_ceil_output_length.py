"""conv1d: rounds the number of windows up (ceil instead of floor) and zero-fills the missing tail

Output is one too long whenever stride > 1 does not divide n + 2p - m; the
extra window runs over zeros that are not part of the padded input.
"""
import numpy as np


def conv1d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    n, m = len(x), len(w)
    n_out = int(np.ceil((n + 2 * padding - m) / stride)) + 1
    # make the buffer long enough that every window fits
    xp = np.zeros(n_out * stride + m)
    xp[padding:padding + n] = x
    out = np.zeros(n_out)
    for i in range(n_out):
        out[i] = np.dot(xp[i * stride:i * stride + m], w)
    return out
