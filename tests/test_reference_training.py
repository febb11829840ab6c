"""Part 5 of the CNN assignment (layers, backpropagation, training) checked against oracles.

The reference is solutions/cnn/cnn.py. The oracles are independent of the reference: centred finite
differences for every backward pass, the plain loops of solutions/cnn/naive.py for the forward
passes and for the max-pool backward pass, and a naive softmax for the loss. The last test trains
on the shipped digits and checks the test accuracy.
"""

import time
from pathlib import Path

import numpy as np
import pytest
from conftest import load_module

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_PATH = ROOT / "solutions" / "cnn" / "cnn.py"
DIGITS_PATH = ROOT / "assignments" / "cnn" / "digits.npz"


ref = load_module(REFERENCE_PATH, "reference_training")
naive = load_module(ROOT / "solutions" / "cnn" / "naive.py", "naive_training")  # plain loops

GRAD_RTOL = 1e-6  # finite differences vs analytic gradients (float64, h = 1e-6)
EXACT = {"rtol": 1e-10, "atol": 1e-10}  # same numbers up to summation order


# ---------------------------------------------------------------------------------------------
# Oracles and helpers
# ---------------------------------------------------------------------------------------------


def numerical_gradient(f, x, h=1e-6):
    """Centred differences of the scalar function f at the array x (x itself is restored)."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        plus = f()
        x[index] = old - h
        minus = f()
        x[index] = old
        grad[index] = (plus - minus) / (2 * h)
    return grad


def assert_gradient(analytic, numeric, rtol=GRAD_RTOL):
    """Max relative error |a - n| / max(|a| + |n|, 1e-8) below rtol (CS231n's rel_error)."""
    assert isinstance(analytic, np.ndarray) and analytic.dtype == np.float64
    assert analytic.shape == numeric.shape
    error = np.max(np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), 1e-8))
    assert error < rtol, f"relative error {error:.2e}"


def distinct_values(rng, shape, spacing=0.01):
    """Random values, all distinct by at least `spacing`: no ties, no kinks hit by h = 1e-6."""
    size = int(np.prod(shape))
    values = (rng.permutation(size) - size / 2) * spacing + rng.uniform(0, spacing / 10, size)
    return values.reshape(shape)


def naive_softmax_cross_entropy(logits, y):
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(len(y)), y]))
    onehot = np.eye(logits.shape[1])[y]
    return loss, (probs - onehot) / len(y)


def unchanged(function, *args, **kwargs):
    """Call function and assert that no array argument was modified; return its result."""
    copies = [np.copy(a) if isinstance(a, np.ndarray) else a for a in args]
    result = function(*args, **kwargs)
    for before, after in zip(copies, args, strict=True):
        if isinstance(after, np.ndarray):
            np.testing.assert_array_equal(after, before)
    return result


CONV_CASES = [  # (N, C, H, W, K, fh, fw, stride, padding)
    (2, 1, 5, 5, 3, 3, 3, 1, 0),
    (2, 2, 6, 5, 3, 3, 3, 1, 1),  # the padding of the network
    (1, 3, 7, 6, 2, 3, 2, 2, 1),  # stride 2 with padding, non-square filter and input
    (2, 2, 5, 7, 2, 2, 3, 2, 0),  # stride 2, a column is never reached
    (1, 1, 4, 4, 2, 1, 1, 3, 2),  # 1x1 filter, stride larger than the filter
    (1, 2, 3, 3, 1, 5, 5, 1, 1),  # filter as large as the padded input
]

POOL_CASES = [  # (N, C, H, W, size, stride)
    (2, 3, 4, 4, 2, None),
    (1, 2, 5, 7, 2, None),  # windows that do not fit are dropped
    (2, 2, 5, 5, 3, 1),  # overlapping windows
    (1, 2, 6, 5, 3, 2),  # overlapping windows, stride 2
    (1, 1, 7, 7, 2, 3),  # stride larger than size: skipped pixels
]


# ---------------------------------------------------------------------------------------------
# ReLU and linear
# ---------------------------------------------------------------------------------------------


