"""conv1d: loop range stops one window early (range(0, n + 2p - m, stride) without the +1)

Drops the last window whenever stride divides n + 2p - m, which is always
the case for stride 1; for other strides it can be right.
"""
import numpy as np


def conv1d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xp = np.pad(x, padding)
    m = len(w)
    out = []
    for start in range(0, len(xp) - m, stride):
        out.append(np.sum(xp[start:start + m] * w))
    return np.array(out, dtype=float)
