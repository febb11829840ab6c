"""conv1d: output length uses n + p - m instead of n + 2p - m (padding counted once)

Pads correctly on both sides, but computes too few windows whenever
padding > 0 changes floor((n + 2p - m) / stride) - always for stride 1.
"""
import numpy as np


def conv1d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    n, m = len(x), len(w)
    xp = np.pad(x, padding)
    n_out = (n + padding - m) // stride + 1
    out = np.zeros(max(n_out, 0))
    for i in range(n_out):
        out[i] = np.dot(xp[i * stride:i * stride + m], w)
    return out