def test_relu_forward_and_backward():
    rng = np.random.default_rng(1)
    x = np.sign(rng.normal(size=(2, 3, 4, 4))) * rng.uniform(0.1, 1.0, size=(2, 3, 4, 4))
    out = unchanged(ref.relu_forward, x)
    np.testing.assert_array_equal(out, np.where(x > 0, x, 0.0))
    dout = rng.normal(size=x.shape)
    dx = unchanged(ref.relu_backward, dout, x)
    assert_gradient(dx, numerical_gradient(lambda: np.sum(ref.relu_forward(x) * dout), x))
    assert np.all(dx[x < 0] == 0)


def test_linear_forward_and_backward():
    rng = np.random.default_rng(2)
    x, w, b = rng.normal(size=(4, 6)), rng.normal(size=(6, 3)), rng.normal(size=3)
    out = unchanged(ref.linear_forward, x, w, b)
    np.testing.assert_allclose(out, x @ w + b, **EXACT)
    dout = rng.normal(size=out.shape)
    dx, dw, db = unchanged(ref.linear_backward, dout, x, w, b)
    def loss():
        return np.sum(ref.linear_forward(x, w, b) * dout)
    assert_gradient(dx, numerical_gradient(loss, x))
    assert_gradient(dw, numerical_gradient(loss, w))
    assert_gradient(db, numerical_gradient(loss, b))


# ---------------------------------------------------------------------------------------------
# Convolution
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv_forward_matches_loops(case):
    N, C, H, W, K, fh, fw, stride, padding = case
    rng = np.random.default_rng(3)
    x, w, b = rng.normal(size=(N, C, H, W)), rng.normal(size=(K, C, fh, fw)), rng.normal(size=K)
    out = unchanged(ref.conv_forward, x, w, b, stride=stride, padding=padding)
    assert out.dtype == np.float64
    assert out.shape == (N, K, (H + 2 * padding - fh) // stride + 1, (W + 2 * padding - fw) // stride + 1)
    np.testing.assert_allclose(out, naive.conv_forward(x, w, b, stride, padding), **EXACT)


def test_conv_forward_defaults_are_stride_1_padding_0():
    rng = np.random.default_rng(4)
    x, w, b = rng.normal(size=(1, 2, 5, 5)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3)
    np.testing.assert_allclose(ref.conv_forward(x, w, b), naive.conv_forward(x, w, b, 1, 0), **EXACT)


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv_backward_matches_finite_differences(case):
    N, C, H, W, K, fh, fw, stride, padding = case
    rng = np.random.default_rng(5)
    x, w, b = rng.normal(size=(N, C, H, W)), rng.normal(size=(K, C, fh, fw)), rng.normal(size=K)
    dout = rng.normal(size=ref.conv_forward(x, w, b, stride, padding).shape)
    dx, dw, db = unchanged(ref.conv_backward, dout, x, w, b, stride=stride, padding=padding)
    def loss():
        return np.sum(ref.conv_forward(x, w, b, stride=stride, padding=padding) * dout)
    assert_gradient(dx, numerical_gradient(loss, x))
    assert_gradient(dw, numerical_gradient(loss, w))
    assert_gradient(db, numerical_gradient(loss, b))


def test_conv_backward_unreached_pixels_get_zero_gradient():
    # Stride 2 over width 4 with a 1x1 filter never reads columns 1 and 3.
    x, w, b = np.ones((1, 1, 4, 4)), np.ones((1, 1, 1, 1)), np.zeros(1)
    dx, _, _ = ref.conv_backward(np.ones((1, 1, 2, 2)), x, w, b, stride=2)
    np.testing.assert_array_equal(dx[0, 0], [[1, 0, 1, 0], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]])


# ---------------------------------------------------------------------------------------------
# Max pooling
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", POOL_CASES)
def test_max_pool_forward_matches_loops(case):
    N, C, H, W, size, stride = case
    x = np.random.default_rng(6).normal(size=(N, C, H, W))
    out = unchanged(ref.max_pool_forward, x, size, stride=stride)
    np.testing.assert_array_equal(out, naive.max_pool_forward(x, size, size if stride is None else stride))


