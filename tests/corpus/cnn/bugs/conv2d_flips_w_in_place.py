"""conv2d: rotates the caller's kernel in place (w[:] = w[::-1, ::-1]); right values, mutated w

The student pre-rotates w so that the lecture's convolution formula (which
rotates again) gives cross-correlation.

np.asarray does not copy a float ndarray, so w[:] = w[::-1, ::-1] rotates
the caller's kernel. Only visible when w is a float64 ndarray that is not
180-degree symmetric.
"""
import numpy as np


def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    w[:] = w[::-1, ::-1]  # pre-rotate: the convolution formula below rotates again
    xp = np.pad(x, padding)
    fh, fw = w.shape
    ho = (xp.shape[0] - fh) // stride + 1
    wo = (xp.shape[1] - fw) // stride + 1
    out = np.zeros((ho, wo))
    for a in range(fh):
        for b in range(fw):
            patch = xp[a:a + stride * (ho - 1) + 1:stride, b:b + stride * (wo - 1) + 1:stride]
            out += w[fh - 1 - a, fw - 1 - b] * patch
    return out
