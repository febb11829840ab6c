"""The layers of ``cnn.py`` as plain loops, one output entry at a time, like CS231n's ``*_naive`` layers.

For teaching assistants: each function here computes what its namesake in ``cnn.py`` computes,
straight from the formula in that docstring (same arguments, same shapes, same conventions), with
Python loops over every output entry and, in the backward passes, over every use of every input.
Slow and plainly right: read it beside the vectorised reference, or step through it with a student.
``tests/test_naive_cnn.py`` checks every function against the reference on generated inputs.

Not here: part 6 (counting), whose reference is already a loop over layers, and the network of
part 5 (``init_params`` to ``predict``), which only calls the layers.
"""

import numpy as np


def _zero_pad(x, padding):
    """A new array: x with `padding` zeros on both sides of its last two axes (rows and columns)."""
    *outer, H, W = x.shape
    xp = np.zeros((*outer, H + 2 * padding, W + 2 * padding))
    xp[..., padding:padding + H, padding:padding + W] = x
    return xp


def _out_size(n, m, stride, padding=0):
    """The output-size formula: positions of an extent-m filter on n inputs padded by `padding`."""
    return (n + 2 * padding - m) // stride + 1


# -- parts 1-4: one example at a time ----------------------------------------------------------------

def conv1d(x, w, stride=1, padding=0):
    """out[i] = sum over t of xp[i * stride + t] * w[t]."""
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xp = np.concatenate([np.zeros(padding), x, np.zeros(padding)])
    m = len(w)
    out = np.zeros(_out_size(len(x), m, stride, padding))
    for i in range(len(out)):
        for t in range(m):
            out[i] += xp[i * stride + t] * w[t]
    return out


def conv1d_matrix(w, n, stride=1, padding=0):
    """M[i, j] is the weight output i gives to real input j: the entry w[t] of the filter that lands
    on input j when the filter sits at position i (xp[i * stride + t] is x[j] for t = j + padding -
    i * stride), and 0 when no entry does (or when it lands on padding, which has no column)."""
    w = np.asarray(w, dtype=float)
    M = np.zeros((_out_size(n, len(w), stride, padding), n))
    for i in range(M.shape[0]):
        for j in range(n):
            for t in range(len(w)):
                if i * stride + t == j + padding:
                    M[i, j] = w[t]
    return M


def conv2d(x, w, stride=1, padding=0):
    """out[i, j] = sum over a, b of xp[i * stride + a, j * stride + b] * w[a, b]."""
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    xp = _zero_pad(x, padding)
    fh, fw = w.shape
    out = np.zeros((_out_size(x.shape[0], fh, stride, padding), _out_size(x.shape[1], fw, stride, padding)))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            for a in range(fh):
                for b in range(fw):
                    out[i, j] += xp[i * stride + a, j * stride + b] * w[a, b]
    return out


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    """Output channel f = bias[f] + sum over input channels c of conv2d(x[c], filters[f, c])."""
    x = np.asarray(x, dtype=float)
    filters = np.asarray(filters, dtype=float)
    k, d, fh, fw = filters.shape
    out = np.zeros((k, _out_size(x.shape[1], fh, stride, padding), _out_size(x.shape[2], fw, stride, padding)))
    for f in range(k):
        for c in range(d):
            out[f] += conv2d(x[c], filters[f, c], stride, padding)
        if bias is not None:
            out[f] += float(bias[f])
    return out


def max_pool2d(x, size, stride=None):
    """out[c, i, j] = the largest entry of x[c, i*stride : i*stride + size, j*stride : j*stride + size]."""
    x = np.asarray(x, dtype=float)
    stride = size if stride is None else stride
    k, H, W = x.shape
    out = np.zeros((k, _out_size(H, size, stride), _out_size(W, size, stride)))
    for c in range(k):
        for i in range(out.shape[1]):
            for j in range(out.shape[2]):
                out[c, i, j] = max(x[c, i * stride + a, j * stride + b] for a in range(size) for b in range(size))
    return out


