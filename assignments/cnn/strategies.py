"""Hypothesis strategies for the CNN assignment's inputs, valid by construction.

Every strategy draws a dict of named inputs (the keyword arguments of one call) that satisfies the
assignment's preconditions: finite float arrays, filter extent between 1 and the padded input
extent, 1 <= size <= H, W, stride >= 1, padding >= 0. Arguments narrow the space so that checks can
aim at one feature (stride, padding, ...) and give partial credit for it:

- ``stride`` and ``padding``: a strategy of ints, e.g. ``just(1)`` or ``integers(2, 5)``; a value
  drawn from ``LEAVE_OUT`` (``autograder.core.inputs``) leaves the argument out of the call, so the
  function's default is what gets tested: ``stride=LEAVE_OUT``, or ``one_of(LEAVE_OUT, integers(2, 5))``.
- ``values``: a strategy of arrays' entries (``entries()`` by default).

The arguments are checked when a strategy is built, as Hypothesis checks its own: a wrong one raises
``hypothesis.errors.InvalidArgument`` naming it (and so does a stride or padding strategy that
draws a value out of range).

Sizes stay small (a few channels, at most 9x9 images) so that even plain-loop submissions are graded
in seconds; small inputs are also where shape and stride mistakes show, and they shrink to readable
counterexamples.
"""

import functools

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.extra.numpy import arrays

from assignments.cnn import digits
from autograder.core.inputs import (
    LEAVE_OUT,
    LEFT_OUT,
    call_of,
    check_choice,
    check_flag,
    check_integer,
    check_optional_strategy,
    check_positive_number,
    check_strategy,
    drawn_integer,
)

SMALL_STRIDES = st.integers(1, 5)
PADDINGS = st.integers(0, 3)
LAYER_KINDS = ("conv", "pool", "relu")


def entries(sign="any"):
    """Array entries: floats in [-10, 10] (Hypothesis shrinks them to small integers when it can).

    ``sign="negative"`` keeps every entry below zero, where a max that starts from 0 goes wrong.
    """
    check_choice(sign, "sign", ("any", "negative"))
    low, high = (-10.0, -0.5) if sign == "negative" else (-10.0, 10.0)
    return st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def float_arrays(shape, values=None, dense=False):
    """float64 arrays of ``shape`` (a tuple of ints, or a strategy of them) with entries from
    ``values`` (default ``entries()``).

    Hypothesis fills most of an array with one repeated value unless ``dense``: then every entry is
    drawn on its own, as pooling needs (a window of equal entries hides which one a bug picked).
    """
    check_optional_strategy(values, "values", "array entries")
    check_flag(dense, "dense")
    return arrays(np.float64, shape, elements=values if values is not None else entries(),
                  fill=st.nothing() if dense else None)


def mixed_sign_arrays(shape):
    """Dense arrays of ``shape`` whose entries have either sign or (for half the arrays) are all
    negative, where a max that starts from 0 goes wrong. The sign is drawn once per array."""
    return st.sampled_from(["any", "negative"]).flatmap(lambda sign: float_arrays(shape, entries(sign), dense=True))


def output_length(n, m, stride=1, padding=0):
    """The lecture's formula: floor((n + 2p - m) / s) + 1 outputs along an axis of length n."""
    return (n + 2 * padding - m) // stride + 1


def _check_stride_and_padding(stride, padding):
    check_strategy(stride, "stride", "ints >= 1 (or LEAVE_OUT)")
    check_strategy(padding, "padding", "ints >= 0 (or LEAVE_OUT)")


def _stride_and_padding(draw, stride, padding):
    """Draw both: (stride, padding) as they go in the call (LEFT_OUT or an int), then as they act."""
    s, p = draw(stride), draw(padding)
    return s, p, drawn_integer(s, "stride", at_least=1, left_out_as=1), drawn_integer(p, "padding", at_least=0,
                                                                                     left_out_as=0)


