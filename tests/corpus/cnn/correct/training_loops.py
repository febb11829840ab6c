"""all: part 5 written with explicit Python loops (over images, rows, output positions, dict keys), in student style

Every layer loops the way one would explain it on the board: conv and max pool
over the output positions (h, w), linear and softmax over the examples (rows),
ReLU over the images, sgd_step over the parameter names, init_params over every
weight entry. Only the innermost work is vectorised: the dot product of one
window with the filters (np.tensordot over channels and kernel entries) and
elementwise operations on one image or row. Fully scalar loops would take
minutes for train(); with this moderate vectorisation train() with the defaults
takes about 10 s of CPU (the reference: about 3 s). loss_and_grads, train and
predict call the functions above (the student's own layers), as the handout asks.
"""
import numpy as np


def relu_forward(x):
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape[:1]):  # each image (or row); a single step for a 0-d x
        out[i] = np.where(x[i] > 0, x[i], 0.0)
    return out


def relu_backward(dout, x):
    dx = np.zeros_like(dout)
    for i in np.ndindex(x.shape[:1]):
        dx[i] = np.where(x[i] > 0, dout[i], 0.0)
    return dx


def _loops_pad(x, padding):
    N, C, H, W = x.shape
    xp = np.zeros((N, C, H + 2 * padding, W + 2 * padding))
    xp[:, :, padding:padding + H, padding:padding + W] = x
    return xp


def conv_forward(x, w, b, stride=1, padding=0):
    N, C, H, W = x.shape
    K, _, fh, fw = w.shape
    xp = _loops_pad(x, padding)
    Ho = (H + 2 * padding - fh) // stride + 1
    Wo = (W + 2 * padding - fw) // stride + 1
    out = np.zeros((N, K, Ho, Wo))
    for h in range(Ho):
        for v in range(Wo):
            r, c = h * stride, v * stride
            window = xp[:, :, r:r + fh, c:c + fw]  # (N, C, fh, fw)
            out[:, :, h, v] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out


def conv_backward(dout, x, w, b, stride=1, padding=0):
    N, C, H, W = x.shape
    K, _, fh, fw = w.shape
    _, _, Ho, Wo = dout.shape
    xp = _loops_pad(x, padding)
    dxp = np.zeros_like(xp)
    dw = np.zeros(w.shape)
    db = np.zeros(K)
    for k in range(K):
        db[k] = dout[:, k].sum()
    for h in range(Ho):
        for v in range(Wo):
            r, c = h * stride, v * stride
            window = xp[:, :, r:r + fh, c:c + fw]  # (N, C, fh, fw)
            g = dout[:, :, h, v]  # (N, K)
            dw += np.tensordot(g, window, axes=([0], [0]))  # (K, C, fh, fw)
            dxp[:, :, r:r + fh, c:c + fw] += np.tensordot(g, w, axes=([1], [0]))  # (N, C, fh, fw)
    dx = dxp[:, :, padding:padding + H, padding:padding + W].copy()
    return dx, dw, db


def max_pool_forward(x, size, stride=None):
    if stride is None:
        stride = size
    N, C, H, W = x.shape
    Ho = (H - size) // stride + 1
    Wo = (W - size) // stride + 1
    out = np.zeros((N, C, Ho, Wo))
    for h in range(Ho):
        for v in range(Wo):
            r, c = h * stride, v * stride
            out[:, :, h, v] = x[:, :, r:r + size, c:c + size].max(axis=(2, 3))
    return out


def max_pool_backward(dout, x, size, stride=None):
    if stride is None:
        stride = size
    N, C, H, W = x.shape
    _, _, Ho, Wo = dout.shape
    dx = np.zeros((N, C, H, W))
    entries = np.arange(size * size)
    for h in range(Ho):
        for v in range(Wo):
            r, c = h * stride, v * stride
            window = x[:, :, r:r + size, c:c + size].reshape(N, C, size * size)
            winner = window.argmax(axis=2)  # first maximum, row-major
            onehot = entries == winner[:, :, None]  # (N, C, size*size)
            dx[:, :, r:r + size, c:c + size] += (onehot * dout[:, :, h, v][:, :, None]).reshape(N, C, size, size)
    return dx


