"""conv2d: ignores the stride argument on both axes (always stride 1)

Correct for stride 1 and whenever a single window fits on each axis.
"""
import numpy as np


def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xp = np.pad(x, padding)
    fh, fw = w.shape
    ho = xp.shape[0] - fh + 1
    wo = xp.shape[1] - fw + 1
    out = np.zeros((ho, wo))
    for i in range(ho):
        for j in range(wo):
            out[i, j] = np.sum(xp[i:i + fh, j:j + fw] * w)
    return out
