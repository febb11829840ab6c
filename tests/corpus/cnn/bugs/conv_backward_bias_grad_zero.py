"""conv_backward: returns a zero bias gradient (db = np.zeros(K)) and only computes dx and dw

dx and dw are right; db is wrong for every dout whose sum per filter is not
zero.
"""
import numpy as np


def conv_backward(dout, x, w, b, stride=1, padding=0):
    N, C, H, W = x.shape
    K, _, fh, fw = w.shape
    _, _, Ho, Wo = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = np.zeros(K)
    for h in range(Ho):
        for v in range(Wo):
            r, c = h * stride, v * stride
            window = xp[:, :, r:r + fh, c:c + fw]  # (N, C, fh, fw)
            g = dout[:, :, h, v]  # (N, K)
            dw += np.tensordot(g, window, axes=([0], [0]))
            dxp[:, :, r:r + fh, c:c + fw] += np.tensordot(g, w, axes=([1], [0]))
    dx = dxp[:, :, padding:padding + H, padding:padding + W]
    return dx, dw, db
