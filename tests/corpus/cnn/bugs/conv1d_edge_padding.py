"""conv1d: pads with copies of the edge values (np.pad mode="edge") instead of zeros

Shape is right; values differ whenever padding > 0 and a padded entry meets a
nonzero weight while the edge value of x is nonzero.
"""
import numpy as np


def conv1d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xp = np.pad(x, padding, mode="edge")
    m = len(w)
    n_out = (len(xp) - m) // stride + 1
    out = np.zeros(n_out)
    for i in range(n_out):
        out[i] = np.dot(xp[i * stride:i * stride + m], w)
    return out
