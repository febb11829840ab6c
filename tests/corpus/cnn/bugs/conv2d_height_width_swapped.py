"""conv2d: unpacks the image shape as (W, H) (width first, PIL-style), swapping the output extents

Right for square images (and whenever both formulas give the same counts);
for H != W the output has the wrong shape or the loop runs off the image.
"""
import numpy as np


def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    W, H = x.shape
    fh, fw = w.shape
    xp = np.pad(x, padding)
    ho = (H + 2 * padding - fh) // stride + 1
    wo = (W + 2 * padding - fw) // stride + 1
    out = np.zeros((ho, wo))
    for i in range(ho):
        for j in range(wo):
            r, c = i * stride, j * stride
            out[i, j] = np.sum(xp[r:r + fh, c:c + fw] * w)
    return out
