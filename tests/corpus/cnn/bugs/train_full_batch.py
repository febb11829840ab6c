"""train: ignores batch_size and takes one full-batch gradient step per epoch

Each epoch computes the gradient on all N shuffled examples at once: 60 steps
in all instead of 60 * ceil(N / batch_size), far too few to learn the
digits with lr = 0.1.
"""
import numpy as np


def train(x_train, y_train, epochs=60, lr=0.1, batch_size=20, seed=0):
    rng = np.random.default_rng(seed)
    params = init_params(seed)  # noqa: F821
    n = x_train.shape[0]
    history = []
    for _ in range(epochs):
        order = rng.permutation(n)
        loss, grads = loss_and_grads(params, x_train[order], y_train[order])  # noqa: F821
        params = sgd_step(params, grads, lr)  # noqa: F821
        history.append(loss)
    return params, history
