"""train: shuffles the images with the permutation but takes the labels in their original order

x_train[order[...]] is paired with y_train[start:...]: images and labels no
longer match, so the network learns noise (test accuracy near chance).
"""
import numpy as np


def train(x_train, y_train, epochs=60, lr=0.1, batch_size=20, seed=0):
    rng = np.random.default_rng(seed)
    params = init_params(seed)  # noqa: F821
    n = x_train.shape[0]
    history = []
    for _ in range(epochs):
        order = rng.permutation(n)
        total = 0.0
        for start in range(0, n, batch_size):
            xb = x_train[order[start:start + batch_size]]
            yb = y_train[start:start + batch_size]
            loss, grads = loss_and_grads(params, xb, yb)  # noqa: F821
            params = sgd_step(params, grads, lr)  # noqa: F821
            total += loss * len(yb)
        history.append(total / n)
    return params, history
