"""conv1d_matrix: returns the matrix acting on the padded input (n + 2p columns) instead of on x

Does not drop the columns that multiply the padding zeros. Correct when
padding == 0.
"""
import numpy as np


def conv1d_matrix(w, n, stride=1, padding=0):
    w = np.asarray(w, dtype=float)
    m = len(w)
    n_pad = n + 2 * padding
    n_out = (n_pad - m) // stride + 1
    M = np.zeros((n_out, n_pad))
    for i in range(n_out):
        M[i, i * stride:i * stride + m] = w
    return M
