"""The worked examples of the CNN assignment, in one place: calls worked out by hand, and what they return.

Students meet each example three times, and all three are this list:

* in the docstring of the function in ``cnn.py``, in doctest form (``>>> conv1d([0, 1, 0, 1, 1], [-1, 1])``);
* in the handout, ``README.md`` (and so in the notebook made from it), in the same doctest form;
* in the public checks: ``worked_examples_check(function)`` below, "matches the handout's worked
  examples", calls the student's function on every example of this list, exactly as the handout
  writes it (lists of ints, integer arrays, float64 arrays), and compares: the values, and that
  every array is float64, as the handout's outputs rule says.

``tests/test_worked_examples.py`` proves that the docstrings and the handout show exactly these
calls, that the outputs they print are these, and that the reference returns them. The functions of
the network (``init_params``, ``loss_and_grads``, ``train``, ``predict``) start from random weights:
their docstrings show the shapes they return, and they have no worked example here.
"""

from typing import NamedTuple

import numpy as np
from hypothesis import strategies as st

from assignments.cnn import strategies as s
from autograder.core.checks import Check, Failed, assert_matches, call_text, float64_like


class WorkedExample(NamedTuple):
    """``function(**call)`` returns ``returns`` (arrays are float64, counts and shapes plain ints); the
    arguments of ``call`` are what the handout writes: a list is a list, an integer array an integer array."""

    function: str
    call: dict
    returns: object


def _array(values):
    return np.array(values, dtype=float)


# -- parts 1-4: convolution and pooling --------------------------------------------------------------

# Parts 1-4 take lists as the handout writes them (and the integer array np.arange makes).
SIGNAL, EDGE = [0, 1, 0, 1, 1], [-1, 1]  # an edge detector: where the signal goes up or down
IMAGE, DIAGONAL = [[1, 2, 0], [0, 1, 3], [2, 1, 0]], [[1, 0], [0, -1]]  # pixel minus its lower-right neighbour
CHANNELS = [[[1, 2, 3], [4, 5, 6]], [[1, 1, 1], [1, 1, 1]]]  # d = 2 channels of 2 x 3
BANK = np.zeros((2, 2, 2, 2))  # k = 2 filters of 2 x 2 on both channels
BANK[0, 0] = 1  # filter 0: ones on channel 0, zeros on channel 1
BANK[1] = 1  # filter 1: ones on both channels
COUNTING = np.arange(1, 17).reshape(1, 4, 4)  # one 4 x 4 channel holding 1, 2, ..., 16 (integers)

CONVOLUTION = [
    WorkedExample("conv1d", {"x": SIGNAL, "w": EDGE}, _array([1, -1, 1, 0])),
    WorkedExample("conv1d", {"x": SIGNAL, "w": EDGE, "stride": 2}, _array([1, 1])),
    WorkedExample("conv1d", {"x": SIGNAL, "w": EDGE, "padding": 1}, _array([0, 1, -1, 1, 0, -1])),
    WorkedExample("conv1d_matrix", {"w": EDGE, "n": 4}, _array([[-1, 1, 0, 0], [0, -1, 1, 0], [0, 0, -1, 1]])),
    WorkedExample("conv1d_matrix", {"w": EDGE, "n": 4, "stride": 2}, _array([[-1, 1, 0, 0], [0, 0, -1, 1]])),
    WorkedExample("conv1d_matrix", {"w": EDGE, "n": 4, "padding": 1},
                  _array([[1, 0, 0, 0], [-1, 1, 0, 0], [0, -1, 1, 0], [0, 0, -1, 1], [0, 0, 0, -1]])),
    WorkedExample("conv2d", {"x": IMAGE, "w": DIAGONAL}, _array([[0, -1], [-1, 1]])),
    WorkedExample("conv2d", {"x": IMAGE, "w": DIAGONAL, "stride": 2, "padding": 1}, _array([[-1, 0], [-2, 1]])),
    WorkedExample("conv2d_multichannel", {"x": CHANNELS, "filters": BANK, "bias": [0, -1]},
                  _array([[[12, 16]], [[15, 19]]])),
    WorkedExample("max_pool2d", {"x": COUNTING, "size": 2}, _array([[[6, 8], [14, 16]]])),
    WorkedExample("max_pool2d", {"x": COUNTING, "size": 2, "stride": 1},
                  _array([[[6, 7, 8], [10, 11, 12], [14, 15, 16]]])),
    WorkedExample("max_pool2d", {"x": COUNTING, "size": 3}, _array([[[11]]])),
]


# -- part 5: layers, forward and backward ------------------------------------------------------------

ROW = _array([[-1, 0, 2]])  # one example of three features: negative, zero, positive
FEATURES, WEIGHTS, BIASES = _array([[1, 2]]), _array([[1, 0, -1], [0, 1, 1]]), _array([0, 0, 10])
NINE = np.arange(9.0).reshape(1, 1, 3, 3)  # one image of one channel, 3 x 3, holding 0, 1, ..., 8
ONES = np.ones((1, 1, 2, 2))  # one 2 x 2 filter of ones (conv) or an upstream gradient of ones (pool)
SIXTEEN = np.arange(16.0).reshape(1, 1, 4, 4)  # one image of one channel, 4 x 4, holding 0, 1, ..., 15

