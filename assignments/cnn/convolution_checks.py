"""Public checks of parts 1-4 (convolution and pooling): properties any correct solution has.

No reference is needed: these ship to students and run with their ``check``. Each check is one idea
from the lecture, or a rule of the handout: the handout's worked examples (``worked_examples.py``),
inputs as lists or arrays of any numeric dtype giving float64 (``reads_any_numbers``), the output-size formula,
linearity, what identity and shift filters do, that a convolution matrix reproduces the
convolution, that a separable 2-D filter is two 1-D passes, that a bias is a constant offset, and
what max pooling can and cannot return. Passing them all is necessary, not sufficient: the hidden
tests compare with a reference on many more inputs.
"""

import numpy as np
from hypothesis import strategies as st

from assignments.cnn import strategies as s
from autograder.core.checks import Check, Failed, assert_close, float_array, same_value, show
from autograder.core.inputs import LEAVE_OUT

FUNCTIONS = ["conv1d", "conv1d_matrix", "conv2d", "conv2d_multichannel", "max_pool2d"]
ANY_STRIDE = s.SMALL_STRIDES
ANY_PADDING = s.PADDINGS
COEFFICIENTS = st.sampled_from([-2.0, -1.0, 0.5, 1.0, 3.0])


# -- shared judgements -----------------------------------------------------------------------------

def has_shape(function, calls, shape_of, formula):
    """A check that the output's shape is ``shape_of(example)``."""
    def verify(student, example):
        float_array(student.call(function, **example), function, shape_of(example))
    return Check.on_calls(function, f"output shape is {formula}", calls, verify)


# The handout's rule on inputs: lists or arrays of any numeric dtype, read as float64 arrays.
INPUT_FORMS = {  # name -> an array argument in that form (lists of the same numbers; float32; rounded to ints)
    "lists": lambda array: array.tolist(),
    "float32 arrays": lambda array: array.astype(np.float32),
    "integer arrays": lambda array: np.round(array).astype(np.int64),
}


def reads_any_numbers(function, calls, shape_of, title="takes lists, float32 and integer arrays, and returns float64",
                      **options):
    """A check of the handout's rules on inputs and outputs: ``function`` takes its array arguments as
    lists and as float32 or integer arrays too, reads them as float64 (the same result as for a float64
    array of the same numbers), and returns a float64 array of the shape ``shape_of(example)``.
    ``options``: those of ``Check.on_calls``."""
    def verify(student, example):
        as_drawn = float_array(student.call(function, **example), function, shape_of(example), float64=True)
        arrays = [name for name, value in example.items() if isinstance(value, np.ndarray)]
        for form, convert in INPUT_FORMS.items():
            given = {**example, **{name: convert(example[name]) for name in arrays}}
            same = {**example, **{name: np.array(given[name], dtype=np.float64) for name in arrays}}
            returned = float_array(student.call(function, **given), function, shape_of(example), float64=True,
                                   given=f"for {form} as inputs")
            expected = as_drawn if same_value(same, example) else student.call(function, **same)
            assert_close(returned, expected, function,
                         what=f"values for {form} as inputs (they should be those for a float64 array of the "
                              f"same numbers)")
    return Check.on_calls(function, title, calls, verify, **{"max_examples": 6, **options})


def linear_in(function, argument, calls):
    """A check that ``function`` is linear in ``argument``: f(a u + b v) = a f(u) + b f(v).

    The example is the call (with u as ``argument``) plus ``v``, ``a`` and ``b``.
    """
    def inputs(call):
        extra = {"v": s.float_arrays(call[argument].shape), "a": COEFFICIENTS, "b": COEFFICIENTS}
        return st.fixed_dictionaries({**{k: st.just(value) for k, value in call.items()}, **extra})

    def verify(student, example):
        call = {k: value for k, value in example.items() if k not in ("v", "a", "b")}
        v, a, b = example["v"], example["a"], example["b"]
        combined = student.call(function, **{**call, argument: a * call[argument] + b * v})
        first = float_array(student.call(function, **call), function)
        second = float_array(student.call(function, **{**call, argument: v}), function, first.shape)
        scale = np.abs(a * first) + np.abs(b * second) + 1.0
        assert_close(combined, a * first + b * second, function, scale, rtol=1e-4,
                     what=f"values for {argument} = a*{argument} + b*v (it should be "
                          f"a*f({argument}) + b*f(v))")
    return Check.on_inputs(function, f"is linear in {argument}", calls.flatmap(inputs), verify)


# -- conv1d ----------------------------------------------------------------------------------------

