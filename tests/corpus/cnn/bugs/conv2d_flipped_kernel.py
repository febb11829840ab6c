"""conv2d: flips the kernel on both axes (true 2-D convolution instead of cross-correlation)

Correct only when w is unchanged by a 180-degree rotation (e.g. 1x1, or
symmetric blur kernels).
"""
import numpy as np


def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.flip(np.asarray(w, dtype=float))
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
