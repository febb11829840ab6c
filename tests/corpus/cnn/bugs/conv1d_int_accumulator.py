"""conv1d: allocates the output with dtype=int, so every result is truncated toward zero

Right whenever all results happen to be whole numbers (e.g. the lecture's
0/1 examples); also returns an integer array.
"""
import numpy as np


def conv1d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    n, m = len(x), len(w)
    xp = np.pad(x, padding)
    n_out = (n + 2 * padding - m) // stride + 1
    out = np.zeros(n_out, dtype=int)
    for i in range(n_out):
        out[i] = np.dot(xp[i * stride:i * stride + m], w)
    return out