def _conv1d_identity(student, example):
    x, stride, padding = example["x"], example["stride"], example["padding"]
    expected = np.pad(x, padding)[::stride]
    returned = student.conv1d(x, np.array([1.0]), stride=stride, padding=padding)
    assert_close(returned, expected, "conv1d", what="values for the identity filter w = [1] "
                 "(it should return the zero-padded x, every stride-th entry)")


def _conv1d_shift(student, example):
    x = example["x"]
    assert_close(student.conv1d(x, np.array([0.0, 1.0])), x[1:], "conv1d",
                 what="values for the shift filter w = [0, 1] (it should return x[1:])")
    assert_close(student.conv1d(x, np.array([1.0, 0.0])), x[:-1], "conv1d",
                 what="values for the filter w = [1, 0] (it should return x[:-1])")


def conv1d_shape(call):
    """(n_out,) by the output-size formula (stride and padding may be left out: 1 and 0)."""
    return (s.output_length(len(call["x"]), len(call["w"]), call.get("stride", 1), call.get("padding", 0)),)


CONV1D_CALLS = s.conv1d_calls(ANY_STRIDE, ANY_PADDING)
CONV1D_CHECKS = [
    has_shape("conv1d", CONV1D_CALLS, conv1d_shape, "(floor((n + 2p - m) / s) + 1,)"),
    reads_any_numbers("conv1d", CONV1D_CALLS, conv1d_shape),
    linear_in("conv1d", "x", CONV1D_CALLS),
    linear_in("conv1d", "w", CONV1D_CALLS),
    Check.on_inputs("conv1d", "the identity filter [1] returns the padded input, every stride-th entry",
                    st.fixed_dictionaries({"x": s.float_arrays(st.integers(1, 10)), "stride": ANY_STRIDE,
                                           "padding": ANY_PADDING}), _conv1d_identity),
    Check.on_inputs("conv1d", "the shift filters [0, 1] and [1, 0] shift the input",
                    st.fixed_dictionaries({"x": s.float_arrays(st.integers(2, 10))}), _conv1d_shift),
]


# -- conv1d_matrix ---------------------------------------------------------------------------------

def _matrix_times_x(student, example):
    call = {k: value for k, value in example.items() if k != "x"}
    x = example["x"]
    matrix = float_array(student.conv1d_matrix(**call), "conv1d_matrix")
    if matrix.ndim != 2 or matrix.shape[1] != call["n"]:
        raise Failed(f"conv1d_matrix returned shape {matrix.shape}, but it needs n = {call['n']} columns")
    expected = float_array(student.conv1d(x, call["w"], stride=call["stride"], padding=call["padding"]), "conv1d")
    assert_close(matrix @ x, expected, "conv1d_matrix", np.abs(matrix) @ np.abs(x) + 1.0,
                 what="values of M @ x (it should equal your conv1d(x, w, stride, padding))")


def matrix_shape(call):
    """(n_out, n)."""
    return s.output_length(call["n"], len(call["w"]), call.get("stride", 1), call.get("padding", 0)), call["n"]


MATRIX_CALLS = s.conv1d_matrix_calls(ANY_STRIDE, ANY_PADDING)
CONV1D_MATRIX_CHECKS = [
    has_shape("conv1d_matrix", MATRIX_CALLS, matrix_shape, "(n_out, n)"),
    reads_any_numbers("conv1d_matrix", MATRIX_CALLS, matrix_shape),
    Check.on_inputs("conv1d_matrix", "M @ x equals conv1d(x, w, stride, padding)",
                    MATRIX_CALLS.flatmap(lambda c: s.float_arrays((c["n"],)).map(lambda x: {**c, "x": x})),
                    _matrix_times_x),
    linear_in("conv1d_matrix", "w", MATRIX_CALLS),
]


# -- conv2d ----------------------------------------------------------------------------------------

def _separable(student, example):
    x, u, v = example["x"], example["u"], example["v"]
    stride, padding = example["stride"], example["padding"]
    width = (s.output_length(x.shape[1], len(v), stride, padding),)
    height = (s.output_length(x.shape[0], len(u), stride, padding),)
    rows = np.array([float_array(student.conv1d(row, v, stride=stride, padding=padding), "conv1d", width)
                     for row in x])
    expected = np.array([float_array(student.conv1d(column, u, stride=stride, padding=padding), "conv1d", height)
                         for column in rows.T]).T
    returned = student.conv2d(x, np.outer(u, v), stride=stride, padding=padding)
    assert_close(returned, expected, "conv2d", np.abs(expected) + 1.0, rtol=1e-4,
                 what="values for a separable filter w = outer(u, v) (it should equal conv1d with v "
                      "along every row, then conv1d with u down every column)")