@pytest.mark.parametrize("case", POOL_CASES)
def test_max_pool_backward_matches_loops_and_finite_differences(case):
    N, C, H, W, size, stride = case
    rng = np.random.default_rng(7)
    x = distinct_values(rng, (N, C, H, W))
    dout = rng.normal(size=ref.max_pool_forward(x, size, stride).shape)
    dx = unchanged(ref.max_pool_backward, dout, x, size, stride=stride)
    np.testing.assert_allclose(dx, naive.max_pool_backward(dout, x, size, size if stride is None else stride),
                               **EXACT)
    assert_gradient(dx, numerical_gradient(lambda: np.sum(ref.max_pool_forward(x, size, stride) * dout), x))


def test_max_pool_backward_overlapping_windows_add_up():
    # 3x3 input, 2x2 windows with stride 1: the centre is the maximum of all four windows.
    x = np.array([[[[0.0, 1.0, 0.0], [2.0, 9.0, 3.0], [0.0, 4.0, 0.0]]]])
    dout = np.array([[[[1.0, 10.0], [100.0, 1000.0]]]])
    dx = ref.max_pool_backward(dout, x, 2, stride=1)
    np.testing.assert_array_equal(dx[0, 0], [[0, 0, 0], [0, 1111, 0], [0, 0, 0]])


def test_max_pool_backward_ties_go_to_the_first_maximum_in_row_major_order():
    x = np.array([[[[1.0, 5.0, 5.0, 0.0], [5.0, 5.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]]])
    dx = ref.max_pool_backward(np.ones((1, 1, 2, 2)), x, 2)
    expected = [[0, 1, 1, 0], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]]
    np.testing.assert_array_equal(dx[0, 0], expected)
    np.testing.assert_array_equal(dx, naive.max_pool_backward(np.ones((1, 1, 2, 2)), x, 2, 2))


# ---------------------------------------------------------------------------------------------
# Softmax cross-entropy
# ---------------------------------------------------------------------------------------------


def test_softmax_cross_entropy_matches_naive_formula_and_finite_differences():
    rng = np.random.default_rng(8)
    logits, y = rng.normal(size=(5, 4)) * 3, np.array([0, 3, 1, 1, 2])
    loss, dlogits = unchanged(ref.softmax_cross_entropy, logits, y)
    expected_loss, expected_grad = naive_softmax_cross_entropy(logits, y)
    assert isinstance(loss, float)
    np.testing.assert_allclose(loss, expected_loss, **EXACT)
    np.testing.assert_allclose(dlogits, expected_grad, **EXACT)
    assert_gradient(dlogits, numerical_gradient(lambda: ref.softmax_cross_entropy(logits, y)[0], logits))


def test_softmax_cross_entropy_is_stable_for_huge_logits():
    logits = np.array([[1000.0, 0.0, -1000.0], [1000.0, 1001.0, 999.0], [-1000.0, -1000.0, -1000.0]])
    y = np.array([1, 1, 0])
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # no inf, no log(0), no 0/0
        loss, dlogits = ref.softmax_cross_entropy(logits, y)
    assert np.isfinite(loss) and np.all(np.isfinite(dlogits))
    # Row 0: loss 1000 exactly; row 1: same as logits [-1, 0, -2]; row 2: log(3).
    small = np.array([[-1.0, 0.0, -2.0]])
    row1 = naive_softmax_cross_entropy(small, np.array([1]))
    expected = (1000.0 + row1[0] + np.log(3.0)) / 3
    np.testing.assert_allclose(loss, expected, rtol=1e-12)
    np.testing.assert_allclose(dlogits[0], np.array([1.0, -1.0, 0.0]) / 3, atol=1e-15)
    np.testing.assert_allclose(dlogits[1], row1[1][0] / 3, **EXACT)
    np.testing.assert_allclose(dlogits[2], (np.full(3, 1 / 3) - [1, 0, 0]) / 3, **EXACT)


# ---------------------------------------------------------------------------------------------
# The network
# ---------------------------------------------------------------------------------------------


