"""conv2d: applies the stride to the rows but forgets it for the columns

Correct for stride 1, and when only one column window fits.
"""
import numpy as np


def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xp = np.pad(x, padding)
    fh, fw = w.shape
    ho = (xp.shape[0] - fh) // stride + 1
    wo = xp.shape[1] - fw + 1
    out = np.zeros((ho, wo))
    for i in range(ho):
        for j in range(wo):
            r = i * stride
            out[i, j] = np.sum(xp[r:r + fh, j:j + fw] * w)
    return out