def _convolution_calls(stride, padding, values, draw_arrays, **sizes):
    """Calls of a convolution of parts 1-4: stride and padding drawn first (or left out), then
    ``draw_arrays(draw, padded)``, the call's arrays for the padding in effect. ``sizes`` (e.g.
    ``max_side=9``) are the caller's size limits, checked here."""
    _check_stride_and_padding(stride, padding)
    check_optional_strategy(values, "values", "array entries")
    for name, size in sizes.items():
        check_integer(size, name, at_least=1)
    return _convolution_call(stride, padding, draw_arrays)


# The composites below are defined once, at module level, and given their options as arguments:
# Hypothesis reads the source of every function it makes a composite of, and the checks build about
# a hundred strategies each time the assignment is loaded.
@st.composite
def _convolution_call(draw, stride, padding, draw_arrays):
    s, p, _, padded = _stride_and_padding(draw, stride, padding)
    return call_of(**draw_arrays(draw, padded), stride=s, padding=p)


def conv1d_calls(stride=st.just(1), padding=st.just(0), values=None, max_n=12):
    """``{"x": (n,), "w": (m,), "stride": s, "padding": p}`` with 1 <= m <= n + 2p."""
    def draw_arrays(draw, padded):
        n = draw(st.integers(1, max_n))
        m = draw(st.integers(1, n + 2 * padded))
        return {"x": draw(float_arrays((n,), values)), "w": draw(float_arrays((m,), values))}
    return _convolution_calls(stride, padding, values, draw_arrays, max_n=max_n)


def conv1d_matrix_calls(stride=st.just(1), padding=st.just(0), values=None, max_n=12):
    """``{"w": (m,), "n": n, "stride": s, "padding": p}`` with 1 <= m <= n + 2p."""
    return _matrix_call(conv1d_calls(stride, padding, values, max_n))


@st.composite
def _matrix_call(draw, conv1d_calls):
    c = draw(conv1d_calls)
    return call_of(w=c["w"], n=len(c["x"]), stride=c.get("stride", LEFT_OUT), padding=c.get("padding", LEFT_OUT))


@st.composite
def image_and_filter_shapes(draw, padding, max_side=9):
    """(H, W, fh, fw) with 1 <= fh <= H + 2p and 1 <= fw <= W + 2p; non-square is common."""
    height, width = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    fh = draw(st.integers(1, min(height + 2 * padding, 5)))
    fw = draw(st.integers(1, min(width + 2 * padding, 5)))
    return height, width, fh, fw


def conv2d_calls(stride=st.just(1), padding=st.just(0), values=None, max_side=9):
    """``{"x": (H, W), "w": (fh, fw), "stride": s, "padding": p}``."""
    def draw_arrays(draw, padded):
        height, width, fh, fw = draw(image_and_filter_shapes(padded, max_side))
        return {"x": draw(float_arrays((height, width), values)), "w": draw(float_arrays((fh, fw), values))}
    return _convolution_calls(stride, padding, values, draw_arrays, max_side=max_side)


def conv2d_multichannel_calls(stride=st.just(1), padding=st.just(0), bias=st.booleans(),
                              values=None, max_side=7, max_channels=3):
    """``{"x": (d, H, W), "filters": (k, d, fh, fw), "bias": (k,) or None, "stride", "padding"}``.

    ``bias`` is a strategy of booleans: whether to pass a bias array (if not, the call passes
    ``bias=None`` or leaves bias out, so the default is tested too).
    """
    check_strategy(bias, "bias", "booleans (whether to pass a bias array)")

    def draw_arrays(draw, padded):
        depth, count = draw(st.integers(1, max_channels)), draw(st.integers(1, max_channels))
        height, width, fh, fw = draw(image_and_filter_shapes(padded, max_side))
        x = draw(float_arrays((depth, height, width), values))
        filters = draw(float_arrays((count, depth, fh, fw), values))
        if draw(bias):
            b = draw(float_arrays((count,), values))
        else:
            b = None if draw(st.booleans()) else LEFT_OUT
        return {"x": x, "filters": filters, "bias": b}
    return _convolution_calls(stride, padding, values, draw_arrays, max_side=max_side, max_channels=max_channels)


