"""all: computes everything in float32 (vectorised over kernel offsets), and returns float64 as the handout asks

Single precision inside is allowed: results match the float64 reference to about 1e-6 relative to
the magnitudes involved. Only the returned arrays must be float64.
"""
import numpy as np


def conv1d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=np.float32)
    w = np.asarray(w, dtype=np.float32)
    xp = np.pad(x, padding)
    m = w.shape[0]
    n_out = (xp.shape[0] - m) // stride + 1
    out = np.zeros(n_out, dtype=np.float32)
    for j in range(m):
        out += w[j] * xp[j:j + stride * (n_out - 1) + 1:stride]
    return out.astype(np.float64)


def conv1d_matrix(w, n, stride=1, padding=0):
    w = np.asarray(w, dtype=np.float32)
    m = w.shape[0]
    n_out = (n + 2 * padding - m) // stride + 1
    M = np.zeros((n_out, n + 2 * padding), dtype=np.float32)
    rows = np.arange(n_out)
    for j in range(m):
        M[rows, rows * stride + j] = w[j]
    return M[:, padding:padding + n].astype(np.float64)


def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=np.float32)
    w = np.asarray(w, dtype=np.float32)
    xp = np.pad(x, padding)
    fh, fw = w.shape
    out_h = (xp.shape[0] - fh) // stride + 1
    out_w = (xp.shape[1] - fw) // stride + 1
    out = np.zeros((out_h, out_w), dtype=np.float32)
    for a in range(fh):
        for b in range(fw):
            out += w[a, b] * xp[a:a + stride * (out_h - 1) + 1:stride,
                                b:b + stride * (out_w - 1) + 1:stride]
    return out.astype(np.float64)


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    x = np.asarray(x, dtype=np.float32)
    filters = np.asarray(filters, dtype=np.float32)
    k, _, fh, fw = filters.shape
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    out_h = (xp.shape[1] - fh) // stride + 1
    out_w = (xp.shape[2] - fw) // stride + 1
    out = np.zeros((k, out_h, out_w), dtype=np.float32)
    for a in range(fh):
        for b in range(fw):
            shifted = xp[:, a:a + stride * (out_h - 1) + 1:stride,
                         b:b + stride * (out_w - 1) + 1:stride]  # (d, out_h, out_w)
            out += np.tensordot(filters[:, :, a, b], shifted, axes=(1, 0))
    if bias is not None:
        out += np.asarray(bias, dtype=np.float32)[:, None, None]
    return out.astype(np.float64)


def max_pool2d(x, size, stride=None):
    x = np.asarray(x, dtype=np.float32)
    if stride is None:
        stride = size
    k, H, W = x.shape
    out_h = (H - size) // stride + 1
    out_w = (W - size) // stride + 1
    out = np.empty((k, out_h, out_w), dtype=np.float32)
    for i in range(out_h):
        for j in range(out_w):
            r, c = i * stride, j * stride
            out[:, i, j] = x[:, r:r + size, c:c + size].max(axis=(1, 2))
    return out.astype(np.float64)
