"""conv2d: its padding defaults to 1, not 0; conv2d_multichannel (correct) is built on it, as its docstring suggests

The handout's cascading case: conv2d_multichannel sums conv2d over the input channels and passes
its own stride and padding on, so the bug is conv2d's alone. In hidden checks, conv2d_multichannel's
calls to conv2d are answered by the reference: conv2d loses points, conv2d_multichannel none.
"""
import numpy as np


def conv2d(x, w, stride=1, padding=1):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if padding > 0:
        x = np.pad(x, padding)
    windows = np.lib.stride_tricks.sliding_window_view(x, w.shape)[::stride, ::stride]
    return np.tensordot(windows, w, axes=2)


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    filters = np.asarray(filters, dtype=float)
    out = np.array([sum(conv2d(x[c], filters[j, c], stride=stride, padding=padding) for c in range(x.shape[0]))
                    for j in range(filters.shape[0])])
    if bias is not None:
        out = out + np.asarray(bias, dtype=float)[:, None, None]
    return out