def max_pool2d_calls(stride=LEAVE_OUT, values=None, max_side=9, max_channels=3):
    """``{"x": (k, H, W), "size": size, "stride": s}`` with 1 <= size <= min(H, W).

    ``stride=LEAVE_OUT`` (the default) leaves stride out, so it defaults to ``size``.
    """
    check_strategy(stride, "stride", "ints >= 1 (or LEAVE_OUT)")
    check_optional_strategy(values, "values", "array entries")
    check_integer(max_side, "max_side", at_least=1)
    check_integer(max_channels, "max_channels", at_least=1)
    return _max_pool2d_call(stride, values, max_side, max_channels)


@st.composite
def _max_pool2d_call(draw, stride, values, max_side, max_channels):
    count = draw(st.integers(1, max_channels))
    height, width = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    size = draw(st.integers(1, min(height, width, 4)))
    s = draw(stride)
    drawn_integer(s, "stride", at_least=1, left_out_as=size)
    shape = (count, height, width)
    x = draw(float_arrays(shape, values, dense=True) if values is not None else mixed_sign_arrays(shape))
    return call_of(x=x, size=size, stride=s)


# -- Part 5: batched layers (N, C, H, W) -----------------------------------------------------------

def nonzero_entries():
    """Entries kept away from 0, where ReLU's derivative jumps (finite differences need room)."""
    return entries().filter(lambda value: abs(value) > 1e-3)


def layer_conv_calls(stride=st.just(1), padding=st.just(0), backward=False, max_side=6):
    """``{"dout"?, "x": (N, C, H, W), "w": (K, C, fh, fw), "b": (K,), "stride", "padding"}``.

    With ``backward`` the call also holds ``dout``, shaped like the forward output.
    """
    _check_stride_and_padding(stride, padding)
    check_flag(backward, "backward")
    check_integer(max_side, "max_side", at_least=1)
    return _layer_conv_call(stride, padding, backward, max_side)


@st.composite
def _layer_conv_call(draw, stride, padding, backward, max_side):
    s, p, step, padded = _stride_and_padding(draw, stride, padding)
    n, channels, filters = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    height, width, fh, fw = draw(image_and_filter_shapes(padded, max_side))
    call = call_of(x=draw(float_arrays((n, channels, height, width))),
                   w=draw(float_arrays((filters, channels, fh, fw))), b=draw(float_arrays((filters,))),
                   stride=s, padding=p)
    if backward:
        out = (n, filters, output_length(height, fh, step, padded), output_length(width, fw, step, padded))
        call = {"dout": draw(float_arrays(out)), **call}
    return call


@st.composite
def distinct_arrays(draw, shape):
    """float64 arrays of ``shape`` whose entries differ pairwise by at least 0.25: no ties in any
    max-pooling window, with room for finite differences. Entries shrink towards a plain ramp."""
    count = int(np.prod(shape))
    order = draw(st.permutations(range(count)))
    offset = draw(st.sampled_from([0.0, -0.25 * count - 1.0]))  # sometimes all negative
    return np.array(order, dtype=float).reshape(shape) * 0.25 + offset


def tied_arrays(shape):
    """float64 arrays of ``shape`` full of ties: small integers (-2..2), sometimes all equal."""
    small = arrays(np.float64, shape, elements=st.integers(-2, 2).map(float))
    constant = st.integers(-2, 2).map(lambda value: np.full(shape, float(value)))
    return st.one_of(small, constant)


def layer_pool_calls(stride=LEAVE_OUT, backward=False, max_side=6, ties=False):
    """``{"dout"?, "x": (N, C, H, W), "size", "stride"?}``: x without ties, or (``ties``) full of
    them; ``stride=LEAVE_OUT`` (the default) leaves stride out (it defaults to size)."""
    check_strategy(stride, "stride", "ints >= 1 (or LEAVE_OUT)")
    check_flag(backward, "backward")
    check_flag(ties, "ties")
    smallest = 2 if ties else 1  # a tie needs a window of two entries or more
    check_integer(max_side, "max_side", at_least=smallest)
    return _layer_pool_call(stride, backward, max_side, ties, smallest)


