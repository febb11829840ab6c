"""max_pool_backward: ignores the stride argument and always uses stride = size

Right for the default stride (None) and for stride == size; with any other
stride the windows are taken at the wrong places (and with stride < size the
loop also reads windows past the ones that exist, so part of dx is missing).
"""
import numpy as np


def max_pool_backward(dout, x, size, stride=None):
    N, C, Ho, Wo = dout.shape
    dx = np.zeros_like(x)
    for h in range(Ho):
        for w in range(Wo):
            r, c = h * size, w * size
            window = x[:, :, r:r + size, c:c + size]
            if window.shape[2:] != (size, size):
                continue
            flat = window.reshape(N, C, size * size)
            mask = flat == flat.max(axis=2, keepdims=True)
            dx[:, :, r:r + size, c:c + size] += (mask * dout[:, :, h, w][:, :, None]).reshape(N, C, size, size)
    return dx
