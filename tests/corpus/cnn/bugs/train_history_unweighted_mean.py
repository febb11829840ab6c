"""train: records each epoch's loss as the plain mean of its batch losses, not weighted by batch size

Differs from the contract only when the last batch of an epoch is smaller than the others.
"""
import numpy as np


def train(x_train, y_train, epochs=60, lr=0.1, batch_size=20, seed=0):
    rng = np.random.default_rng(seed)
    params = init_params(seed)  # noqa: F821
    n = x_train.shape[0]
    history = []
    for _ in range(epochs):
        order = rng.permutation(n)
        losses = []
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            loss, grads = loss_and_grads(params, x_train[batch], y_train[batch])  # noqa: F821
            params = sgd_step(params, grads, lr)  # noqa: F821
            losses.append(loss)
        history.append(float(np.mean(losses)))
    return params, history
