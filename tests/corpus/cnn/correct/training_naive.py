"""all: part 5 CS231n-style, conv and max pool as plain loops over images, filters (channels) and output positions

The way CS231n's "naive" layers are written: conv_forward and conv_backward loop over
every image n, filter f and output position (i, j), with np.sum(window * w[f]) as the
only vectorised work; max pooling loops over every image, channel and output position
and routes the gradient with np.argmax of one window (the first maximum in row-major
order, as the handout asks); ReLU, the linear layer and the loss are the usual one-line
numpy of CS231n's layers; the network's functions are plain Python loops calling them.
Correct throughout, and slow: train() with its defaults takes about 10 minutes of CPU
time, so train's integration check is sized for it (one epoch, about 10-15 s of CPU on
one core, against train's limit of 60 s).
"""
import numpy as np


def relu_forward(x):
    return np.maximum(0, x)


def relu_backward(dout, x):
    return dout * (x > 0)


def conv_forward(x, w, b, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)), mode="constant")
    H_out = 1 + (H + 2 * padding - HH) // stride
    W_out = 1 + (W + 2 * padding - WW) // stride
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out


def conv_backward(dout, x, w, b, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)), mode="constant")
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    db = np.zeros_like(b)
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    db[f] += dout[n, f, i, j]
                    dw[f] += window * dout[n, f, i, j]
                    dx_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += w[f] * dout[n, f, i, j]
    dx = dx_pad[:, :, padding:padding + H, padding:padding + W]
    return dx, dw, db


def max_pool_forward(x, size, stride=None):
    if stride is None:
        stride = size
    N, C, H, W = x.shape
    H_out = 1 + (H - size) // stride
    W_out = 1 + (W - size) // stride
    out = np.zeros((N, C, H_out, W_out))
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    window = x[n, c, i * stride:i * stride + size, j * stride:j * stride + size]
                    out[n, c, i, j] = np.max(window)
    return out


def max_pool_backward(dout, x, size, stride=None):
    if stride is None:
        stride = size
    N, C, H_out, W_out = dout.shape
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    window = x[n, c, i * stride:i * stride + size, j * stride:j * stride + size]
                    u, v = np.unravel_index(np.argmax(window), window.shape)  # the first maximum, row-major
                    dx[n, c, i * stride + u, j * stride + v] += dout[n, c, i, j]
    return dx


def linear_forward(x, w, b):
    return x.dot(w) + b


def linear_backward(dout, x, w, b):
    dx = dout.dot(w.T)
    dw = x.T.dot(dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def softmax_cross_entropy(logits, y):
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    N = logits.shape[0]
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dlogits = np.exp(log_probs)
    dlogits[np.arange(N), y] -= 1
    dlogits /= N
    return float(loss), dlogits


def init_params(seed=0):
    rng = np.random.default_rng(seed)
    conv_w = rng.normal(0.0, np.sqrt(2.0 / 9), size=(8, 1, 3, 3))
    fc_w = rng.normal(0.0, np.sqrt(2.0 / 128), size=(128, 10))
    return {"conv_w": conv_w, "conv_b": np.zeros(8), "fc_w": fc_w, "fc_b": np.zeros(10)}


def loss_and_grads(params, x, y):
    conv = conv_forward(x, params["conv_w"], params["conv_b"], stride=1, padding=1)
    relu = relu_forward(conv)
    pool = max_pool_forward(relu, 2)
    N = x.shape[0]
    scores = linear_forward(pool.reshape(N, -1), params["fc_w"], params["fc_b"])
    loss, dscores = softmax_cross_entropy(scores, y)
    dflat, dfc_w, dfc_b = linear_backward(dscores, pool.reshape(N, -1), params["fc_w"], params["fc_b"])
    drelu = max_pool_backward(dflat.reshape(pool.shape), relu, 2)
    dconv = relu_backward(drelu, conv)
    _, dconv_w, dconv_b = conv_backward(dconv, x, params["conv_w"], params["conv_b"], stride=1, padding=1)
    return loss, {"conv_w": dconv_w, "conv_b": dconv_b, "fc_w": dfc_w, "fc_b": dfc_b}


def sgd_step(params, grads, lr):
    next_params = {}
    for k, v in params.items():
        next_params[k] = v - lr * grads[k]
    return next_params


def train(x_train, y_train, epochs=60, lr=0.1, batch_size=20, seed=0):
    rng = np.random.default_rng(seed)
    params = init_params(seed)
    num_train = x_train.shape[0]
    loss_history = []
    for _ in range(epochs):
        perm = rng.permutation(num_train)
        batch_losses = []
        for i in range(0, num_train, batch_size):
            batch_mask = perm[i:i + batch_size]
            loss, grads = loss_and_grads(params, x_train[batch_mask], y_train[batch_mask])
            params = sgd_step(params, grads, lr)
            batch_losses.append(loss * len(batch_mask))
        loss_history.append(sum(batch_losses) / num_train)
    return params, loss_history


def predict(params, x):
    conv = conv_forward(x, params["conv_w"], params["conv_b"], stride=1, padding=1)
    pool = max_pool_forward(relu_forward(conv), 2)
    scores = linear_forward(pool.reshape(x.shape[0], -1), params["fc_w"], params["fc_b"])
    return np.argmax(scores, axis=1)
