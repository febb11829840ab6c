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
