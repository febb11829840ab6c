"""all: sliding_window_view windows (strided by slicing) contracted with np.tensordot"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv1d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    windows = sliding_window_view(np.pad(x, padding), w.shape[0])[::stride]  # (n_out, m)
    return windows @ w


def conv1d_matrix(w, n, stride=1, padding=0):
    # M @ x == conv1d(x) for all x  <=>  column j is conv1d(e_j); windows of a padded identity
    w = np.asarray(w, dtype=float)
    eye = np.pad(np.eye(n), ((padding, padding), (0, 0)))  # (n + 2p, n), column j = padded e_j
    windows = sliding_window_view(eye, w.shape[0], axis=0)[::stride]  # (n_out, n, m)
    return np.tensordot(windows, w, axes=([2], [0]))


def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    windows = sliding_window_view(np.pad(x, padding), w.shape)[::stride, ::stride]
    return np.tensordot(windows, w, axes=([2, 3], [0, 1]))


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    filters = np.asarray(filters, dtype=float)
    fh, fw = filters.shape[2:]
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(xp, (fh, fw), axis=(1, 2))[:, ::stride, ::stride]  # (d, oh, ow, fh, fw)
    out = np.tensordot(filters, windows, axes=([1, 2, 3], [0, 3, 4]))  # (k, oh, ow)
    if bias is not None:
        out = out + np.asarray(bias, dtype=float)[:, None, None]
    return out


def max_pool2d(x, size, stride=None):
    x = np.asarray(x, dtype=float)
    if stride is None:
        stride = size
    windows = sliding_window_view(x, (size, size), axis=(1, 2))[:, ::stride, ::stride]
    return windows.max(axis=(3, 4))
