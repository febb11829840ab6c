"""conv_forward: flips each filter in both spatial axes (true convolution instead of cross-correlation)

Right only for filters symmetric under a 180-degree rotation (e.g. 1x1
filters); wrong for any other filter.
"""
import numpy as np


def conv_forward(x, w, b, stride=1, padding=0):
    N, C, H, W = x.shape
    K, _, fh, fw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    Ho = (H + 2 * padding - fh) // stride + 1
    Wo = (W + 2 * padding - fw) // stride + 1
    wf = w[:, :, ::-1, ::-1]
    out = np.zeros((N, K, Ho, Wo))
    for h in range(Ho):
        for v in range(Wo):
            r, c = h * stride, v * stride
            window = xp[:, :, r:r + fh, c:c + fw]
            out[:, :, h, v] = np.tensordot(window, wf, axes=([1, 2, 3], [1, 2, 3])) + b
    return out
