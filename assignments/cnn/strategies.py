"""Hypothesis strategies for the CNN assignment's inputs, valid by construction.

Every strategy draws a dict of named inputs (the keyword arguments of one call) that satisfies the
assignment's preconditions: finite float arrays, filter extent between 1 and the padded input
extent, 1 <= size <= H, W, stride >= 1, padding >= 0. Arguments narrow the space so that checks can
aim at one feature (stride, padding, ...) and give partial credit for it:

- ``stride`` and ``padding``: a strategy of ints, e.g. ``just(1)`` or ``integers(2, 5)``;
  ``None`` leaves the argument out of the call, so the function's default is what gets tested.
- ``values``: a strategy of arrays' entries (``entries()`` by default).

Sizes stay small (a few channels, at most 9x9 images) so that even plain-loop submissions are graded
in seconds; small inputs are also where shape and stride mistakes show, and they shrink to readable
counterexamples.
"""

import functools
from pathlib import Path

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

SMALL_STRIDES = st.integers(1, 5)
PADDINGS = st.integers(0, 3)


def entries(sign="any"):
    """Array entries: floats in [-10, 10] (Hypothesis shrinks them to small integers when it can).

    ``sign="negative"`` keeps every entry below zero, where a max that starts from 0 goes wrong.
    """
    low, high = (-10.0, -0.5) if sign == "negative" else (-10.0, 10.0)
    return st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def mixed_entries():
    """Entries of either sign, or (sometimes) all negative."""
    return st.sampled_from(["any", "negative"]).flatmap(entries)


def float_arrays(shape, values=None):
    """float64 arrays of ``shape`` with entries from ``values`` (default ``entries()``)."""
    return arrays(np.float64, shape, elements=values if values is not None else entries())


def output_length(n, m, stride=1, padding=0):
    """The lecture's formula: floor((n + 2p - m) / s) + 1 outputs along an axis of length n."""
    return (n + 2 * padding - m) // stride + 1


def _with_optional(call, **optional):
    """Add the optional arguments that are not None to ``call``."""
    call.update({name: value for name, value in optional.items() if value is not None})
    return call


@st.composite
def conv1d_calls(draw, stride=st.just(1), padding=st.just(0), values=None, max_n=12):
    """``{"x": (n,), "w": (m,), "stride": s, "padding": p}`` with 1 <= m <= n + 2p."""
    s = draw(stride) if stride is not None else None
    p = draw(padding) if padding is not None else None
    n = draw(st.integers(1, max_n))
    m = draw(st.integers(1, n + 2 * (p or 0)))
    x = draw(float_arrays((n,), values))
    w = draw(float_arrays((m,), values))
    return _with_optional({"x": x, "w": w}, stride=s, padding=p)


@st.composite
def conv1d_matrix_calls(draw, stride=st.just(1), padding=st.just(0), values=None, max_n=12):
    """``{"w": (m,), "n": n, "stride": s, "padding": p}`` with 1 <= m <= n + 2p."""
    call = draw(conv1d_calls(stride, padding, values, max_n))
    return _with_optional({"w": call["w"], "n": len(call["x"])},
                          stride=call.get("stride"), padding=call.get("padding"))


@st.composite
def image_and_filter_shapes(draw, padding, max_side=9):
    """(H, W, fh, fw) with 1 <= fh <= H + 2p and 1 <= fw <= W + 2p; non-square is common."""
    height, width = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    fh = draw(st.integers(1, min(height + 2 * padding, 5)))
    fw = draw(st.integers(1, min(width + 2 * padding, 5)))
    return height, width, fh, fw


@st.composite
def conv2d_calls(draw, stride=st.just(1), padding=st.just(0), values=None, max_side=9):
    """``{"x": (H, W), "w": (fh, fw), "stride": s, "padding": p}``."""
    s = draw(stride) if stride is not None else None
    p = draw(padding) if padding is not None else None
    height, width, fh, fw = draw(image_and_filter_shapes(p or 0, max_side))
    call = {"x": draw(float_arrays((height, width), values)), "w": draw(float_arrays((fh, fw), values))}
    return _with_optional(call, stride=s, padding=p)


