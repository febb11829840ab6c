"""attack: write no forward pass, and have the reference's forward passes compute the backward ones.

conv_backward and linear_backward build their gradients column by column, calling the forward
pass on one-hot inputs and perturbations: once graded with the reference answering those calls,
they scored full marks with no forward pass written at all. A backward pass is now graded with the
student's own forward pass, so these get nothing. conv1d_matrix does the same with conv1d (column j
is conv1d of the j-th unit vector): the handout teaches that construction, and the reference
answers for conv1d there, so conv1d_matrix keeps its points (15), with no conv1d written.
"""

import numpy as np


def conv1d_matrix(w, n, stride=1, padding=0):
    columns = [conv1d(np.eye(n)[j], w, stride=stride, padding=padding) for j in range(n)]  # noqa: F821
    return np.stack(columns, axis=1) if columns else np.zeros((0, 0))


def _jacobian_product(forward, dout, arrays, name, step=1.0):
    """d(sum(forward * dout))/d(arrays[name]) by central differences of a linear map: exact up to rounding."""
    target = arrays[name]
    grad = np.zeros_like(target)
    for index in np.ndindex(target.shape):
        up, down = target.copy(), target.copy()
        up[index] += step
        down[index] -= step
        grad[index] = np.sum((forward(**{**arrays, name: up}) - forward(**{**arrays, name: down})) * dout) / (2 * step)
    return grad


def conv_backward(dout, x, w, b, stride=1, padding=0):
    def forward(x, w, b):
        return conv_forward(x, w, b, stride=stride, padding=padding)  # noqa: F821
    arrays = {"x": np.asarray(x, dtype=float), "w": np.asarray(w, dtype=float), "b": np.asarray(b, dtype=float)}
    return tuple(_jacobian_product(forward, dout, arrays, name) for name in ("x", "w", "b"))


def linear_backward(dout, x, w, b):
    arrays = {"x": np.asarray(x, dtype=float), "w": np.asarray(w, dtype=float), "b": np.asarray(b, dtype=float)}
    return tuple(_jacobian_product(linear_forward, dout, arrays, name) for name in ("x", "w", "b"))  # noqa: F821
