"""predict: returns the softmax probabilities (N, 10) instead of the predicted labels

Stops one step early: the probabilities are right, but predict must return
the index of the largest one, an int array of shape (N,).
"""
import numpy as np


def predict(params, x):
    conv = conv_forward(x, params["conv_w"], params["conv_b"], stride=1, padding=1)  # noqa: F821
    pool = max_pool_forward(relu_forward(conv), 2)  # noqa: F821
    logits = linear_forward(pool.reshape(pool.shape[0], -1), params["fc_w"], params["fc_b"])  # noqa: F821
    exps = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exps / exps.sum(axis=1, keepdims=True)
