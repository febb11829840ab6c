"""conv_backward: slices window (h, w) at x[h:h+fh, w:w+fw], forgetting to multiply by the stride

Same as the forward pass written for stride 1: right for stride == 1 (every
call in the network), wrong dx and dw whenever stride > 1 (db is right).
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
            window = xp[:, :, h:h + fh, v:v + fw]
            g = dout[:, :, h, v]
            dw += np.tensordot(g, window, axes=([0], [0]))
            dxp[:, :, h:h + fh, v:v + fw] += np.tensordot(g, w, axes=([1], [0]))
    dx = dxp[:, :, padding:padding + H, padding:padding + W]
    db = dout.sum(axis=(0, 2, 3))
    return dx, dw, db
