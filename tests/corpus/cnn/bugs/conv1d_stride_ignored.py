"""conv1d: ignores the stride argument (every window position, as for stride 1)

Correct for stride 1, and whenever only one window fits.
"""
import numpy as np


def conv1d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xp = np.pad(x, padding)
    m = len(w)
    n_out = len(xp) - m + 1
    out = np.zeros(n_out)
    for i in range(n_out):
        out[i] = np.dot(xp[i:i + m], w)
    return out
