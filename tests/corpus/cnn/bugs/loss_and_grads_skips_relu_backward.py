"""loss_and_grads: skips relu_backward, passing the max-pool gradient straight to conv_backward

The loss and the fc gradients are right; conv_w and conv_b get gradient from
positions where the convolution output was negative (ReLU blocked them), so
they are wrong for almost every input.
"""


def loss_and_grads(params, x, y):
    conv = conv_forward(x, params["conv_w"], params["conv_b"], stride=1, padding=1)  # noqa: F821
    relu = relu_forward(conv)  # noqa: F821
    pool = max_pool_forward(relu, 2)  # noqa: F821
    flat = pool.reshape(pool.shape[0], -1)
    logits = linear_forward(flat, params["fc_w"], params["fc_b"])  # noqa: F821
    loss, dlogits = softmax_cross_entropy(logits, y)  # noqa: F821
    dflat, dfc_w, dfc_b = linear_backward(dlogits, flat, params["fc_w"], params["fc_b"])  # noqa: F821
    drelu = max_pool_backward(dflat.reshape(pool.shape), relu, 2)  # noqa: F821
    _, dconv_w, dconv_b = conv_backward(drelu, x, params["conv_w"], params["conv_b"], stride=1, padding=1)  # noqa: F821
    return loss, {"conv_w": dconv_w, "conv_b": dconv_b, "fc_w": dfc_w, "fc_b": dfc_b}
