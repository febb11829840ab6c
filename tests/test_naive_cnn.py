"""The plain loops of solutions/cnn/naive.py compute what the reference computes, layer by layer.

Parts 1-4 (conv1d to max_pool2d) are compared with the reference in tests/test_reference_cnn.py,
where the loops serve as brute-force oracles on Hypothesis's inputs and on the listed corners. Here:
the layers of part 5, forward and backward, on batches Hypothesis draws (strides larger than the
filter, padding, overlapping pooling windows, ties in pooling windows, large logits).
"""

import numpy as np
from conftest import REFERENCE, ROOT, load_module
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

ref = load_module(REFERENCE, "reference_naive")
naive = load_module(ROOT / "solutions" / "cnn" / "naive.py", "naive_layers")

PROPERTY = settings(derandomize=True, max_examples=60, deadline=None)
values = st.floats(-10, 10, allow_nan=False, allow_infinity=False, allow_subnormal=False)
small_integers = st.integers(-3, 3).map(float)  # many ties, for max pooling


def arrays(shape, elements=values):
    return hnp.arrays(np.float64, shape, elements=elements)


def assert_same(naive_result, reference_result):
    """The same float64 arrays (or tuples of them, or floats) up to the rounding of summation order."""
    if isinstance(reference_result, tuple):
        assert isinstance(naive_result, tuple) and len(naive_result) == len(reference_result)
        for mine, theirs in zip(naive_result, reference_result):
            assert_same(mine, theirs)
    elif isinstance(reference_result, float):
        assert isinstance(naive_result, float)
        np.testing.assert_allclose(naive_result, reference_result, rtol=1e-10, atol=1e-10)
    else:
        assert naive_result.dtype == np.float64 and naive_result.shape == reference_result.shape
        np.testing.assert_allclose(naive_result, reference_result, rtol=1e-10, atol=1e-10)


@st.composite
def conv_layers(draw):
    """(dout, x, w, b, stride, padding) of a convolution layer that fits its input."""
    N, C, K = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    H, W = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    padding, stride = draw(st.integers(0, 2)), draw(st.integers(1, 4))
    fh, fw = draw(st.integers(1, H + 2 * padding)), draw(st.integers(1, W + 2 * padding))
    out_shape = (N, K, (H + 2 * padding - fh) // stride + 1, (W + 2 * padding - fw) // stride + 1)
    return (draw(arrays(out_shape)), draw(arrays((N, C, H, W))), draw(arrays((K, C, fh, fw))), draw(arrays((K,))),
            stride, padding)


@st.composite
def pool_layers(draw):
    """(dout, x, size, stride) of a max-pooling layer, with stride None (= size) or any, and ties."""
    N, C, H, W = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 7)), draw(st.integers(1, 7)))
    size = draw(st.integers(1, min(H, W)))
    stride = draw(st.none() | st.integers(1, 4))
    step = size if stride is None else stride
    out_shape = (N, C, (H - size) // step + 1, (W - size) // step + 1)
    return draw(arrays(out_shape)), draw(arrays((N, C, H, W), values | small_integers)), size, stride


@st.composite
def linear_layers(draw):
    """(dout, x, w, b) of a linear layer."""
    N, D, M = draw(st.integers(1, 4)), draw(st.integers(1, 5)), draw(st.integers(1, 5))
    return draw(arrays((N, M))), draw(arrays((N, D))), draw(arrays((D, M))), draw(arrays((M,)))


@PROPERTY
@given(st.integers(1, 3).flatmap(lambda n: st.tuples(arrays((n, 4), values | st.just(0.0)), arrays((n, 4)))))
def test_relu(case):
    x, dout = case
    assert_same(naive.relu_forward(x), ref.relu_forward(x))
    assert_same(naive.relu_backward(dout, x), ref.relu_backward(dout, x))


@PROPERTY
@given(conv_layers())
def test_conv_forward_and_backward(case):
    dout, x, w, b, stride, padding = case
    assert_same(naive.conv_forward(x, w, b, stride, padding), ref.conv_forward(x, w, b, stride, padding))
    assert_same(naive.conv_backward(dout, x, w, b, stride, padding), ref.conv_backward(dout, x, w, b, stride, padding))


@PROPERTY
@given(pool_layers())
def test_max_pool_forward_and_backward(case):
    dout, x, size, stride = case
    assert_same(naive.max_pool_forward(x, size, stride), ref.max_pool_forward(x, size, stride))
    assert_same(naive.max_pool_backward(dout, x, size, stride), ref.max_pool_backward(dout, x, size, stride))


@PROPERTY
@given(linear_layers())
def test_linear_forward_and_backward(case):
    dout, x, w, b = case
    assert_same(naive.linear_forward(x, w, b), ref.linear_forward(x, w, b))
    assert_same(naive.linear_backward(dout, x, w, b), ref.linear_backward(dout, x, w, b))


@PROPERTY
@given(st.tuples(st.integers(1, 4), st.integers(2, 6)).flatmap(lambda shape: st.tuples(
    arrays(shape, st.floats(-1000, 1000, allow_nan=False, allow_subnormal=False)),
    hnp.arrays(np.int64, shape[0], elements=st.integers(0, shape[1] - 1)))))
def test_softmax_cross_entropy(case):
    logits, y = case
    assert_same(naive.softmax_cross_entropy(logits, y), ref.softmax_cross_entropy(logits, y))
