"""conv2d: "flips" the kernel with w[::-1], which reverses only the rows

Half of a true convolution: wrong whenever the kernel is not symmetric under
an up-down flip (fh > 1); right for single-row kernels.
"""
import numpy as np


def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)[::-1]
    xp = np.pad(x, padding)
    fh, fw = w.shape
    ho = (xp.shape[0] - fh) // stride + 1
    wo = (xp.shape[1] - fw) // stride + 1
    out = np.zeros((ho, wo))
    for i in range(ho):
        for j in range(wo):
            r, c = i * stride, j * stride
            out[i, j] = np.sum(xp[r:r + fh, c:c + fw] * w)
    return out
