"""all: plain Python loops over output positions and kernel entries (readable student style)

numpy arrays are used only for storage; every product is a scalar Python operation.
"""
import numpy as np


def conv1d(x, w, stride=1, padding=0):
    x = np.array(x, dtype=float)
    w = np.array(w, dtype=float)
    n = len(x)
    m = len(w)
    n_out = (n + 2 * padding - m) // stride + 1
    out = np.zeros(n_out)
    for i in range(n_out):
        total = 0.0
        for j in range(m):
            pos = i * stride + j - padding  # index into the unpadded x
            if 0 <= pos < n:
                total += x[pos] * w[j]
        out[i] = total
    return out


def conv1d_matrix(w, n, stride=1, padding=0):
    w = np.array(w, dtype=float)
    m = len(w)
    n_out = (n + 2 * padding - m) // stride + 1
    M = np.zeros((n_out, n))
    for i in range(n_out):
        for j in range(m):
            pos = i * stride + j - padding
            if 0 <= pos < n:
                M[i, pos] = w[j]
    return M


def conv2d(x, w, stride=1, padding=0):
    x = np.array(x, dtype=float)
    w = np.array(w, dtype=float)
    H, W = x.shape
    fh, fw = w.shape
    out_h = (H + 2 * padding - fh) // stride + 1
    out_w = (W + 2 * padding - fw) // stride + 1
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            total = 0.0
            for a in range(fh):
                for b in range(fw):
                    r = i * stride + a - padding
                    c = j * stride + b - padding
                    if 0 <= r < H and 0 <= c < W:
                        total += x[r, c] * w[a, b]
            out[i, j] = total
    return out


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    x = np.array(x, dtype=float)
    filters = np.array(filters, dtype=float)
    d, H, W = x.shape
    k, _, fh, fw = filters.shape
    out_h = (H + 2 * padding - fh) // stride + 1
    out_w = (W + 2 * padding - fw) // stride + 1
    out = np.zeros((k, out_h, out_w))
    for f in range(k):
        for i in range(out_h):
            for j in range(out_w):
                total = 0.0
                for ch in range(d):
                    for a in range(fh):
                        for b in range(fw):
                            r = i * stride + a - padding
                            c = j * stride + b - padding
                            if 0 <= r < H and 0 <= c < W:
                                total += x[ch, r, c] * filters[f, ch, a, b]
                if bias is not None:
                    total += float(bias[f])
                out[f, i, j] = total
    return out


def max_pool2d(x, size, stride=None):
    x = np.array(x, dtype=float)
    if stride is None:
        stride = size
    k, H, W = x.shape
    out_h = (H - size) // stride + 1
    out_w = (W - size) // stride + 1
    out = np.zeros((k, out_h, out_w))
    for ch in range(k):
        for i in range(out_h):
            for j in range(out_w):
                best = x[ch, i * stride, j * stride]
                for a in range(size):
                    for b in range(size):
                        v = x[ch, i * stride + a, j * stride + b]
                        best = max(best, v)
                out[ch, i, j] = best
    return out