@st.composite
def _layer_pool_call(draw, stride, backward, max_side, ties, smallest):
    n, channels = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    height, width = draw(st.integers(smallest, max_side)), draw(st.integers(smallest, max_side))
    size = draw(st.integers(smallest, min(height, width, 3)))
    s = draw(stride)
    step = drawn_integer(s, "stride", at_least=1, left_out_as=size)
    x = draw((tied_arrays if ties else distinct_arrays)((n, channels, height, width)))
    call = call_of(x=x, size=size, stride=s)
    if backward:
        out = (n, channels, output_length(height, size, step), output_length(width, size, step))
        call = {"dout": draw(float_arrays(out)), **call}
    return call


def layer_linear_calls(backward=False):
    """``{"dout"?, "x": (N, D), "w": (D, M), "b": (M,)}``."""
    check_flag(backward, "backward")
    return _layer_linear_call(backward)


@st.composite
def _layer_linear_call(draw, backward):
    n, d, m = draw(st.integers(1, 4)), draw(st.integers(1, 6)), draw(st.integers(1, 5))
    call = {"x": draw(float_arrays((n, d))), "w": draw(float_arrays((d, m))), "b": draw(float_arrays((m,)))}
    if backward:
        call = {"dout": draw(float_arrays((n, m))), **call}
    return call


def relu_calls(backward=False, zeros=False):
    """``{"dout"?, "x"}`` with x of 1 to 4 axes and no entry near 0, or (``zeros``) many entries
    exactly 0, where the derivative is taken to be 0."""
    check_flag(backward, "backward")
    check_flag(zeros, "zeros")
    values = st.sampled_from([0.0, 0.0, -1.5, 2.0]) if zeros else nonzero_entries()
    return _relu_call(values, backward)


@st.composite
def _relu_call(draw, values, backward):
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple))
    call = {"x": draw(float_arrays(shape, values))}
    if backward:
        call = {"dout": draw(float_arrays(shape)), **call}
    return call


def softmax_calls(magnitude=10.0):
    """``{"logits": (N, classes), "y": (N,) int labels}`` with logits in [-magnitude, magnitude]."""
    check_positive_number(magnitude, "magnitude")
    return _softmax_call(st.floats(-magnitude, magnitude, allow_subnormal=False))


@st.composite
def _softmax_call(draw, values):
    n, classes = draw(st.integers(1, 5)), draw(st.integers(2, 10))
    logits = draw(float_arrays((n, classes), values))
    labels = draw(arrays(np.int64, (n,), elements=st.integers(0, classes - 1)))
    return {"logits": logits, "y": labels}


load_digits = functools.cache(digits.load_digits)  # the checks read the file once per process

# The network's parameters, as init_params documents them: name -> (shape, fan_in); weights He-initialised.
PARAMETERS = {"conv_w": ((8, 1, 3, 3), 1 * 3 * 3), "conv_b": ((8,), None),
              "fc_w": ((8 * 4 * 4, 10), 8 * 4 * 4), "fc_b": ((10,), None)}


def network_params(seed):
    """Parameters of the documented shapes drawn as init_params's docstring says (normal weights of
    standard deviation sqrt(2 / fan_in)), but with small distinct positive biases: the checks' own
    parameters, so that checking loss_and_grads or predict needs no init_params of the student's,
    and no blank image patch sits exactly on ReLU's kink (finite differences measure no derivative there)."""
    rng = np.random.default_rng(seed)
    return {name: rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape) if fan_in else
            0.1 + 0.01 * np.arange(np.prod(shape)).reshape(shape) for name, (shape, fan_in) in PARAMETERS.items()}


def digit_batches(max_size=6):
    """``{"x": (N, 1, 8, 8), "y": (N,)}``: a few training images (any N up to ``max_size``)."""
    check_integer(max_size, "max_size", at_least=1)
    count = load_digits()["x_train"].shape[0]
    return st.lists(st.integers(0, count - 1), min_size=1, max_size=max_size, unique=True).map(
        lambda rows: {"x": load_digits()["x_train"][rows], "y": load_digits()["y_train"][rows]})


# -- Part 6: stacks of layer descriptions ------------------------------------------------------------

def conv_layer(filters, size, stride, padding):
    return {"type": "conv", "filters": filters, "size": size, "stride": stride, "padding": padding}


def pool_layer(size, stride, padding=0):
    return {"type": "pool", "size": size, "stride": stride, "padding": padding}


