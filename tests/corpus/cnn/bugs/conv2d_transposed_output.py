"""conv2d: indexes the output as out[x, y] (column first), returning the transpose

Image-coordinate habit: x is horizontal, y vertical. Shape is (W', H'), so
non-square outputs show it at once; square outputs only if not symmetric.
"""
import numpy as np


def conv2d(x, w, stride=1, padding=0):
    img = np.pad(np.asarray(x, dtype=float), padding)
    w = np.asarray(w, dtype=float)
    fh, fw = w.shape
    out_h = (img.shape[0] - fh) // stride + 1
    out_w = (img.shape[1] - fw) // stride + 1
    out = np.zeros((out_w, out_h))
    for px in range(out_w):
        for py in range(out_h):
            r, c = py * stride, px * stride
            out[px, py] = np.sum(img[r:r + fh, c:c + fw] * w)
    return out
