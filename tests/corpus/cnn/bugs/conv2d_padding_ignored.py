"""conv2d: ignores the padding argument (no zero border around the image)

Correct whenever padding == 0.
"""
import numpy as np


def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    fh, fw = w.shape
    ho = (x.shape[0] - fh) // stride + 1
    wo = (x.shape[1] - fw) // stride + 1
    out = np.zeros((max(ho, 0), max(wo, 0)))
    for i in range(ho):
        for j in range(wo):
            r, c = i * stride, j * stride
            out[i, j] = np.sum(x[r:r + fh, c:c + fw] * w)
    return out
