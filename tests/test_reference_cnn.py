"""The reference solution of the CNN assignment (solutions/cnn/cnn.py) checked against oracles.

The oracles are independent of the reference: numpy.correlate (1-D), scipy.signal.correlate2d and
scipy.signal.correlate (2-D and multi-channel), the plain loops of solutions/cnn/naive.py (so they
are tested here too), a reshape trick for non-overlapping pooling, and small cases worked out by
hand (the handout's worked examples are tested in test_worked_examples.py).
Hypothesis draws the shapes, strides and paddings allowed by the preconditions; the corners
(filter as long as the padded input, size-1 axes, stride larger than the filter, stride with
padding, non-square inputs, k != d, bias or no bias) are also listed explicitly.
"""

import ast
import doctest
from pathlib import Path

import numpy as np
import pytest
import scipy.signal
from conftest import load_module
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_PATH = ROOT / "solutions" / "cnn" / "cnn.py"
NAIVE_PATH = ROOT / "solutions" / "cnn" / "naive.py"
PUBLIC_FUNCTIONS = ["conv1d", "conv1d_matrix", "conv2d", "conv2d_multichannel", "max_pool2d"]


ref = load_module(REFERENCE_PATH, "reference_cnn")
naive = load_module(NAIVE_PATH, "naive_cnn")  # plain loops, one output entry at a time

PROPERTY = settings(derandomize=True, max_examples=150, deadline=None)


def assert_close(actual, expected):
    """Same shape, float64, and the same numbers up to rounding of a different summation order."""
    assert isinstance(actual, np.ndarray)
    assert actual.dtype == np.float64
    assert actual.shape == np.shape(expected)
    np.testing.assert_allclose(actual, expected, rtol=1e-10, atol=1e-10)


def out_size(n, m, stride, padding):
    return (n + 2 * padding - m) // stride + 1


# ---------------------------------------------------------------------------------------------
# Oracles
# ---------------------------------------------------------------------------------------------


def numpy_conv1d(x, w, stride, padding):
    # np.correlate does not flip its second argument, so "valid" mode is the lecture's operation.
    xp = np.pad(np.asarray(x, dtype=float), padding)
    return np.correlate(xp, np.asarray(w, dtype=float), mode="valid")[::stride]


def scipy_conv2d(x, w, stride, padding):
    xp = np.pad(np.asarray(x, dtype=float), padding)
    valid = scipy.signal.correlate2d(xp, np.asarray(w, dtype=float), mode="valid")
    return valid[::stride, ::stride]


def scipy_conv2d_multichannel(x, filters, bias, stride, padding):
    # A filter as deep as the input has a single valid position along the channel axis.
    xp = np.pad(np.asarray(x, dtype=float), ((0, 0), (padding, padding), (padding, padding)))
    channels = []
    for j, f in enumerate(np.asarray(filters, dtype=float)):
        plane = scipy.signal.correlate(xp, f, mode="valid", method="direct")[0, ::stride, ::stride]
        channels.append(plane + (0.0 if bias is None else bias[j]))
    return np.stack(channels)


def reshape_max_pool2d(x, size):
    """Non-overlapping pooling (stride == size): crop, cut into blocks, take each block's max."""
    k, H, W = x.shape
    Ho, Wo = H // size, W // size
    blocks = x[:, :Ho * size, :Wo * size].reshape(k, Ho, size, Wo, size)
    return blocks.max(axis=(2, 4))


# ---------------------------------------------------------------------------------------------
# Strategies: every draw satisfies the preconditions
# ---------------------------------------------------------------------------------------------

