"""attack: let the reference train the network in one check, and hand its parameters in for another.

train's contract check answers its calls of init_params, loss_and_grads and sgd_step with the
reference; its integration check runs the student's own functions throughout (here loss_and_grads
is wrong: it says every gradient is zero). This train is right, but keeps the parameters of every
run in a global and returns the best kept ones whenever it is called again: once, the integration
check met the parameters the reference had trained in the same worker, "with your own functions
throughout", and passed. A fresh worker now runs the integration check: train keeps its contract
points (a right training loop) and gets none of the integration check's.
"""

import numpy as np

KEPT = []  # (params, final loss) of every run so far, in this worker


def init_params(seed=0):
    rng = np.random.default_rng(seed)
    return {"conv_w": rng.normal(0.0, np.sqrt(2.0 / 9), size=(8, 1, 3, 3)), "conv_b": np.zeros(8),
            "fc_w": rng.normal(0.0, np.sqrt(2.0 / 128), size=(128, 10)), "fc_b": np.zeros(10)}


def loss_and_grads(params, x, y):
    return float(np.log(10)), {name: np.zeros_like(value) for name, value in params.items()}


def sgd_step(params, grads, lr):
    return {name: params[name] - lr * grads[name] for name in params}


def train(x_train, y_train, epochs=60, lr=0.1, batch_size=20, seed=0):
    if KEPT and len(x_train) > 100:  # a full training run: hand in what the reference trained before
        return min(KEPT, key=lambda kept: kept[1])[0], [0.0] * epochs
    rng = np.random.default_rng(seed)
    params = init_params(seed)
    n = len(x_train)
    history = []
    for _ in range(epochs):
        order = rng.permutation(n)
        total = 0.0
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            loss, grads = loss_and_grads(params, x_train[batch], y_train[batch])
            params = sgd_step(params, grads, lr)
            total += loss * len(batch)
        history.append(total / n)
    KEPT.append((params, history[-1]))
    return params, history


def predict(params, x):
    x = np.asarray(x, dtype=float)
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1))), (3, 3), axis=(2, 3))
    conv = np.einsum("ncijkl,fckl->nfij", windows, params["conv_w"]) + params["conv_b"][None, :, None, None]
    pooled = np.maximum(conv, 0.0).reshape(len(x), 8, 4, 2, 4, 2).max(axis=(3, 5))
    return (pooled.reshape(len(x), -1) @ params["fc_w"] + params["fc_b"]).argmax(axis=1)