@st.composite
def _separable_inputs(draw):
    height, width = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    padding, stride = draw(ANY_PADDING), draw(ANY_STRIDE)
    return {"x": draw(s.float_arrays((height, width))),
            "u": draw(s.float_arrays((draw(st.integers(1, min(height + 2 * padding, 4))),))),
            "v": draw(s.float_arrays((draw(st.integers(1, min(width + 2 * padding, 4))),))),
            "stride": stride, "padding": padding}


def _single_one(student, example):
    x, row, column = example["x"], example["row"], example["column"]
    w = np.zeros((row + 1, column + 1))
    w[row, column] = 1.0
    height, width = x.shape[0] - row, x.shape[1] - column
    assert_close(student.conv2d(x, w), x[row:row + height, column:column + width], "conv2d",
                 what=f"values for a filter of zeros with a single 1 at row {row}, column {column} "
                      f"(it should return x[{row}:, {column}:], the input shifted)")


def conv2d_shape(call):
    """(H', W') by the output-size formula."""
    return tuple(s.output_length(n, m, call.get("stride", 1), call.get("padding", 0))
                 for n, m in zip(call["x"].shape, call["w"].shape))


CONV2D_CALLS = s.conv2d_calls(ANY_STRIDE, ANY_PADDING)
CONV2D_CHECKS = [
    has_shape("conv2d", CONV2D_CALLS, conv2d_shape, "(floor((H + 2p - fh) / s) + 1, floor((W + 2p - fw) / s) + 1)"),
    reads_any_numbers("conv2d", CONV2D_CALLS, conv2d_shape),
    linear_in("conv2d", "x", CONV2D_CALLS),
    Check.on_inputs("conv2d", "a separable filter outer(u, v) equals two conv1d passes", _separable_inputs(),
                    _separable),
    Check.on_inputs("conv2d", "a filter with a single 1 shifts the input",
                    st.tuples(st.integers(0, 3), st.integers(0, 3)).flatmap(lambda rc: st.fixed_dictionaries({
                        "x": s.float_arrays(st.tuples(st.integers(rc[0] + 1, 7), st.integers(rc[1] + 1, 7))),
                        "row": st.just(rc[0]), "column": st.just(rc[1])})), _single_one),
]


# -- conv2d_multichannel ---------------------------------------------------------------------------

def _one_channel_is_conv2d(student, example):
    call = example
    returned = student.conv2d_multichannel(call["x"][None], call["w"][None, None], stride=call["stride"],
                                           padding=call["padding"])
    expected = float_array(student.conv2d(**call), "conv2d")
    assert_close(returned, expected[None], "conv2d_multichannel",
                 what="values with d = k = 1 (it should equal your conv2d, with a channel axis in front)")


def _bias_offsets(student, example):
    with_bias = student.conv2d_multichannel(**example)
    call = {**example, "bias": None}
    without = float_array(student.conv2d_multichannel(**call), "conv2d_multichannel", multichannel_shape(example))
    expected = without + example["bias"][:, None, None]
    assert_close(with_bias, expected, "conv2d_multichannel",
                 what="values with a bias (output channel j should be the output without bias, "
                      "plus bias[j] everywhere)")


def _filters_independent(student, example):
    everything = float_array(student.conv2d_multichannel(**example), "conv2d_multichannel")
    for j in range(example["filters"].shape[0]):
        alone = student.conv2d_multichannel(**{**example, "filters": example["filters"][j:j + 1],
                                               "bias": None if example.get("bias") is None
                                               else example["bias"][j:j + 1]})
        assert_close(alone, everything[j:j + 1], "conv2d_multichannel",
                     what=f"values: filter {j} used alone should give output channel {j}")


def _sums_channels(student, example):
    x, filters = example["x"], example["filters"]
    stride, padding = example["stride"], example["padding"]
    shape = multichannel_shape(example)[1:]
    expected = np.array([
        sum(float_array(student.conv2d(x[c], filters[j, c], stride=stride, padding=padding), "conv2d", shape)
            for c in range(x.shape[0]))
        for j in range(filters.shape[0])])
    returned = student.conv2d_multichannel(x, filters, stride=stride, padding=padding)
    assert_close(returned, expected, "conv2d_multichannel", np.abs(expected) + 1.0, rtol=1e-4,
                 what="values (output channel j should be the sum over input channels c of "
                      "conv2d(x[c], filters[j, c]))")


def multichannel_shape(call):
    """(k, H', W') by the output-size formula."""
    return (call["filters"].shape[0],) + tuple(
        s.output_length(n, m, call.get("stride", 1), call.get("padding", 0))
        for n, m in zip(call["x"].shape[1:], call["filters"].shape[2:]))


