"""all: reuses the student's own functions, each part built from the previous one

conv1d_matrix from conv1d on unit vectors, conv2d as a sum of conv1d calls over kernel rows,
conv2d_multichannel as a sum of conv2d over channels, max_pool2d with loops over windows.
"""
import numpy as np


def conv1d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xp = np.concatenate([np.zeros(padding), x, np.zeros(padding)])
    m = len(w)
    n_out = (len(xp) - m) // stride + 1
    out = np.zeros(n_out)
    for i in range(n_out):
        out[i] = np.dot(xp[i * stride:i * stride + m], w)
    return out


def conv1d_matrix(w, n, stride=1, padding=0):
    # column j of M is the output for the j-th unit vector
    n_out = (n + 2 * padding - len(w)) // stride + 1
    M = np.zeros((n_out, n))
    for j in range(n):
        e = np.zeros(n)
        e[j] = 1.0
        M[:, j] = conv1d(e, w, stride, padding)
    return M


def conv2d(x, w, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xp = np.pad(x, padding)
    fh = w.shape[0]
    out_h = (xp.shape[0] - fh) // stride + 1
    rows = []
    for i in range(out_h):
        # output row i = sum over kernel rows a of a 1-D convolution of image row i*stride + a
        row = conv1d(xp[i * stride], w[0], stride)
        for a in range(1, fh):
            row = row + conv1d(xp[i * stride + a], w[a], stride)
        rows.append(row)
    return np.array(rows)


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    filters = np.asarray(filters, dtype=float)
    k, d = filters.shape[:2]
    maps = []
    for j in range(k):
        total = conv2d(x[0], filters[j, 0], stride, padding)
        for c in range(1, d):
            total = total + conv2d(x[c], filters[j, c], stride, padding)
        if bias is not None:
            total = total + float(bias[j])
        maps.append(total)
    return np.array(maps)


def max_pool2d(x, size, stride=None):
    x = np.asarray(x, dtype=float)
    if stride is None:
        stride = size
    k, H, W = x.shape
    out = np.zeros((k, (H - size) // stride + 1, (W - size) // stride + 1))
    for ch in range(k):
        for i in range(out.shape[1]):
            for j in range(out.shape[2]):
                window = x[ch, i * stride:i * stride + size, j * stride:j * stride + size]
                out[ch, i, j] = np.max(window)
    return out
