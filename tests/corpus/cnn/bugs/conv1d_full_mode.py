"""conv1d: uses np.correlate(..., mode="full"), so partial overlaps are included (output m-1 too long)

The student picked numpy's default-looking "full" mode instead of "valid".
Correct for length-1 kernels.
"""
import numpy as np


def conv1d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xp = np.pad(x, padding)
    return np.correlate(xp, w, mode="full")[::stride]
