"""conv_backward: returns the gradient of the padded input, without cropping the padding off dx

dx has shape (N, C, H + 2*padding, W + 2*padding): right for padding == 0,
wrong shape for every padding > 0 (dw and db are right).
"""
import numpy as np


def conv_backward(dout, x, w, b, stride=1, padding=0):
    K, _, fh, fw = w.shape
    _, _, Ho, Wo = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dx = np.zeros_like(xp)
    dw = np.zeros_like(w)
    for h in range(Ho):
        for v in range(Wo):
            r, c = h * stride, v * stride
            window = xp[:, :, r:r + fh, c:c + fw]
            g = dout[:, :, h, v]
            dw += np.tensordot(g, window, axes=([0], [0]))
            dx[:, :, r:r + fh, c:c + fw] += np.tensordot(g, w, axes=([1], [0]))
    db = dout.sum(axis=(0, 2, 3))
    return dx, dw, db
