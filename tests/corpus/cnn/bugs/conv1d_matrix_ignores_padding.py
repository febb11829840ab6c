"""conv1d_matrix: ignores the padding argument (rows and columns as for padding 0)

Correct whenever padding == 0.
"""
import numpy as np


def conv1d_matrix(w, n, stride=1, padding=0):
    w = np.asarray(w, dtype=float)
    m = len(w)
    n_out = (n - m) // stride + 1
    M = np.zeros((max(n_out, 0), n))
    for i in range(n_out):
        M[i, i * stride:i * stride + m] = w
    return M
