"""all: part 5 vectorised with as_strided windows and np.einsum (conv dx by transposed convolution, pool dx by bincount)

Differs from the reference's approach throughout: windows are an explicit
np.lib.stride_tricks.as_strided view; the conv input gradient is the full
correlation of the stride-dilated dout with the rotated filters (no loop over
kernel offsets); the max-pool gradient is scattered with np.bincount on flat
indices (repeated indices add up, so overlapping windows are handled); the
log-sum-exp uses np.logaddexp.reduce on max-shifted logits; init_params draws
standard normals and scales them; train cuts each permutation with
np.array_split.
"""
import numpy as np


def _vec_windows(x, fh, fw, stride):
    """Read-only (N, C, H', W', fh, fw) view of the stride-grid windows of x (N, C, H, W)."""
    N, C, H, W = x.shape
    sn, sc, sh, sw = x.strides
    Ho = (H - fh) // stride + 1
    Wo = (W - fw) // stride + 1
    return np.lib.stride_tricks.as_strided(
        x, shape=(N, C, Ho, Wo, fh, fw), strides=(sn, sc, sh * stride, sw * stride, sh, sw), writeable=False
    )


def _vec_pad(x, before, after=None):
    """Zero-pad the two spatial axes: `before` rows/cols first, `after` (default: before) last."""
    after = before if after is None else after
    return np.pad(x, ((0, 0), (0, 0), (before, after), (before, after)))


def relu_forward(x):
    return np.clip(x, 0.0, None)


def relu_backward(dout, x):
    return np.where(x > 0, dout, 0.0)


def conv_forward(x, w, b, stride=1, padding=0):
    windows = _vec_windows(_vec_pad(x, padding), w.shape[2], w.shape[3], stride)
    return np.einsum("nchwij,kcij->nkhw", windows, w, optimize=True) + b[:, None, None]


def conv_backward(dout, x, w, b, stride=1, padding=0):
    N, C, H, W = x.shape
    K, _, fh, fw = w.shape
    xp = _vec_pad(x, padding)
    windows = _vec_windows(xp, fh, fw, stride)
    db = np.einsum("nkhw->k", dout)
    dw = np.einsum("nkhw,nchwij->kcij", dout, windows, optimize=True)
    # dx: put dout back on the stride grid of the stride-1 output (zeros in between),
    # then correlate it fully with the filters rotated by 180 degrees.
    Hp, Wp = xp.shape[2:]
    dilated = np.zeros((N, K, Hp - fh + 1, Wp - fw + 1))
    dilated[:, :, ::stride, ::stride] = dout
    full = np.pad(dilated, ((0, 0), (0, 0), (fh - 1, fh - 1), (fw - 1, fw - 1)))
    dxp = np.einsum("nkyxij,kcij->ncyx", _vec_windows(full, fh, fw, 1), w[:, :, ::-1, ::-1], optimize=True)
    return dxp[:, :, padding:padding + H, padding:padding + W].copy(), dw, db


def max_pool_forward(x, size, stride=None):
    stride = size if stride is None else stride
    return _vec_windows(x, size, size, stride).max(axis=(4, 5))


def max_pool_backward(dout, x, size, stride=None):
    stride = size if stride is None else stride
    N, C, H, W = x.shape
    windows = _vec_windows(x, size, size, stride)
    Ho, Wo = windows.shape[2:4]
    winner = windows.reshape(N, C, Ho, Wo, size * size).argmax(axis=-1)
    rows = np.arange(Ho)[:, None] * stride + winner // size
    cols = np.arange(Wo)[None, :] * stride + winner % size
    planes = np.arange(N * C).reshape(N, C, 1, 1)  # index of each (n, c) image plane
    flat = (planes * H + rows) * W + cols
    return np.bincount(flat.ravel(), weights=dout.ravel(), minlength=x.size).reshape(x.shape)


def linear_forward(x, w, b):
    return np.einsum("nd,dm->nm", x, w) + b


def linear_backward(dout, x, w, b):
    return np.einsum("nm,dm->nd", dout, w), np.einsum("nd,nm->dm", x, dout), np.einsum("nm->m", dout)


def softmax_cross_entropy(logits, y):
    N, K = logits.shape
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.logaddexp.reduce(shifted, axis=1, keepdims=True)
    one_hot = np.eye(K)[y]
    loss = -np.einsum("nk,nk->", one_hot, log_probs) / N
    return float(loss), (np.exp(log_probs) - one_hot) / N


def init_params(seed=0):
    rng = np.random.default_rng(seed)
    conv_w = rng.standard_normal((8, 1, 3, 3)) * np.sqrt(2.0 / 9)
    fc_w = rng.standard_normal((128, 10)) * np.sqrt(2.0 / 128)
    return {"conv_w": conv_w, "conv_b": np.zeros(8), "fc_w": fc_w, "fc_b": np.zeros(10)}


def loss_and_grads(params, x, y):
    conv = conv_forward(x, params["conv_w"], params["conv_b"], stride=1, padding=1)
    relu = relu_forward(conv)
    pool = max_pool_forward(relu, 2)
    logits = linear_forward(pool.reshape(len(x), -1), params["fc_w"], params["fc_b"])
    loss, dlogits = softmax_cross_entropy(logits, y)
    dflat, dfc_w, dfc_b = linear_backward(dlogits, pool.reshape(len(x), -1), params["fc_w"], params["fc_b"])
    dconv = relu_backward(max_pool_backward(dflat.reshape(pool.shape), relu, 2), conv)
    _, dconv_w, dconv_b = conv_backward(dconv, x, params["conv_w"], params["conv_b"], stride=1, padding=1)
    return loss, dict(conv_w=dconv_w, conv_b=dconv_b, fc_w=dfc_w, fc_b=dfc_b)


def sgd_step(params, grads, lr):
    return {name: np.subtract(value, lr * grads[name]) for name, value in params.items()}


def train(x_train, y_train, epochs=60, lr=0.1, batch_size=20, seed=0):
    rng = np.random.default_rng(seed)
    params = init_params(seed)
    n = len(y_train)
    history = []
    for _ in range(epochs):
        batches = np.array_split(rng.permutation(n), range(batch_size, n, batch_size))
        losses = []
        for batch in batches:
            loss, grads = loss_and_grads(params, x_train[batch], y_train[batch])
            params = sgd_step(params, grads, lr)
            losses.append(loss)
        history.append(float(np.dot(losses, [len(batch) for batch in batches]) / n))
    return params, history


def predict(params, x):
    pool = max_pool_forward(relu_forward(conv_forward(x, params["conv_w"], params["conv_b"], 1, 1)), 2)
    return np.argmax(linear_forward(pool.reshape(len(x), -1), params["fc_w"], params["fc_b"]), axis=-1)
