"""conv2d: puts all 2p padding rows/columns at the bottom and right instead of p on each side

Shape is right, values are shifted by p; wrong whenever padding > 0.
"""
import numpy as np


def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    H, W = x.shape
    xp = np.zeros((H + 2 * padding, W + 2 * padding))
    xp[:H, :W] = x
    fh, fw = w.shape
    ho = (xp.shape[0] - fh) // stride + 1
    wo = (xp.shape[1] - fw) // stride + 1
    out = np.zeros((ho, wo))
    for i in range(ho):
        for j in range(wo):
            r, c = i * stride, j * stride
            out[i, j] = np.sum(xp[r:r + fh, c:c + fw] * w)
    return out
