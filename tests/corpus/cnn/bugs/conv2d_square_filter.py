"""conv2d: assumes a square filter (f = w.shape[0] used for both axes)

Right for square filters. For fh != fw the output width is computed with fh
and the window is f x f: wrong shape, wrong values or a broadcast error.
"""
import numpy as np


def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    f = w.shape[0]
    xp = np.pad(x, padding)
    H, W = xp.shape
    ho = (H - f) // stride + 1
    wo = (W - f) // stride + 1
    out = np.zeros((ho, wo))
    for i in range(ho):
        for j in range(wo):
            r, c = i * stride, j * stride
            out[i, j] = np.sum(xp[r:r + f, c:c + f] * w)
    return out
