"""conv1d: ignores the padding argument (slides over the bare signal)

Correct whenever padding == 0.
"""
import numpy as np


def conv1d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    n, m = len(x), len(w)
    n_out = (n - m) // stride + 1
    out = np.zeros(n_out)
    for i in range(n_out):
        out[i] = np.dot(x[i * stride:i * stride + m], w)
    return out
