"""conv1d: flips the kernel (true convolution instead of the lecture's cross-correlation)

np.convolve implements the signal-processing convolution, which reverses w.
Agrees with the reference whenever w is a palindrome (e.g. length 1, [1, 1]).
"""
import numpy as np


def conv1d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xp = np.pad(x, padding)
    return np.convolve(xp, w, mode="valid")[::stride]
