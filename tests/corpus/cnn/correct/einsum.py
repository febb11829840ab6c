"""all: explicit gather of window coordinates with broadcast index arrays, contracted with np.einsum"""
import numpy as np


def _einsum_cnn_starts(extent, f, stride):
    """Window start offsets along one axis of a (padded) extent."""
    return np.arange((extent - f) // stride + 1) * stride


def conv1d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xp = np.pad(x, padding)
    m = w.shape[0]
    idx = _einsum_cnn_starts(xp.shape[0], m, stride)[:, None] + np.arange(m)
    return np.einsum("im,m->i", xp[idx], w)


def conv1d_matrix(w, n, stride=1, padding=0):
    w = np.asarray(w, dtype=float)
    m = w.shape[0]
    starts = _einsum_cnn_starts(n + 2 * padding, m, stride)
    # hit[i, j, c] is 1 where kernel tap j of row i lands on input column c
    pos = starts[:, None] + np.arange(m) - padding  # (n_out, m)
    hit = (pos[:, :, None] == np.arange(n)[None, None, :]).astype(float)
    return np.einsum("ijc,j->ic", hit, w)


def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xp = np.pad(x, padding)
    fh, fw = w.shape
    r = _einsum_cnn_starts(xp.shape[0], fh, stride)[:, None] + np.arange(fh)  # (oh, fh)
    c = _einsum_cnn_starts(xp.shape[1], fw, stride)[:, None] + np.arange(fw)  # (ow, fw)
    patches = xp[r[:, None, :, None], c[None, :, None, :]]  # (oh, ow, fh, fw)
    return np.einsum("ijab,ab->ij", patches, w)


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    filters = np.asarray(filters, dtype=float)
    fh, fw = filters.shape[2:]
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    r = _einsum_cnn_starts(xp.shape[1], fh, stride)[:, None] + np.arange(fh)
    c = _einsum_cnn_starts(xp.shape[2], fw, stride)[:, None] + np.arange(fw)
    patches = xp[:, r[:, None, :, None], c[None, :, None, :]]  # (d, oh, ow, fh, fw)
    out = np.einsum("dijab,kdab->kij", patches, filters)
    if bias is not None:
        out = out + np.einsum("k,ij->kij", np.asarray(bias, dtype=float), np.ones(out.shape[1:]))
    return out


def max_pool2d(x, size, stride=None):
    x = np.asarray(x, dtype=float)
    if stride is None:
        stride = size
    r = _einsum_cnn_starts(x.shape[1], size, stride)[:, None] + np.arange(size)
    c = _einsum_cnn_starts(x.shape[2], size, stride)[:, None] + np.arange(size)
    patches = x[:, r[:, None, :, None], c[None, :, None, :]]  # (k, oh, ow, size, size)
    return patches.max(axis=(3, 4))
