"""conv1d_matrix: counts rows as (n + 2p - m + 1) // stride ("positions divided by stride")

Right for stride 1, and for stride s > 1 exactly when (n + 2p - m) % s == s - 1;
otherwise one row short.
"""
import numpy as np


def conv1d_matrix(w, n, stride=1, padding=0):
    w = np.asarray(w, dtype=float)
    m = len(w)
    n_out = (n + 2 * padding - m + 1) // stride
    M = np.zeros((n_out, n))
    for i in range(n_out):
        for j in range(m):
            col = i * stride + j - padding
            if 0 <= col < n:
                M[i, col] = w[j]
    return M
