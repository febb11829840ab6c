"""train: calls init_params(seed) at the start of every epoch, so only the last epoch's training is kept

Every epoch restarts from the same random weights: the result is one epoch of
training (on the last epoch's shuffle), not 60.
"""
import numpy as np


def train(x_train, y_train, epochs=60, lr=0.1, batch_size=20, seed=0):
    rng = np.random.default_rng(seed)
    n = x_train.shape[0]
    history = []
    for _ in range(epochs):
        params = init_params(seed)  # noqa: F821
        order = rng.permutation(n)
        total = 0.0
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            loss, grads = loss_and_grads(params, x_train[batch], y_train[batch])  # noqa: F821
            params = sgd_step(params, grads, lr)  # noqa: F821
            total += loss * len(batch)
        history.append(total / n)
    return params, history
