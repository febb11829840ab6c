"""conv1d: reverses the caller's kernel array in place before calling np.convolve (right values, mutated w)

np.asarray does not copy a float ndarray, so w[:] = w[::-1] reverses the
caller's array. Only visible when w is passed as a float64 ndarray that is
not a palindrome.
"""
import numpy as np


def conv1d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    w[:] = w[::-1]  # np.convolve flips the kernel, so flip it first
    xp = np.pad(x, padding)
    return np.convolve(xp, w, mode="valid")[::stride]