@st.composite
def conv2d_multichannel_calls(draw, stride=st.just(1), padding=st.just(0), bias=st.booleans(),
                              values=None, max_side=7, max_channels=3):
    """``{"x": (d, H, W), "filters": (k, d, fh, fw), "bias": (k,) or None, "stride", "padding"}``.

    ``bias`` is a strategy of booleans: whether to pass a bias array (if not, the call passes
    ``bias=None`` or leaves bias out, so the default is tested too).
    """
    s = draw(stride) if stride is not None else None
    p = draw(padding) if padding is not None else None
    depth, count = draw(st.integers(1, max_channels)), draw(st.integers(1, max_channels))
    height, width, fh, fw = draw(image_and_filter_shapes(p or 0, max_side))
    call = {
        "x": draw(float_arrays((depth, height, width), values)),
        "filters": draw(float_arrays((count, depth, fh, fw), values)),
    }
    if draw(bias):
        call["bias"] = draw(float_arrays((count,), values))
    elif draw(st.booleans()):
        call["bias"] = None
    return _with_optional(call, stride=s, padding=p)


@st.composite
def max_pool2d_calls(draw, stride=st.none(), values=None, max_side=9, max_channels=3):
    """``{"x": (k, H, W), "size": size, "stride": s}`` with 1 <= size <= min(H, W).

    ``stride=st.none()`` (the default) leaves stride out, so it defaults to ``size``.
    """
    count = draw(st.integers(1, max_channels))
    height, width = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    size = draw(st.integers(1, min(height, width, 4)))
    s = draw(stride)
    call = {"x": draw(float_arrays((count, height, width), values if values is not None else mixed_entries())),
            "size": size}
    return _with_optional(call, stride=s)


# -- Part 5: batched layers (N, C, H, W) -----------------------------------------------------------

def nonzero_entries():
    """Entries kept away from 0, where ReLU's derivative jumps (finite differences need room)."""
    return entries().filter(lambda value: abs(value) > 1e-3)


@st.composite
def layer_conv_calls(draw, stride=st.just(1), padding=st.just(0), backward=False, max_side=6):
    """``{"dout"?, "x": (N, C, H, W), "w": (K, C, fh, fw), "b": (K,), "stride", "padding"}``.

    With ``backward`` the call also holds ``dout``, shaped like the forward output.
    """
    s, p = draw(stride), draw(padding)
    n, channels, filters = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    height, width, fh, fw = draw(image_and_filter_shapes(p, max_side))
    call = {"x": draw(float_arrays((n, channels, height, width))),
            "w": draw(float_arrays((filters, channels, fh, fw))), "b": draw(float_arrays((filters,))),
            "stride": s, "padding": p}
    if backward:
        out = (n, filters, output_length(height, fh, s, p), output_length(width, fw, s, p))
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


@st.composite
def layer_pool_calls(draw, stride=st.none(), backward=False, max_side=6, ties=False):
    """``{"dout"?, "x": (N, C, H, W), "size", "stride"?}``: x without ties, or (``ties``) full of
    them; ``stride=st.none()`` leaves stride out (it defaults to size)."""
    smallest = 2 if ties else 1  # a tie needs a window of two entries or more
    n, channels = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    height, width = draw(st.integers(smallest, max_side)), draw(st.integers(smallest, max_side))
    size = draw(st.integers(smallest, min(height, width, 3)))
    s = draw(stride)
    x = draw((tied_arrays if ties else distinct_arrays)((n, channels, height, width)))
    call = _with_optional({"x": x, "size": size}, stride=s)
    if backward:
        step = size if s is None else s
        out = (n, channels, output_length(height, size, step), output_length(width, size, step))
        call = {"dout": draw(float_arrays(out)), **call}
    return call


