"""conv2d: pads by replicating the border (np.pad mode="edge") instead of with zeros

Shape is right; values differ whenever padding > 0 and the border of x is
nonzero where it meets nonzero weights.
"""
import numpy as np


def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xp = np.pad(x, padding, mode="edge")
    fh, fw = w.shape
    ho = (xp.shape[0] - fh) // stride + 1
    wo = (xp.shape[1] - fw) // stride + 1
    out = np.zeros((ho, wo))
    for i in range(ho):
        for j in range(wo):
            r, c = i * stride, j * stride
            out[i, j] = np.sum(xp[r:r + fh, c:c + fw] * w)
    return out
