"""conv1d_matrix: places the kernel reversed in each row (Toeplitz matrix of the true convolution)

Copied from a signal-processing text where the convolution matrix has
w[m-1-j] on the diagonals. Correct for palindromic w.
"""
import numpy as np


def conv1d_matrix(w, n, stride=1, padding=0):
    w = np.asarray(w, dtype=float)
    m = len(w)
    n_out = (n + 2 * padding - m) // stride + 1
    M = np.zeros((n_out, n))
    for i in range(n_out):
        for j in range(m):
            col = i * stride + j - padding
            if 0 <= col < n:
                M[i, col] = w[m - 1 - j]
    return M