@st.composite
def layer_linear_calls(draw, backward=False):
    """``{"dout"?, "x": (N, D), "w": (D, M), "b": (M,)}``."""
    n, d, m = draw(st.integers(1, 4)), draw(st.integers(1, 6)), draw(st.integers(1, 5))
    call = {"x": draw(float_arrays((n, d))), "w": draw(float_arrays((d, m))), "b": draw(float_arrays((m,)))}
    if backward:
        call = {"dout": draw(float_arrays((n, m))), **call}
    return call


@st.composite
def relu_calls(draw, backward=False, zeros=False):
    """``{"dout"?, "x"}`` with x of 1 to 4 axes and no entry near 0, or (``zeros``) many entries
    exactly 0, where the derivative is taken to be 0."""
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple))
    values = st.sampled_from([0.0, 0.0, -1.5, 2.0]) if zeros else nonzero_entries()
    call = {"x": draw(float_arrays(shape, values))}
    if backward:
        call = {"dout": draw(float_arrays(shape)), **call}
    return call


@st.composite
def softmax_calls(draw, magnitude=10.0):
    """``{"logits": (N, classes), "y": (N,) int labels}`` with logits in [-magnitude, magnitude]."""
    n, classes = draw(st.integers(1, 5)), draw(st.integers(2, 10))
    logits = draw(float_arrays((n, classes), st.floats(-magnitude, magnitude, allow_subnormal=False)))
    labels = draw(arrays(np.int64, (n,), elements=st.integers(0, classes - 1)))
    return {"logits": logits, "y": labels}


@functools.cache
def load_digits():
    """The shipped 8x8 digits: x_train (1347, 1, 8, 8), y_train, x_test (450, 1, 8, 8), y_test."""
    with np.load(Path(__file__).with_name("digits.npz")) as data:
        return {key: data[key] for key in ("x_train", "y_train", "x_test", "y_test")}


def digit_batches(max_size=6):
    """``{"x": (N, 1, 8, 8), "y": (N,)}``: a few training images (any N up to ``max_size``)."""
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
    p = draw(padding)
    size = draw(st.integers(1, min(side + 2 * p, max_size)))
    s = draw(stride)
    if kind == "pool":
        return pool_layer(size, s, p)
    return conv_layer(draw(st.integers(1, 16)), size, s, p)


@st.composite
def stack_calls(draw, kinds=("conv",), stride=st.just(1), padding=st.just(0), fc=st.just(0), max_layers=5,
                max_side=40):
    """``{"input_shape": (d, H, W), "layers": [...]}``: a stack that fits its input.

    ``kinds`` are the spatial layers to draw from ("conv", "pool", "relu"); ``stride`` and
    ``padding`` are strategies of ints for every conv and pool layer (stride > size is allowed);
    ``fc`` is a strategy of how many fc layers end the stack.
    """
    shape = (draw(st.integers(1, 4)), draw(st.integers(1, max_side)), draw(st.integers(1, max_side)))
    layers, current = [], shape
    for _ in range(draw(st.integers(1, max_layers))):
        layer = draw(spatial_layer(kinds, min(current[1:]), stride, padding))
        layers.append(layer)
        current = shape_after(current, layer)
    layers += [{"type": "fc", "units": draw(st.integers(1, 20))} for _ in range(draw(fc))]
    return {"input_shape": shape, "layers": layers}


@st.composite
def receptive_field_calls(draw, kinds=("conv",), stride=st.just(1), padding=st.just(0), min_layers=0, max_layers=6):
    """``{"layers": [...]}``: conv, pool and relu layers of any size (no input to fit)."""
    count = draw(st.integers(min_layers, max_layers))
    return {"layers": [draw(spatial_layer(kinds, 7, stride, padding)) for _ in range(count)]}
