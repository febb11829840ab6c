"""conv1d: returns a Python list instead of a numpy array

Values are right; np.allclose-style checks pass, a type check does not.
"""
import numpy as np


def conv1d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xp = np.pad(x, padding)
    m = len(w)
    out = []
    for i in range(0, len(xp) - m + 1, stride):
        out.append(float(np.dot(xp[i:i + m], w)))
    return out
