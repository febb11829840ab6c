"""conv2d_multichannel: adds bias[:, None, None] without np.asarray, so a bias given as a list raises TypeError

Right when bias is None or a numpy array; the handout's own call passes bias=[0, -1].
"""
import numpy as np


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    filters = np.asarray(filters, dtype=float)
    k, _, fh, fw = filters.shape
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    ho = (xp.shape[1] - fh) // stride + 1
    wo = (xp.shape[2] - fw) // stride + 1
    out = np.zeros((k, ho, wo))
    for f in range(k):
        for i in range(ho):
            for j in range(wo):
                r, c = i * stride, j * stride
                out[f, i, j] = np.sum(xp[:, r:r + fh, c:c + fw] * filters[f])
    if bias is not None:
        out += bias[:, None, None]
    return out
