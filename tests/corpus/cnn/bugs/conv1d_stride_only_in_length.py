"""conv1d: uses the stride in the output-length formula but slides the window by 1

Output has the right shape; for stride > 1 it holds the first n_out windows
of the stride-1 result instead of every stride-th one.
"""
import numpy as np


def conv1d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    n, m = len(x), len(w)
    xp = np.pad(x, padding)
    n_out = (n + 2 * padding - m) // stride + 1
    out = np.zeros(n_out)
    for i in range(n_out):
        out[i] = np.dot(xp[i:i + m], w)
    return out
