"""predict: takes the argmax of the logits over axis 0 (the batch) instead of axis 1 (the classes)

Returns, for each of the 10 classes, the index of the image that scores it
highest: shape (10,) instead of (N,), meaningless values.
"""
import numpy as np


def predict(params, x):
    conv = conv_forward(x, params["conv_w"], params["conv_b"], stride=1, padding=1)  # noqa: F821
    pool = max_pool_forward(relu_forward(conv), 2)  # noqa: F821
    logits = linear_forward(pool.reshape(pool.shape[0], -1), params["fc_w"], params["fc_b"])  # noqa: F821
    return np.argmax(logits, axis=0)
