"""Hidden grading of the CNN assignment: points per function and the checks that share them.

Every hidden check compares the student's function with the reference (``solutions/cnn/cnn.py``)
on inputs Hypothesis generates over one region of the precondition space. Each region is one idea
a student may get wrong on its own (defaults, stride, padding, both together, bias, overlapping
pooling windows, all-negative inputs), so a function's points are shared among its checks by
weight and partial credit follows what works. Sizes, channel counts and values come from
``assignments/cnn/strategies.py``, which reaches the corners: filters as long as the padded input,
size-1 axes, non-square inputs and filters, k != d, stride larger than the filter, windows that
do not tile the input.
"""

from hypothesis import strategies as st

from assignments.cnn import strategies as s
from autograder.checks import absolute_scale, matches_reference
from solutions.cnn import cnn as reference

POINTS = {"conv1d": 20, "conv1d_matrix": 15, "conv2d": 20, "conv2d_multichannel": 25, "max_pool2d": 20}

DEFAULT = None  # leave the argument out of the call: the function's default is tested
STRIDES = st.integers(2, 5)
PADDINGS = st.integers(1, 3)
REGIONS = [  # (title, stride, padding, weight)
    ("with the default stride and padding", DEFAULT, DEFAULT, 2),
    ("with stride > 1", STRIDES, DEFAULT, 1),
    ("with padding", DEFAULT, PADDINGS, 1),
    ("with stride and padding together", STRIDES, PADDINGS, 1),
]


def convolution_checks(function, calls, **strategy_options):
    """One check per region of (stride, padding) for a convolution-like function."""
    implementation = getattr(reference, function)
    scale = absolute_scale(implementation) if function != "conv1d_matrix" else None
    return [
        matches_reference(function, f"agrees with the reference {title}",
                          calls(stride, padding, **strategy_options), implementation, scale, weight=weight)
        for title, stride, padding, weight in REGIONS
    ]


def multichannel_checks():
    implementation = reference.conv2d_multichannel
    scale = absolute_scale(implementation)
    checks = convolution_checks("conv2d_multichannel", s.conv2d_multichannel_calls, bias=st.just(False))
    with_bias = s.conv2d_multichannel_calls(st.integers(1, 5), st.integers(0, 3), bias=st.just(True))
    return checks + [matches_reference("conv2d_multichannel", "agrees with the reference with a bias",
                                       with_bias, implementation, scale, weight=2)]


def max_pool_checks():
    implementation = reference.max_pool2d
    regions = [  # (title, calls, weight)
        ("with the default stride (= size)", s.max_pool2d_calls(), 2),
        ("with a stride other than size (overlapping or skipped entries)", s.max_pool2d_calls(st.integers(1, 5)), 2),
        ("on all-negative inputs", s.max_pool2d_calls(st.one_of(st.none(), st.integers(1, 4)),
                                                      values=s.entries("negative")), 1),
    ]
    return [matches_reference("max_pool2d", f"agrees with the reference {title}", calls, implementation,
                              weight=weight)
            for title, calls, weight in regions]


HIDDEN_CHECKS = (
    convolution_checks("conv1d", s.conv1d_calls)
    + convolution_checks("conv1d_matrix", s.conv1d_matrix_calls)
    + convolution_checks("conv2d", s.conv2d_calls)
    + multichannel_checks()
    + max_pool_checks()
)