LAYERS = [
    WorkedExample("relu_forward", {"x": ROW}, _array([[0, 0, 2]])),
    WorkedExample("relu_backward", {"dout": _array([[5, 5, 5]]), "x": ROW}, _array([[0, 0, 5]])),
    WorkedExample("conv_forward", {"x": NINE, "w": ONES, "b": _array([1])}, _array([[[[9, 13], [21, 25]]]])),
    WorkedExample("conv_backward", {"dout": ONES, "x": NINE, "w": ONES, "b": _array([1])},
                  (_array([[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]]), _array([[[[8, 12], [20, 24]]]]), _array([4]))),
    WorkedExample("max_pool_forward", {"x": SIXTEEN, "size": 2}, _array([[[[5, 7], [13, 15]]]])),
    WorkedExample("max_pool_backward", {"dout": ONES, "x": SIXTEEN, "size": 2},
                  _array([[[[0, 0, 0, 0], [0, 1, 0, 1], [0, 0, 0, 0], [0, 1, 0, 1]]]])),
    WorkedExample("linear_forward", {"x": FEATURES, "w": WEIGHTS, "b": BIASES}, _array([[1, 2, 11]])),
    WorkedExample("linear_backward", {"dout": _array([[1, 0, 2]]), "x": FEATURES, "w": WEIGHTS, "b": BIASES},
                  (_array([[-1, 2]]), _array([[1, 0, 2], [2, 0, 4]]), _array([1, 0, 2]))),
    # Logit 1000 would overflow exp() without the shift by the row maximum; the loss is log(2) / 2.
    WorkedExample("softmax_cross_entropy", {"logits": _array([[1000, 0], [0, 0]]), "y": np.array([0, 1])},
                  (0.34657359027997264, _array([[0, 0], [0.25, -0.25]]))),
    WorkedExample("sgd_step", {"params": {"w": _array([1, 2])}, "grads": {"w": _array([10, -10])}, "lr": 0.1},
                  {"w": _array([0, 3])}),
]


# -- part 6: counting --------------------------------------------------------------------------------

CONV = s.conv_layer(4, 3, 1, 1)  # a 3 x 3 convolution with stride 1 (and padding 1)
POOL = s.pool_layer(2, 2)  # a 2 x 2 pooling with stride 2
LECTURE_IMAGE = (1, 426, 426)  # the lecture's grayscale image
LECTURE_MLP = [{"type": "fc", "units": 16}, s.RELU, {"type": "fc", "units": 10}]  # about 3M parameters on it

COUNTS = [
    WorkedExample("fc_params", {"n_in": 4, "n_out": 3}, 15),
    WorkedExample("fc_params", {"n_in": 426 * 426, "n_out": 16}, 2_903_632),
    WorkedExample("conv_params", {"k": 8, "d": 1, "f": 3}, 80),
    WorkedExample("conv_params", {"k": 16, "d": 1, "f": 3}, 160),
    WorkedExample("output_shapes", {"input_shape": (1, 8, 8), "layers": s.PART5_NETWORK},
                  [(8, 8, 8), (8, 8, 8), (8, 4, 4), (10,)]),
    WorkedExample("stack_params", {"input_shape": (1, 8, 8), "layers": s.PART5_NETWORK}, 1370),
    WorkedExample("stack_params", {"input_shape": LECTURE_IMAGE, "layers": LECTURE_MLP}, 2_903_802),
    WorkedExample("receptive_field", {"layers": []}, 1),
    WorkedExample("receptive_field", {"layers": [CONV]}, 3),
    WorkedExample("receptive_field", {"layers": [CONV, CONV]}, 5),
    WorkedExample("receptive_field", {"layers": [CONV, POOL, CONV]}, 8),
    WorkedExample("receptive_field", {"layers": s.PART5_NETWORK[:3]}, 4),
]

EXAMPLES = CONVOLUTION + LAYERS + COUNTS


def examples_of(function):
    """The worked examples of ``function``, in handout order."""
    return [example for example in EXAMPLES if example.function == function]


def worked_examples_check(function):
    """A public check that ``function`` returns what the handout's worked examples say, one by one,
    with every array float64."""
    def verify(student, _):
        for example in examples_of(function):
            returned = student.call(function, **example.call)
            try:
                assert_matches(returned, example.returns, function)
                float64_like(returned, example.returns, function)
            except Failed as failure:
                raise Failed(f"on the handout's worked example {call_text(function, kwargs=example.call)}:\n"
                             f"  {failure}", rule=failure.rule) from None
    return Check.on_inputs(function, "matches the handout's worked examples", st.just({}), verify, max_examples=1)


CHECKS = [worked_examples_check(function) for function in dict.fromkeys(e.function for e in EXAMPLES)]
