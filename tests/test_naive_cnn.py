"""The plain loops of solutions/cnn/naive.py compute what the reference computes, layer by layer.

Parts 1-4 (conv1d to max_pool2d) are compared with the reference in tests/test_reference_cnn.py,
where the loops serve as brute-force oracles on Hypothesis's inputs and on the listed corners. Here:
the layers of part 5, forward and backward, on batches Hypothesis draws (strides larger than the
filter, padding, overlapping pooling windows, ties in pooling windows, large logits).
"""

import numpy as np
import pytest
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


def relu_calls():
    return st.integers(1, 3).flatmap(lambda n: st.tuples(arrays((n, 4), values | st.just(0.0)), arrays((n, 4)))).map(
        lambda case: [("relu_forward", case[:1]), ("relu_backward", (case[1], case[0]))])


def softmax_calls():
    shapes = st.tuples(st.integers(1, 4), st.integers(2, 6))
    return shapes.flatmap(lambda shape: st.tuples(
        arrays(shape, st.floats(-1000, 1000, allow_nan=False, allow_subnormal=False)),
        hnp.arrays(np.int64, shape[0], elements=st.integers(0, shape[1] - 1)))).map(
        lambda case: [("softmax_cross_entropy", case)])


CALLS = {  # layer: a strategy of [(function, arguments)], its forward and backward passes on one input
    "relu": relu_calls(),
    "conv": conv_layers().map(lambda c: [("conv_forward", c[1:]), ("conv_backward", c)]),
    "max_pool": pool_layers().map(lambda c: [("max_pool_forward", c[1:]), ("max_pool_backward", c)]),
    "linear": linear_layers().map(lambda c: [("linear_forward", c[1:]), ("linear_backward", c)]),
    "softmax_cross_entropy": softmax_calls(),
}


@pytest.mark.parametrize("layer", CALLS)
@PROPERTY
@given(data=st.data())
def test_naive_layer_computes_what_the_reference_computes(layer, data):
    for function, arguments in data.draw(CALLS[layer]):
        assert_same(getattr(naive, function)(*arguments), getattr(ref, function)(*arguments))
