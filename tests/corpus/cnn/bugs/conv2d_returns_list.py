"""conv2d: returns a nested Python list instead of a numpy array

Values are right; only a type check catches it.
"""
import numpy as np


def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xp = np.pad(x, padding)
    fh, fw = w.shape
    rows = []
    for r in range(0, xp.shape[0] - fh + 1, stride):
        row = []
        for c in range(0, xp.shape[1] - fw + 1, stride):
            row.append(float(np.sum(xp[r:r + fh, c:c + fw] * w)))
        rows.append(row)
    return rows