def linear_forward(x, w, b):
    N = x.shape[0]
    out = np.zeros((N, w.shape[1]))
    for n in range(N):
        out[n] = x[n] @ w + b
    return out


def linear_backward(dout, x, w, b):
    N, D = x.shape
    dx = np.zeros((N, D))
    dw = np.zeros(w.shape)
    db = np.zeros(b.shape)
    for n in range(N):
        dx[n] = w @ dout[n]
        dw += np.outer(x[n], dout[n])
        db += dout[n]
    return dx, dw, db


def softmax_cross_entropy(logits, y):
    N = logits.shape[0]
    total = 0.0
    dlogits = np.zeros(logits.shape)
    for n in range(N):
        row = logits[n] - np.max(logits[n])  # largest entry becomes 0: exp cannot overflow
        exps = np.exp(row)
        total_exp = exps.sum()
        total += np.log(total_exp) - row[y[n]]
        dlogits[n] = exps / total_exp
        dlogits[n, y[n]] -= 1.0
    return float(total / N), dlogits / N


def init_params(seed=0):
    rng = np.random.default_rng(seed)
    params = {}
    for name, shape, fan_in in (("conv_w", (8, 1, 3, 3), 1 * 3 * 3), ("fc_w", (8 * 4 * 4, 10), 8 * 4 * 4)):
        std = np.sqrt(2.0 / fan_in)
        weights = np.zeros(shape)
        for index in np.ndindex(shape):  # same draws, in the same order, as one vectorised call
            weights[index] = rng.normal(0.0, std)
        params[name] = weights
    return {"conv_w": params["conv_w"], "conv_b": np.zeros(8), "fc_w": params["fc_w"], "fc_b": np.zeros(10)}


def loss_and_grads(params, x, y):
    N = x.shape[0]
    conv = conv_forward(x, params["conv_w"], params["conv_b"], 1, 1)
    relu = relu_forward(conv)
    pool = max_pool_forward(relu, 2)
    flat = pool.reshape(N, 8 * 4 * 4)
    logits = linear_forward(flat, params["fc_w"], params["fc_b"])
    loss, dlogits = softmax_cross_entropy(logits, y)
    dflat, dfc_w, dfc_b = linear_backward(dlogits, flat, params["fc_w"], params["fc_b"])
    drelu = max_pool_backward(dflat.reshape(N, 8, 4, 4), relu, 2)
    dconv = relu_backward(drelu, conv)
    _, dconv_w, dconv_b = conv_backward(dconv, x, params["conv_w"], params["conv_b"], 1, 1)
    return loss, {"conv_w": dconv_w, "conv_b": dconv_b, "fc_w": dfc_w, "fc_b": dfc_b}


def sgd_step(params, grads, lr):
    new_params = {}
    for name in params:
        new_params[name] = params[name] - lr * grads[name]
    return new_params


def train(x_train, y_train, epochs=60, lr=0.1, batch_size=20, seed=0):
    rng = np.random.default_rng(seed)
    params = init_params(seed)
    n = len(x_train)
    history = []
    for _ in range(epochs):
        order = rng.permutation(n)
        loss_sum = 0.0
        start = 0
        while start < n:
            idx = order[start:start + batch_size]
            loss, grads = loss_and_grads(params, x_train[idx], y_train[idx])
            params = sgd_step(params, grads, lr)
            loss_sum += loss * len(idx)
            start += batch_size
        history.append(loss_sum / n)
    return params, history


def predict(params, x):
    N = x.shape[0]
    conv = conv_forward(x, params["conv_w"], params["conv_b"], 1, 1)
    pool = max_pool_forward(relu_forward(conv), 2)
    logits = linear_forward(pool.reshape(N, -1), params["fc_w"], params["fc_b"])
    labels = np.zeros(N, dtype=np.int64)
    for n in range(N):
        labels[n] = np.argmax(logits[n])
    return labels