# -- part 5: layers on batches, forward and backward -------------------------------------------------

def relu_forward(x):
    """out = max(x, 0), entry by entry."""
    out = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        out[index] = max(x[index], 0.0)
    return out


def relu_backward(dout, x):
    """dx = dout where x > 0, and 0 where x <= 0."""
    dx = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        if x[index] > 0:
            dx[index] = dout[index]
    return dx


def conv_forward(x, w, b, stride=1, padding=0):
    """Image by image, what conv2d_multichannel computes."""
    return np.stack([conv2d_multichannel(image, w, b, stride, padding) for image in x])


def conv_backward(dout, x, w, b, stride=1, padding=0):
    """Every output out[n, f, i, j] = b[f] + sum(w[f] * window) sends dout[n, f, i, j] back to b[f],
    to w[f] (times the window) and to the window's pixels (times w[f])."""
    N, C, H, W = x.shape
    K, _, fh, fw = w.shape
    xp = _zero_pad(x, padding)
    dxp, dw, db = np.zeros(xp.shape), np.zeros(w.shape), np.zeros(K)
    for n in range(N):
        for f in range(K):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    rows, cols = slice(i * stride, i * stride + fh), slice(j * stride, j * stride + fw)
                    db[f] += dout[n, f, i, j]
                    dw[f] += dout[n, f, i, j] * xp[n, :, rows, cols]
                    dxp[n, :, rows, cols] += dout[n, f, i, j] * w[f]
    return dxp[:, :, padding:padding + H, padding:padding + W], dw, db


def max_pool_forward(x, size, stride=None):
    """Image by image, what max_pool2d computes."""
    return np.stack([max_pool2d(image, size, stride) for image in x])


def max_pool_backward(dout, x, size, stride=None):
    """Each window sends its dout to its first maximum in row-major order; overlaps add up."""
    stride = size if stride is None else stride
    N, C, H_out, W_out = dout.shape
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    best = (i * stride, j * stride)
                    for a in range(size):
                        for b in range(size):
                            if x[n, c, i * stride + a, j * stride + b] > x[n, c, best[0], best[1]]:
                                best = (i * stride + a, j * stride + b)  # strictly larger: the first wins ties
                    dx[n, c, best[0], best[1]] += dout[n, c, i, j]
    return dx


def linear_forward(x, w, b):
    """out[n, m] = b[m] + sum over d of x[n, d] * w[d, m]."""
    N, D = x.shape
    out = np.zeros((N, w.shape[1]))
    for n in range(N):
        for m in range(w.shape[1]):
            out[n, m] = b[m] + sum(x[n, d] * w[d, m] for d in range(D))
    return out


def linear_backward(dout, x, w, b):
    """Each product x[n, d] * w[d, m] sends dout[n, m] * w[d, m] to x[n, d] and dout[n, m] * x[n, d]
    to w[d, m]; b[m] gets dout[n, m] from every example n."""
    N, D = x.shape
    dx, dw, db = np.zeros(x.shape), np.zeros(w.shape), np.zeros(b.shape)
    for n in range(N):
        for m in range(w.shape[1]):
            db[m] += dout[n, m]
            for d in range(D):
                dx[n, d] += dout[n, m] * w[d, m]
                dw[d, m] += dout[n, m] * x[n, d]
    return dx, dw, db


def softmax_cross_entropy(logits, y):
    """Row by row: loss -log softmax(z)[y] with z shifted by its maximum; dlogits (softmax - one_hot) / N."""
    N, K = logits.shape
    loss, dlogits = 0.0, np.zeros((N, K))
    for n in range(N):
        z = logits[n] - max(logits[n])
        log_total = np.log(sum(np.exp(z[k]) for k in range(K)))
        loss += (log_total - z[y[n]]) / N
        for k in range(K):
            dlogits[n, k] = (np.exp(z[k] - log_total) - (k == y[n])) / N
    return float(loss), dlogits