values = st.floats(-10, 10, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def float_arrays(shape):
    return hnp.arrays(np.float64, shape, elements=values)


@st.composite
def conv1d_cases(draw):
    n = draw(st.integers(1, 12))
    padding = draw(st.integers(0, 3))
    m = draw(st.integers(1, n + 2 * padding))
    stride = draw(st.integers(1, 6))
    return draw(float_arrays(n)), draw(float_arrays(m)), stride, padding


@st.composite
def conv2d_shapes(draw, max_side=7):
    H = draw(st.integers(1, max_side))
    W = draw(st.integers(1, max_side))
    padding = draw(st.integers(0, 2))
    fh = draw(st.integers(1, H + 2 * padding))
    fw = draw(st.integers(1, W + 2 * padding))
    stride = draw(st.integers(1, 4))
    return H, W, fh, fw, stride, padding


@st.composite
def conv2d_cases(draw):
    H, W, fh, fw, stride, padding = draw(conv2d_shapes())
    return draw(float_arrays((H, W))), draw(float_arrays((fh, fw))), stride, padding


@st.composite
def multichannel_cases(draw):
    H, W, fh, fw, stride, padding = draw(conv2d_shapes(max_side=6))
    d = draw(st.integers(1, 3))
    k = draw(st.integers(1, 3))
    x = draw(float_arrays((d, H, W)))
    filters = draw(float_arrays((k, d, fh, fw)))
    bias = draw(st.none() | float_arrays(k))
    return x, filters, bias, stride, padding


@st.composite
def pool_cases(draw):
    k = draw(st.integers(1, 3))
    H = draw(st.integers(1, 8))
    W = draw(st.integers(1, 8))
    size = draw(st.integers(1, min(H, W)))
    stride = draw(st.none() | st.integers(1, 4))
    return draw(float_arrays((k, H, W))), size, stride


# ---------------------------------------------------------------------------------------------
# Small cases worked out by hand (the handout's worked examples: test_worked_examples.py)
# ---------------------------------------------------------------------------------------------


def test_conv1d_by_hand():
    # The filter covers the whole padded input [0, 3, 4, 0]: one output.
    assert_close(ref.conv1d([3, 4], [1, 2, 3, 4], padding=1), [1 * 0 + 2 * 3 + 3 * 4 + 4 * 0])


def test_conv1d_matrix_by_hand():
    assert_close(
        ref.conv1d_matrix([-1, 1], 5),
        [[-1, 1, 0, 0, 0], [0, -1, 1, 0, 0], [0, 0, -1, 1, 0], [0, 0, 0, -1, 1]],
    )
    assert_close(ref.conv1d_matrix([1, 2, 3], 5, stride=2), [[1, 2, 3, 0, 0], [0, 0, 1, 2, 3]])
    # With padding 1, the entries that fall on the padded zeros are dropped from the rows.
    assert_close(ref.conv1d_matrix([1, 2, 3], 3, padding=1), [[2, 3, 0], [1, 2, 3], [0, 1, 2]])


def test_conv2d_by_hand():
    # A vertical edge detector on a non-square image: the edge sits between columns 1 and 2.
    image = [[0, 0, 5, 5], [0, 0, 5, 5]]
    assert_close(ref.conv2d(image, [[-1, 1]]), [[0, 5, 0], [0, 5, 0]])


def test_conv2d_multichannel_by_hand():
    x = [[[1, 2, 3], [4, 5, 6]], [[1, 1, 1], [1, 1, 1]]]
    filters = np.zeros((2, 2, 2, 2))
    filters[0, 0] = 1  # sums the patch of channel 0 only
    filters[1] = 1  # sums the patch of both channels
    assert_close(ref.conv2d_multichannel(x, filters), [[[12, 16]], [[16, 20]]])
    # 1 x 1 filters mix channels pixel by pixel: sum and difference of the two channels.
    mix = np.array([[1, 1], [1, -1]], dtype=float).reshape(2, 2, 1, 1)
    assert_close(
        ref.conv2d_multichannel(x, mix),
        [[[2, 3, 4], [5, 6, 7]], [[0, 1, 2], [3, 4, 5]]],
    )


def test_max_pool2d_by_hand():
    two_channels = [[[1, -2, 0], [3, 4, -5]], [[-1, -2, -3], [-4, -5, -6]]]
    # 2 x 3 input, 2 x 2 windows, stride 2: the third column does not fit and is dropped.
    assert_close(ref.max_pool2d(two_channels, 2), [[[4]], [[-1]]])


# ---------------------------------------------------------------------------------------------
# Hypothesis properties against the oracles
# ---------------------------------------------------------------------------------------------


@PROPERTY
@given(conv1d_cases())
def test_conv1d_matches_oracles(case):
    x, w, stride, padding = case
    out = ref.conv1d(x, w, stride=stride, padding=padding)
    assert out.shape == (out_size(len(x), len(w), stride, padding),)
    assert_close(out, numpy_conv1d(x, w, stride, padding))
    assert_close(out, naive.conv1d(x, w, stride, padding))


@PROPERTY
@given(conv1d_cases())
def test_conv1d_matrix_is_the_convolution(case):
    x, w, stride, padding = case
    M = ref.conv1d_matrix(w, len(x), stride=stride, padding=padding)
    assert M.shape == (out_size(len(x), len(w), stride, padding), len(x))
    assert_close(M, naive.conv1d_matrix(w, len(x), stride, padding))
    assert_close(M @ x, ref.conv1d(x, w, stride=stride, padding=padding))
    assert_close(M @ x, numpy_conv1d(x, w, stride, padding))


@PROPERTY
@given(conv2d_cases())
def test_conv2d_matches_oracles(case):
    x, w, stride, padding = case
    out = ref.conv2d(x, w, stride=stride, padding=padding)
    assert out.shape == (
        out_size(x.shape[0], w.shape[0], stride, padding),
        out_size(x.shape[1], w.shape[1], stride, padding),
    )
    assert_close(out, scipy_conv2d(x, w, stride, padding))
    assert_close(out, naive.conv2d(x, w, stride, padding))


@PROPERTY
@given(multichannel_cases())
def test_conv2d_multichannel_matches_oracles(case):
    x, filters, bias, stride, padding = case
    out = ref.conv2d_multichannel(x, filters, bias=bias, stride=stride, padding=padding)
    assert_close(out, scipy_conv2d_multichannel(x, filters, bias, stride, padding))
    assert_close(out, naive.conv2d_multichannel(x, filters, bias, stride, padding))


@PROPERTY
@given(multichannel_cases())
def test_conv2d_multichannel_is_a_sum_of_conv2d(case):
    """Output channel j = sum over input channels of conv2d(x[ch], filters[j, ch]) + bias[j]."""
    x, filters, bias, stride, padding = case
    out = ref.conv2d_multichannel(x, filters, bias=bias, stride=stride, padding=padding)
    for j in range(filters.shape[0]):
        expected = sum(
            ref.conv2d(x[ch], filters[j, ch], stride=stride, padding=padding)
            for ch in range(x.shape[0])
        )
        if bias is not None:
            expected = expected + bias[j]
        assert_close(out[j], expected)


@PROPERTY
@given(pool_cases())
def test_max_pool2d_matches_brute_force(case):
    x, size, stride = case
    out = ref.max_pool2d(x, size, stride=stride)
    effective = size if stride is None else stride
    assert_close(out, naive.max_pool2d(x, size, effective))
    if stride is None:
        assert_close(out, ref.max_pool2d(x, size, stride=size))
        assert_close(out, reshape_max_pool2d(x, size))


# ---------------------------------------------------------------------------------------------
# Corners, listed explicitly so that they are always run
# ---------------------------------------------------------------------------------------------

CONV1D_CORNERS = [
    # (n, m, stride, padding)
    (1, 1, 1, 0),  # a single number
    (5, 5, 1, 0),  # filter as long as the input
    (3, 7, 1, 2),  # filter as long as the padded input
    (3, 7, 4, 2),  # ... with a stride that never gets a second position
    (10, 2, 4, 0),  # stride larger than the filter: inputs skipped
    (5, 3, 2, 2),  # stride with padding
    (3, 1, 5, 0),  # stride larger than the input
    (1, 3, 1, 1),  # input shorter than the filter, made long enough by padding
    (6, 1, 1, 3),  # padding wider than the filter: outputs that see only zeros
]


@pytest.mark.parametrize(("n", "m", "stride", "padding"), CONV1D_CORNERS)
def test_conv1d_corners(n, m, stride, padding):
    rng = np.random.default_rng([n, m, stride, padding])
    x, w = rng.normal(size=n), rng.normal(size=m)
    out = ref.conv1d(x, w, stride=stride, padding=padding)
    assert_close(out, numpy_conv1d(x, w, stride, padding))
    assert_close(out, naive.conv1d(x, w, stride, padding))
    M = ref.conv1d_matrix(w, n, stride=stride, padding=padding)
    assert_close(M, naive.conv1d_matrix(w, n, stride, padding))
    assert_close(M @ x, out)


CONV2D_CORNERS = [
    # (H, W, fh, fw, stride, padding)
    (1, 1, 1, 1, 1, 0),  # a single pixel
    (1, 9, 1, 3, 2, 0),  # a single row
    (9, 1, 2, 1, 1, 0),  # a single column
    (2, 7, 1, 3, 1, 0),  # non-square input, non-square filter
    (3, 4, 5, 6, 1, 1),  # filter as large as the padded input: one output
    (3, 4, 5, 6, 3, 1),  # ... with a stride that never gets a second position
    (8, 6, 2, 2, 3, 0),  # stride larger than the filter
    (5, 7, 3, 2, 2, 2),  # stride with padding, non-square
    (1, 2, 3, 3, 1, 1),  # input smaller than the filter, made large enough by padding
]


@pytest.mark.parametrize(("H", "W", "fh", "fw", "stride", "padding"), CONV2D_CORNERS)
def test_conv2d_corners(H, W, fh, fw, stride, padding):
    rng = np.random.default_rng([H, W, fh, fw, stride, padding])
    x, w = rng.normal(size=(H, W)), rng.normal(size=(fh, fw))
    out = ref.conv2d(x, w, stride=stride, padding=padding)
    assert_close(out, scipy_conv2d(x, w, stride, padding))
    assert_close(out, naive.conv2d(x, w, stride, padding))


MULTICHANNEL_CORNERS = [
    # (d, k, H, W, fh, fw, stride, padding, with_bias)
    (1, 1, 1, 1, 1, 1, 1, 0, False),
    (1, 3, 4, 5, 2, 3, 1, 0, True),  # k > d
    (4, 1, 5, 4, 3, 3, 2, 1, False),  # k < d, stride with padding
    (3, 2, 3, 3, 5, 5, 1, 1, True),  # filter as large as the padded input
    (2, 5, 2, 7, 1, 1, 3, 0, True),  # 1 x 1 filters, stride > filter, non-square
    (2, 2, 6, 6, 2, 2, 3, 2, False),  # stride larger than the filter, with padding
]


@pytest.mark.parametrize(
    ("d", "k", "H", "W", "fh", "fw", "stride", "padding", "with_bias"), MULTICHANNEL_CORNERS
)
def test_conv2d_multichannel_corners(d, k, H, W, fh, fw, stride, padding, with_bias):
    rng = np.random.default_rng([d, k, H, W, fh, fw, stride, padding, int(with_bias)])
    x = rng.normal(size=(d, H, W))
    filters = rng.normal(size=(k, d, fh, fw))
    bias = rng.normal(size=k) if with_bias else None
    out = ref.conv2d_multichannel(x, filters, bias=bias, stride=stride, padding=padding)
    assert out.shape == (k, out_size(H, fh, stride, padding), out_size(W, fw, stride, padding))
    assert_close(out, scipy_conv2d_multichannel(x, filters, bias, stride, padding))
    assert_close(out, naive.conv2d_multichannel(x, filters, bias, stride, padding))


POOL_CORNERS = [
    # (k, H, W, size, stride)
    (1, 1, 1, 1, None),  # a single pixel
    (2, 3, 5, 1, None),  # size 1: the identity
    (1, 4, 4, 4, None),  # one window covering everything
    (3, 5, 7, 2, None),  # non-square, last row and column dropped
    (2, 6, 6, 2, 3),  # stride larger than the window: pixels skipped
    (1, 5, 5, 3, 1),  # overlapping windows
    (1, 2, 9, 2, 4),  # a single row of windows
]


@pytest.mark.parametrize(("k", "H", "W", "size", "stride"), POOL_CORNERS)
def test_max_pool2d_corners(k, H, W, size, stride):
    x = np.random.default_rng([k, H, W, size]).normal(size=(k, H, W))
    out = ref.max_pool2d(x, size, stride=stride)
    assert_close(out, naive.max_pool2d(x, size, size if stride is None else stride))


def test_max_pool2d_size_one_is_identity():
    x = np.random.default_rng(0).normal(size=(2, 3, 4))
    assert_close(ref.max_pool2d(x, 1), x)


def test_max_pool2d_keeps_channels_apart():
    x = np.zeros((2, 2, 2))
    x[0] = 7.0
    x[1] = -3.0
    assert_close(ref.max_pool2d(x, 2), [[[7.0]], [[-3.0]]])


# ---------------------------------------------------------------------------------------------
# The contract: float64, new arrays, arguments untouched, lists and ints accepted
# ---------------------------------------------------------------------------------------------


def _contract_calls():
    """(name, positional arrays, keyword arguments) for every function, with padding and stride."""
    rng = np.random.default_rng(7)
    return [
        ("conv1d", [rng.normal(size=6), rng.normal(size=3)], {"stride": 2, "padding": 1}),
        ("conv1d", [rng.normal(size=4), rng.normal(size=4)], {}),
        ("conv1d_matrix", [rng.normal(size=3)], {"n": 5, "stride": 2, "padding": 1}),
        (
            "conv2d",
            [rng.normal(size=(4, 5)), rng.normal(size=(2, 3))],
            {"stride": 2, "padding": 1},
        ),
        ("conv2d", [rng.normal(size=(3, 3)), rng.normal(size=(3, 3))], {}),
        (
            "conv2d_multichannel",
            [rng.normal(size=(2, 4, 4)), rng.normal(size=(3, 2, 2, 2)), rng.normal(size=3)],
            {"stride": 2, "padding": 1},
        ),
        ("conv2d_multichannel", [rng.normal(size=(1, 3, 3)), rng.normal(size=(1, 1, 3, 3))], {}),
        ("max_pool2d", [rng.normal(size=(2, 4, 5))], {"size": 2}),
        ("max_pool2d", [rng.normal(size=(1, 1, 1))], {"size": 1}),
    ]


CONTRACT_CALLS = _contract_calls()
CONTRACT_IDS = [f"{name}-{i}" for i, (name, _, _) in enumerate(CONTRACT_CALLS)]


@pytest.mark.parametrize(("name", "arrays", "kwargs"), CONTRACT_CALLS, ids=CONTRACT_IDS)
def test_returns_new_float64_array_and_leaves_arguments_alone(name, arrays, kwargs):
    originals = [a.copy() for a in arrays]
    readonly = [a.copy() for a in arrays]
    for a in readonly:
        a.flags.writeable = False  # writing into an argument would raise
    out = getattr(ref, name)(*readonly, **kwargs)
    assert type(out) is np.ndarray
    assert out.dtype == np.float64
    assert out.flags.writeable
    for a, original in zip(readonly, originals):
        assert not np.shares_memory(out, a)
        np.testing.assert_array_equal(a, original)
    # The same call twice gives equal, distinct arrays.
    again = getattr(ref, name)(*readonly, **kwargs)
    np.testing.assert_array_equal(out, again)
    assert not np.shares_memory(out, again)


@pytest.mark.parametrize(("name", "arrays", "kwargs"), CONTRACT_CALLS, ids=CONTRACT_IDS)
def test_accepts_lists_and_other_dtypes(name, arrays, kwargs):
    expected = getattr(ref, name)(*arrays, **kwargs)
    from_lists = getattr(ref, name)(*[a.tolist() for a in arrays], **kwargs)
    assert type(from_lists) is np.ndarray and from_lists.dtype == np.float64
    np.testing.assert_array_equal(from_lists, expected)
    small = [np.round(a * 4).astype(np.int64) for a in arrays]
    from_ints = getattr(ref, name)(*small, **kwargs)
    assert from_ints.dtype == np.float64
    from_float32 = getattr(ref, name)(*[a.astype(np.float32) for a in small], **kwargs)
    assert from_float32.dtype == np.float64
    np.testing.assert_array_equal(from_float32, from_ints)


def test_default_arguments():
    x = np.arange(6.0)
    assert_close(ref.conv1d(x, [1.0, 1.0]), ref.conv1d(x, [1.0, 1.0], stride=1, padding=0))
    assert_close(ref.conv1d_matrix([1.0, 1.0], 6), ref.conv1d_matrix([1.0, 1.0], 6, 1, 0))
    img = np.arange(12.0).reshape(3, 4)
    assert_close(ref.conv2d(img, np.ones((2, 2))), ref.conv2d(img, np.ones((2, 2)), 1, 0))
    filters = np.ones((2, 1, 2, 2))
    assert_close(
        ref.conv2d_multichannel(img[None], filters),
        ref.conv2d_multichannel(img[None], filters, np.zeros(2), 1, 0),
    )
    assert_close(ref.max_pool2d(img[None], 2), ref.max_pool2d(img[None], 2, 2))


# ---------------------------------------------------------------------------------------------
# The reference file itself: its examples run, and its solution markers suit the generator
# ---------------------------------------------------------------------------------------------


def test_docstring_examples_are_correct():
    results = doctest.testmod(ref, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert results.attempted >= len(PUBLIC_FUNCTIONS)
    assert results.failed == 0


def test_solution_markers_wrap_each_body_after_its_docstring():
    """Each public function: docstring, then exactly one marked block holding the whole body."""
    source = REFERENCE_PATH.read_text()
    lines = source.splitlines()
    tree = ast.parse(source)
    # A function's text runs up to the next top-level statement: the trailing "# END SOLUTION"
    # comment is not part of the function's syntax tree.
    starts = [node.lineno for node in tree.body] + [len(lines) + 1]
    functions = {
        node.name: (node, next_start)
        for node, next_start in zip(tree.body, starts[1:])
        if isinstance(node, ast.FunctionDef)
    }
    assert set(PUBLIC_FUNCTIONS) <= set(functions)
    for name in PUBLIC_FUNCTIONS:
        node, next_start = functions[name]
        assert ast.get_docstring(node), name
        docstring_end = node.body[0].end_lineno
        body = lines[docstring_end:next_start - 1]
        # Module-level lines (section comments, a helper's markers) end the function's text.
        top_level = [i for i, line in enumerate(body) if line.strip() and not line[0].isspace()]
        body = body[:top_level[0]] if top_level else body
        while body and not body[-1].strip():
            body.pop()
        markers = [(i, line.strip()) for i, line in enumerate(body) if "SOLUTION" in line]
        assert [m for _, m in markers] == ["# BEGIN SOLUTION", "# END SOLUTION"], name
        assert markers[0][0] == 0 and markers[1][0] == len(body) - 1, name
        assert all(line.startswith("    # ") for line in (body[0], body[-1])), name
        assert all(line.startswith("    ") or not line.strip() for line in body), name
    # Imports: numpy only.
    imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert [ast.unparse(node) for node in imports] == ["import numpy as np"]


TEMPLATE = ("\n    Inputs:\n", "\n    Returns:\n", "\n    Example", "\n    >>> ", "\n    Lecture idea: ")


def test_every_docstring_follows_one_template():
    """Summary, then Inputs, Returns, a worked example in doctest form, and the lecture idea, in this order."""
    graded = [name for name, value in vars(ref).items()
              if callable(value) and getattr(value, "__module__", "") == ref.__name__ and not name.startswith("_")]
    assert set(PUBLIC_FUNCTIONS) < set(graded)
    for name in graded:
        places = [getattr(ref, name).__doc__.find(heading) for heading in TEMPLATE]
        assert min(places) > 0 and places == sorted(places), name