def test_init_params_shapes_scale_and_determinism():
    params = ref.init_params(seed=0)
    shapes = {"conv_w": (8, 1, 3, 3), "conv_b": (8,), "fc_w": (128, 10), "fc_b": (10,)}
    assert {k: v.shape for k, v in params.items()} == shapes
    assert all(v.dtype == np.float64 for v in params.values())
    again, other = ref.init_params(seed=0), ref.init_params(seed=1)
    assert all(np.array_equal(params[k], again[k]) for k in shapes)
    assert not np.array_equal(params["fc_w"], other["fc_w"])
    assert 0.5 * np.sqrt(2 / 128) < params["fc_w"].std() < 1.5 * np.sqrt(2 / 128)  # He init


def test_loss_and_grads_matches_finite_differences():
    rng = np.random.default_rng(9)
    x, y = rng.uniform(0.05, 1.0, size=(3, 1, 8, 8)), np.array([3, 7, 0])
    params = ref.init_params(seed=0)
    params["conv_b"] = rng.normal(scale=0.1, size=8)  # no conv output sits exactly at the ReLU kink
    params["fc_b"] = rng.normal(scale=0.1, size=10)
    copies = {k: v.copy() for k, v in params.items()}
    loss, grads = unchanged(ref.loss_and_grads, params, x, y)
    assert all(np.array_equal(params[k], copies[k]) for k in params)
    assert isinstance(loss, float) and set(grads) == set(params)
    assert all(grads[k].shape == params[k].shape for k in params)
    def loss():
        return ref.loss_and_grads(params, x, y)[0]
    for key in params:
        assert_gradient(grads[key], numerical_gradient(loss, params[key]))


def test_sgd_step_returns_new_arrays_and_changes_nothing():
    params = {"a": np.array([1.0, 2.0]), "b": np.array([[3.0]])}
    grads = {"a": np.array([10.0, -10.0]), "b": np.array([[1.0]])}
    new = ref.sgd_step(params, grads, 0.1)
    np.testing.assert_allclose(new["a"], [0.0, 3.0], **EXACT)
    np.testing.assert_allclose(new["b"], [[2.9]], **EXACT)
    np.testing.assert_array_equal(params["a"], [1.0, 2.0])
    np.testing.assert_array_equal(grads["a"], [10.0, -10.0])
    assert new is not params and all(new[k] is not params[k] for k in params)


def test_train_is_deterministic_and_predict_returns_labels():
    rng = np.random.default_rng(10)
    x, y = rng.uniform(size=(30, 1, 8, 8)), rng.integers(0, 10, size=30)
    params, history = ref.train(x, y, epochs=2, lr=0.1, batch_size=8, seed=3)
    again, history_again = ref.train(x, y, epochs=2, lr=0.1, batch_size=8, seed=3)
    assert len(history) == 2 and all(isinstance(h, float) for h in history)
    assert history == history_again
    assert all(np.array_equal(params[k], again[k]) for k in params)
    labels = ref.predict(params, x)
    assert labels.shape == (30,) and np.issubdtype(labels.dtype, np.integer)


def test_digits_file():
    assert DIGITS_PATH.stat().st_size < 1_000_000
    data = np.load(DIGITS_PATH)
    assert sorted(data.files) == ["x_test", "x_train", "y_test", "y_train"]
    for split in ("train", "test"):
        x, y = data[f"x_{split}"], data[f"y_{split}"]
        assert x.dtype == np.float64 and x.shape[1:] == (1, 8, 8) and 0 <= x.min() and x.max() <= 1
        assert y.dtype == np.int64 and y.shape == (len(x),) and set(y.tolist()) == set(range(10))
        assert np.all(np.bincount(y) >= 40)
    assert len(data["x_train"]) + len(data["x_test"]) == 1797
    assert 0.2 < len(data["x_test"]) / 1797 < 0.3


def test_train_reaches_95_percent_on_the_digits():
    data = np.load(DIGITS_PATH)
    start = time.perf_counter()
    params, history = ref.train(data["x_train"], data["y_train"])
    seconds = time.perf_counter() - start
    accuracy = np.mean(ref.predict(params, data["x_test"]) == data["y_test"])
    assert accuracy >= 0.95, f"test accuracy {accuracy:.3f}"
    assert history[-1] < history[0] / 5
    assert seconds < 60, f"training took {seconds:.1f} s"