MULTI_CALLS = s.conv2d_multichannel_calls(ANY_STRIDE, ANY_PADDING)
CONV2D_MULTICHANNEL_CHECKS = [
    has_shape("conv2d_multichannel", MULTI_CALLS, multichannel_shape, "(k, H', W')"),
    reads_any_numbers("conv2d_multichannel", MULTI_CALLS, multichannel_shape),
    Check.on_inputs("conv2d_multichannel", "with d = k = 1 it equals conv2d", CONV2D_CALLS, _one_channel_is_conv2d),
    Check.on_calls("conv2d_multichannel", "each filter sums conv2d over all input channels",
                   s.conv2d_multichannel_calls(ANY_STRIDE, ANY_PADDING, bias=st.just(False)), _sums_channels),
    Check.on_calls("conv2d_multichannel", "the bias adds a constant to each output channel",
                   s.conv2d_multichannel_calls(ANY_STRIDE, ANY_PADDING, bias=st.just(True)), _bias_offsets),
    Check.on_calls("conv2d_multichannel", "each output channel depends only on its own filter", MULTI_CALLS,
                   _filters_independent),
]


# -- max_pool2d ------------------------------------------------------------------------------------

def _windows(example):
    """Yield (channel, i, j, window) for every window the call pools, by the definition."""
    x, size = example["x"], example["size"]
    stride = example.get("stride", size)
    for channel in range(x.shape[0]):
        for i in range(s.output_length(x.shape[1], size, stride)):
            for j in range(s.output_length(x.shape[2], size, stride)):
                yield channel, i, j, x[channel, i * stride:i * stride + size, j * stride:j * stride + size]


def pooled_shape(call):
    """(k, H', W') by the output-size formula."""
    return (call["x"].shape[0],) + tuple(
        s.output_length(n, call["size"], call.get("stride", call["size"])) for n in call["x"].shape[1:])


def _dominance(student, example):
    returned = float_array(student.max_pool2d(**example), "max_pool2d", pooled_shape(example))
    for channel, i, j, window in _windows(example):
        value = returned[channel, i, j]
        # Compared in float32: a result computed in single precision holds the entries rounded to it.
        single, entries = np.float32(value), window.astype(np.float32)
        if single < entries.max() or single not in entries:
            raise Failed(f"output [{channel}, {i}, {j}] is {show(value)}, but its window is\n"
                         f"  {show(window)}\n  and the output should be one of its entries, "
                         f"at least as large as all of them")


def _increasing_map(student, example):
    x = example["x"]
    pooled_then_mapped = 2.0 * float_array(student.max_pool2d(**example), "max_pool2d") ** 3 + 1.0
    returned = student.max_pool2d(**{**example, "x": 2.0 * x**3 + 1.0})
    assert_close(returned, pooled_then_mapped, "max_pool2d",
                 what="values after the increasing map t -> 2t^3 + 1 (pooling g(x) should equal "
                      "g(pooling x), because g keeps the order of numbers)")


def _size_one(student, example):
    assert_close(student.max_pool2d(example["x"], 1), example["x"], "max_pool2d",
                 what="values with size 1 (every window is one entry, so it should return x)")


def _default_stride(student, example):
    explicit = float_array(student.max_pool2d(example["x"], example["size"], stride=example["size"]),
                           "max_pool2d")
    assert_close(student.max_pool2d(example["x"], example["size"]), explicit, "max_pool2d",
                 what="values with stride left out (it should default to size)")


POOL_CALLS = s.max_pool2d_calls(stride=st.one_of(LEAVE_OUT, ANY_STRIDE))
MAX_POOL2D_CHECKS = [
    has_shape("max_pool2d", POOL_CALLS, pooled_shape, "(k, floor((H - size) / s) + 1, floor((W - size) / s) + 1)"),
    reads_any_numbers("max_pool2d", POOL_CALLS, pooled_shape),
    Check.on_calls("max_pool2d", "each output is the largest entry of its window", POOL_CALLS, _dominance),
    Check.on_calls("max_pool2d", "commutes with increasing maps", POOL_CALLS, _increasing_map),
    Check.on_inputs("max_pool2d", "size 1 is the identity",
                    st.fixed_dictionaries({"x": s.float_arrays(st.tuples(st.integers(1, 3), st.integers(1, 6),
                                                                          st.integers(1, 6)))}),
                    _size_one),
    Check.on_calls("max_pool2d", "stride defaults to size", s.max_pool2d_calls(), _default_stride),
]

CHECKS = (CONV1D_CHECKS + CONV1D_MATRIX_CHECKS + CONV2D_CHECKS + CONV2D_MULTICHANNEL_CHECKS
                 + MAX_POOL2D_CHECKS)
