"""conv2d: builds the padded image with extra rows only (forgets to widen it)

Zero rows are added above and below, no zero columns left and right. Correct
when padding == 0.
"""
import numpy as np


def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    H, W = x.shape
    xp = np.zeros((H + 2 * padding, W))
    xp[padding:padding + H, :] = x
    fh, fw = w.shape
    ho = (xp.shape[0] - fh) // stride + 1
    wo = (xp.shape[1] - fw) // stride + 1
    out = np.zeros((max(ho, 0), max(wo, 0)))
    for i in range(ho):
        for j in range(wo):
            r, c = i * stride, j * stride
            out[i, j] = np.sum(xp[r:r + fh, c:c + fw] * w)
    return out
