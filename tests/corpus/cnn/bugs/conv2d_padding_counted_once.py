"""conv2d: output size uses H + p - fh (and W + p - fw): padding counted once in the formula

Pads correctly, computes too few windows whenever padding > 0 changes the
floor - always for stride 1.
"""
import numpy as np


def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    H, W = x.shape
    fh, fw = w.shape
    xp = np.pad(x, padding)
    ho = (H + padding - fh) // stride + 1
    wo = (W + padding - fw) // stride + 1
    out = np.zeros((max(ho, 0), max(wo, 0)))
    for i in range(ho):
        for j in range(wo):
            r, c = i * stride, j * stride
            out[i, j] = np.sum(xp[r:r + fh, c:c + fw] * w)
    return out
