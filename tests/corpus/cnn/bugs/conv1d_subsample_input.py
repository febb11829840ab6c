"""conv1d: applies the stride by subsampling the (padded) input first, then convolves with stride 1

"Stride s means we only look at every s-th sample." Correct for stride 1 and
for length-1 kernels, wrong (values and usually length) otherwise.
"""
import numpy as np


def conv1d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xs = np.pad(x, padding)[::stride]
    m = len(w)
    n_out = len(xs) - m + 1
    out = np.zeros(n_out)
    for i in range(n_out):
        out[i] = np.dot(xs[i:i + m], w)
    return out
