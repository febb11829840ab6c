"""conv1d_matrix: allocates the matrix with dtype=int, truncating the kernel entries

Right only for integer-valued kernels; also returns an integer array.
"""
import numpy as np


def conv1d_matrix(w, n, stride=1, padding=0):
    w = np.asarray(w, dtype=float)
    m = len(w)
    n_out = (n + 2 * padding - m) // stride + 1
    M = np.zeros((n_out, n), dtype=int)
    for i in range(n_out):
        for j in range(m):
            col = i * stride + j - padding
            if 0 <= col < n:
                M[i, col] = w[j]
    return M
