"""sgd_step: updates the caller's parameter arrays in place (params[k] -= lr * grads[k]) and returns params

The returned values are right, but the arguments are modified and the
result aliases them: wrong for every call with lr != 0 and a non-zero
gradient.
"""


def sgd_step(params, grads, lr):
    for k in params:
        params[k] -= lr * grads[k]
    return params
