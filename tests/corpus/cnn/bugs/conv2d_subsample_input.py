"""conv2d: implements the stride by subsampling the padded image (xp[::s, ::s]) and convolving with stride 1

Correct for stride 1 and for 1x1 kernels; otherwise wrong values and
usually wrong shape (or an empty / negative-size output).
"""
import numpy as np


def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xs = np.pad(x, padding)[::stride, ::stride]
    fh, fw = w.shape
    ho = xs.shape[0] - fh + 1
    wo = xs.shape[1] - fw + 1
    out = np.zeros((ho, wo))
    for i in range(ho):
        for j in range(wo):
            out[i, j] = np.sum(xs[i:i + fh, j:j + fw] * w)
    return out
