"""sgd_step: steps along the gradient (params + lr * grads) instead of against it

Gradient ascent: right only for lr == 0 or zero gradients.
"""


def sgd_step(params, grads, lr):
    return {k: params[k] + lr * grads[k] for k in params}