def shape_after(shape, layer):
    """The shape of one layer's output for an input of ``shape``: (d, H, W) by the output-size
    formula for conv and pool layers, unchanged for relu, (units,) for fc."""
    if layer["type"] in ("conv", "pool"):
        f, s, p = layer["size"], layer["stride"], layer["padding"]
        return (layer.get("filters", shape[0]),) + tuple(output_length(n, f, s, p) for n in shape[1:])
    return (layer["units"],) if layer["type"] == "fc" else tuple(shape)


RELU = {"type": "relu"}
PART5_NETWORK = [conv_layer(8, 3, 1, 1), RELU, pool_layer(2, 2), {"type": "fc", "units": 10}]  # on (1, 8, 8)


@st.composite
def spatial_layer(draw, kinds, side, stride, padding, max_size=7):
    """One conv, pool or relu layer (a kind drawn from ``kinds``) that fits an input of ``side``
    (the smaller of its height and width): size <= side + 2p."""
    kind = draw(st.sampled_from(kinds))
    if kind == "relu":
        return dict(RELU)
    p = drawn_integer(draw(padding), "padding", at_least=0)
    size = draw(st.integers(1, min(side + 2 * p, max_size)))
    s = drawn_integer(draw(stride), "stride", at_least=1)
    if kind == "pool":
        return pool_layer(size, s, p)
    return conv_layer(draw(st.integers(1, 16)), size, s, p)


def _check_layer_options(kinds, stride, padding):
    if isinstance(kinds, str) or not isinstance(kinds, (tuple, list)) or not kinds:
        raise InvalidArgument(f"kinds must be a non-empty tuple of layer kinds (from {LAYER_KINDS}), not {kinds!r}")
    for kind in kinds:
        check_choice(kind, "kinds item", LAYER_KINDS)
    check_strategy(stride, "stride", "ints >= 1 (a layer description always holds its stride)")
    check_strategy(padding, "padding", "ints >= 0 (a layer description always holds its padding)")


def stack_calls(kinds=("conv",), stride=st.just(1), padding=st.just(0), fc=st.just(0), max_layers=5, max_side=40):
    """``{"input_shape": (d, H, W), "layers": [...]}``: a stack that fits its input.

    ``kinds`` are the spatial layers to draw from ("conv", "pool", "relu"); ``stride`` and
    ``padding`` are strategies of ints for every conv and pool layer (stride > size is allowed);
    ``fc`` is a strategy of how many fc layers end the stack.
    """
    _check_layer_options(kinds, stride, padding)
    check_strategy(fc, "fc", "ints >= 0 (how many fc layers end the stack)")
    check_integer(max_layers, "max_layers", at_least=1)
    check_integer(max_side, "max_side", at_least=1)
    return _stack_call(kinds, stride, padding, fc, max_layers, max_side)


@st.composite
def _stack_call(draw, kinds, stride, padding, fc, max_layers, max_side):
    shape = (draw(st.integers(1, 4)), draw(st.integers(1, max_side)), draw(st.integers(1, max_side)))
    layers, current = [], shape
    for _ in range(draw(st.integers(1, max_layers))):
        layer = draw(spatial_layer(kinds, min(current[1:]), stride, padding))
        layers.append(layer)
        current = shape_after(current, layer)
    fc_layers = drawn_integer(draw(fc), "fc", at_least=0)
    layers += [{"type": "fc", "units": draw(st.integers(1, 20))} for _ in range(fc_layers)]
    return {"input_shape": shape, "layers": layers}


def receptive_field_calls(kinds=("conv",), stride=st.just(1), padding=st.just(0), min_layers=0, max_layers=6):
    """``{"layers": [...]}``: conv, pool and relu layers of any size (no input to fit)."""
    _check_layer_options(kinds, stride, padding)
    check_integer(min_layers, "min_layers", at_least=0)
    check_integer(max_layers, "max_layers", at_least=max(min_layers, 1))
    return _receptive_field_call(kinds, stride, padding, min_layers, max_layers)


@st.composite
def _receptive_field_call(draw, kinds, stride, padding, min_layers, max_layers):
    count = draw(st.integers(min_layers, max_layers))
    return {"layers": [draw(spatial_layer(kinds, 7, stride, padding)) for _ in range(count)]}
