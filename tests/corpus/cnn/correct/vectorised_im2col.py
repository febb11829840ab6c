"""all: im2col (every window gathered into a row with index arrays), then one matrix multiply"""
import numpy as np


def _im2col_cnn_patches(xp, fh, fw, stride):
    """(d, Hp, Wp) -> (out_h * out_w, d * fh * fw) matrix of flattened windows."""
    d, Hp, Wp = xp.shape
    out_h = (Hp - fh) // stride + 1
    out_w = (Wp - fw) // stride + 1
    rows = (np.arange(out_h) * stride)[:, None] + np.arange(fh)[None, :]  # (out_h, fh)
    cols = (np.arange(out_w) * stride)[:, None] + np.arange(fw)[None, :]  # (out_w, fw)
    # patches[ch, i, j, a, b] = xp[ch, rows[i, a], cols[j, b]]
    patches = xp[:, rows[:, None, :, None], cols[None, :, None, :]]
    patches = patches.transpose(1, 2, 0, 3, 4).reshape(out_h * out_w, d * fh * fw)
    return patches, out_h, out_w


def conv1d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xp = np.pad(x, padding)
    m = w.shape[0]
    n_out = (xp.shape[0] - m) // stride + 1
    idx = (np.arange(n_out) * stride)[:, None] + np.arange(m)[None, :]
    return xp[idx] @ w


def conv1d_matrix(w, n, stride=1, padding=0):
    w = np.asarray(w, dtype=float)
    m = w.shape[0]
    n_out = (n + 2 * padding - m) // stride + 1
    idx = (np.arange(n_out) * stride)[:, None] + np.arange(m)[None, :]
    full = np.zeros((n_out, n + 2 * padding))
    full[np.arange(n_out)[:, None], idx] = w[None, :]
    return full[:, padding:padding + n].copy()


def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xp = np.pad(x, padding)[None]
    fh, fw = w.shape
    cols, out_h, out_w = _im2col_cnn_patches(xp, fh, fw, stride)
    return (cols @ w.reshape(-1)).reshape(out_h, out_w)


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    filters = np.asarray(filters, dtype=float)
    k, _, fh, fw = filters.shape
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    cols, out_h, out_w = _im2col_cnn_patches(xp, fh, fw, stride)
    out = cols @ filters.reshape(k, -1).T  # (out_h * out_w, k)
    if bias is not None:
        out = out + np.asarray(bias, dtype=float)[None, :]
    return out.T.reshape(k, out_h, out_w)


def max_pool2d(x, size, stride=None):
    x = np.asarray(x, dtype=float)
    if stride is None:
        stride = size
    k = x.shape[0]
    cols, out_h, out_w = _im2col_cnn_patches(x, size, size, stride)
    # each row holds the k windows one after the other: split them and reduce
    maxima = cols.reshape(out_h * out_w, k, size * size).max(axis=2)
    return maxima.T.reshape(k, out_h, out_w)
