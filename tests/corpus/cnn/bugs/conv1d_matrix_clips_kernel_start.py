"""conv1d_matrix: rows whose window overlaps the left padding get w[:len] instead of the matching w[off:]

Clips the column range correctly but copies w[:len] instead of w[offset:],
so only rows whose window overlaps the left padding are wrong (padding > 0,
kernel longer than 1).
"""
import numpy as np


def conv1d_matrix(w, n, stride=1, padding=0):
    w = np.asarray(w, dtype=float)
    m = len(w)
    n_out = (n + 2 * padding - m) // stride + 1
    M = np.zeros((n_out, n))
    for i in range(n_out):
        start = i * stride - padding
        lo = max(start, 0)
        hi = min(start + m, n)
        if hi > lo:
            M[i, lo:hi] = w[:hi - lo]
    return M
