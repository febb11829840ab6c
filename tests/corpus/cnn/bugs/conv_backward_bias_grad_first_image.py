"""conv_backward: bias gradient summed over positions of the first image only (dout[0]), not over the batch

db = dout[0].sum(axis=(1, 2)) forgets that the bias is shared by all N
images: right for N == 1, wrong for every batch of two or more images.
"""
import numpy as np


def conv_backward(dout, x, w, b, stride=1, padding=0):
    N, C, H, W = x.shape
    K, _, fh, fw = w.shape
    _, _, Ho, Wo = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    for h in range(Ho):
        for v in range(Wo):
            r, c = h * stride, v * stride
            window = xp[:, :, r:r + fh, c:c + fw]
            g = dout[:, :, h, v]
            dw += np.tensordot(g, window, axes=([0], [0]))
            dxp[:, :, r:r + fh, c:c + fw] += np.tensordot(g, w, axes=([1], [0]))
    dx = dxp[:, :, padding:padding + H, padding:padding + W]
    db = dout[0].sum(axis=(1, 2))
    return dx, dw, db
