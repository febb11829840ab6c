"""conv1d: pads only at the end of x ("so the last window fits"), not at the start

Output is shorter and shifted relative to the reference whenever padding > 0.
"""
import numpy as np


def conv1d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xp = np.concatenate([x, np.zeros(padding)])
    m = len(w)
    n_out = (len(xp) - m) // stride + 1
    out = np.zeros(n_out)
    for i in range(n_out):
        out[i] = np.dot(xp[i * stride:i * stride + m], w)
    return out
