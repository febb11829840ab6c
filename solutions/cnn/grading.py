"""Hidden grading of the CNN assignment: points per function and the checks that share them.

Every hidden check compares the student's function with the reference (``solutions/cnn/cnn.py``)
on inputs Hypothesis generates over one region of the precondition space. Each region is one idea
a student may get wrong on its own (defaults, stride, padding, both together, bias, overlapping
pooling windows, all-negative inputs), so a function's points are shared among its checks by
weight and partial credit follows what works. Sizes, channel counts and values come from
``assignments/cnn/strategies.py``, which reaches the corners: filters as long as the padded input,
size-1 axes, non-square inputs and filters, k != d, stride larger than the filter, windows that
do not tile the input. The handout's rules on inputs and outputs have checks of their own (a small
share): parts 1-4 take lists, float32 and integer arrays and return float64, part 5 returns
float64 arrays. The network of part 5 (parameters, loss and gradients, SGD step,
prediction) is compared on real digit batches, and ``train`` is judged by the accuracy its
parameters reach, within its CPU-time budget, on held-back digits that only the autograder zip
ships (``heldout_digits.npz``, by writers the handout's digits do not come from; see
``make_digits.py``): no submission can look them up. Part 6 (parameter counts,
output shapes, receptive fields) is compared exactly over generated stacks of layers that fit.
"""

import copy
from pathlib import Path

import numpy as np
from hypothesis import strategies as st

from assignments.cnn import convolution_checks as public
from assignments.cnn import strategies as s
from assignments.cnn.training_checks import train_history
from autograder.core.checks import (
    Check,
    Failed,
    absolute_scale,
    assert_matches,
    float64_like,
    matches_reference,
    show,
    unpack,
)
from autograder.core.inputs import LEAVE_OUT
from solutions.cnn import cnn as reference

POINTS = {
    # parts 1-4: 100 points
    "conv1d": 20, "conv1d_matrix": 15, "conv2d": 20, "conv2d_multichannel": 25, "max_pool2d": 20,
    # part 5: 100 points
    "relu_forward": 2, "relu_backward": 3, "conv_forward": 10, "conv_backward": 15, "max_pool_forward": 5,
    "max_pool_backward": 10, "linear_forward": 3, "linear_backward": 7, "softmax_cross_entropy": 10,
    "init_params": 3, "loss_and_grads": 10, "sgd_step": 4, "train": 12, "predict": 6,
    # part 6: 20 points
    "fc_params": 2, "conv_params": 3, "output_shapes": 5, "stack_params": 5, "receptive_field": 5,
}
# The integration check: one epoch over the shipped training digits, sized so that a part 5 written
# with plain loops over images, filters and positions (about 15 s of CPU) passes well inside train's
# 60 s; the reference then reaches 87-94% on the held-back digits, whatever train's seed (0-19).
TRAIN_CALL = {"epochs": 1, "lr": 0.3, "batch_size": 10, "seed": 0}
TRAIN_ACCURACY = 0.80
PREDICT_CHUNK = 100  # held-back digits per predict call (each call has the usual 5 s)
HELDOUT_DIGITS = Path(__file__).with_name("heldout_digits.npz")

# Independent grading: while a function's hidden checks run, the calls it makes to these other graded
# functions are answered by the reference (in a process of its own), so a bug in conv2d costs
# conv2d's points only, not also those of a conv2d_multichannel built on it. The reference answers
# only where the handout teaches the decomposition (its section "How your functions are graded
# together" lists these pairs, and tests/test_points.py holds it to them); integration checks
# (``Check(integration=True)``) run the student's own functions throughout.
REFERENCE = reference
_CONVOLUTION = ("conv2d_multichannel", "conv2d", "conv1d")
_FORWARD = ("conv_forward", "relu_forward", "max_pool_forward", "linear_forward")
_BACKWARD = ("softmax_cross_entropy", "linear_backward", "max_pool_backward", "relu_backward", "conv_backward")
ORACLE = {
    "conv1d_matrix": ("conv1d",),  # column j of the matrix is conv1d of the j-th unit vector
    "conv2d": ("conv1d",),  # a 2-D convolution sums 1-D ones, one per row of the filter
    "conv2d_multichannel": ("conv2d", "conv1d"),  # a filter bank sums conv2d over input channels
    "conv_forward": _CONVOLUTION,  # the layer is conv2d_multichannel on each image of the batch
    "max_pool_forward": ("max_pool2d",),  # the layer is max_pool2d on each image of the batch
    "loss_and_grads": _FORWARD + _BACKWARD + _CONVOLUTION + ("max_pool2d",),  # the network composes the layers
    "predict": _FORWARD + _CONVOLUTION + ("max_pool2d",),
    "train": ("init_params", "loss_and_grads", "sgd_step"),  # mini-batch SGD from its three parts
    "conv_params": ("fc_params",),  # a convolution is a fully connected layer from one d x f x f patch
    "stack_params": ("conv_params", "fc_params", "output_shapes"),  # a stack adds up its layers
}
# Graded functions the reference never answers for while these are graded, and why: a backward pass
# built from its own forward pass (by finite differences, or by probing it with one-hot inputs) is
# graded with the student's own forward, or the reference's forward would compute it for them.
OWN_CALLEES = {backward: "a backward pass is graded with your own forward pass"
               for backward in ("relu_backward", "conv_backward", "max_pool_backward", "linear_backward",
                                "softmax_cross_entropy")}

STRIDES = st.integers(2, 5)
PADDINGS = st.integers(1, 3)
REGIONS = [  # (region, stride, padding, weight); LEAVE_OUT: the function's default is tested
    ("with the default stride and padding", LEAVE_OUT, LEAVE_OUT, 2),
    ("with stride > 1", STRIDES, LEAVE_OUT, 1),
    ("with padding", LEAVE_OUT, PADDINGS, 1),
    ("with stride and padding together", STRIDES, PADDINGS, 1),
]


def agrees(function, region, calls, scale=None, **options):
    """A hidden check that ``function`` returns what the reference returns on ``calls`` (see
    ``matches_reference``), titled "agrees with the reference" then ``region``, the inputs it
    covers (e.g. "with padding"; "" for all of them)."""
    title = f"agrees with the reference {region}".rstrip()
    return matches_reference(function, title, calls, getattr(reference, function), scale, **options)


def convolution_checks(function, calls, **strategy_options):
    """One check per region of (stride, padding) for a convolution-like function."""
    scale = absolute_scale(getattr(reference, function)) if function != "conv1d_matrix" else None
    return [agrees(function, region, calls(stride, padding, **strategy_options), scale, weight=weight)
            for region, stride, padding, weight in REGIONS]


def multichannel_checks():
    scale = absolute_scale(reference.conv2d_multichannel)
    checks = convolution_checks("conv2d_multichannel", s.conv2d_multichannel_calls, bias=st.just(False))
    with_bias = s.conv2d_multichannel_calls(st.integers(1, 5), st.integers(0, 3), bias=st.just(True))
    return checks + [agrees("conv2d_multichannel", "with a bias", with_bias, scale, weight=2)]


def max_pool_checks():
    regions = [  # (region, calls, weight)
        ("with the default stride (= size)", s.max_pool2d_calls(), 2),
        ("with a stride other than size (overlapping or skipped entries)", s.max_pool2d_calls(st.integers(1, 5)), 2),
        ("on all-negative inputs", s.max_pool2d_calls(st.one_of(LEAVE_OUT, st.integers(1, 4)),
                                                      values=s.entries("negative")), 1),
    ]
    return [agrees("max_pool2d", region, calls, weight=weight) for region, calls, weight in regions]


def layer_checks():
    """Every forward and backward of part 5 against the reference, over its own regions."""
    def agree(function, region, calls, weight=1, parts=None, scaled=True):
        scale = absolute_scale(getattr(reference, function)) if scaled else None
        return agrees(function, region, calls, scale, weight=weight, max_examples=30, parts=parts)

    checks = [agree("relu_forward", "", s.relu_calls()),
              agree("relu_backward", "", s.relu_calls(backward=True), scaled=False),
              agree("relu_backward", "at x exactly 0 (the gradient is blocked there)",
                    s.relu_calls(backward=True, zeros=True), scaled=False)]
    for region, stride, padding, weight in REGIONS:
        stride = st.just(1) if stride is LEAVE_OUT else st.integers(2, 3)
        padding = st.just(0) if padding is LEAVE_OUT else st.integers(1, 2)
        checks += [agree("conv_forward", region, s.layer_conv_calls(stride, padding), weight),
                   agree("conv_backward", region, s.layer_conv_calls(stride, padding, backward=True), weight,
                         parts=("dx", "dw", "db"))]
    for region, stride in (("with the default stride (= size)", LEAVE_OUT),
                          ("with overlapping or skipping windows", st.integers(1, 3))):
        checks += [agree("max_pool_forward", region, s.layer_pool_calls(stride), scaled=False),
                   agree("max_pool_backward", region, s.layer_pool_calls(stride, backward=True), scaled=False)]
    checks += [agree("max_pool_forward", "on windows with ties and all-negative windows",
                     s.layer_pool_calls(st.one_of(LEAVE_OUT, st.integers(1, 3)), ties=True), scaled=False),
               agree("max_pool_backward", "on ties (the first maximum in row-major order gets the gradient)",
                     s.layer_pool_calls(st.one_of(LEAVE_OUT, st.integers(1, 3)), backward=True, ties=True),
                     scaled=False)]
    checks += [
        agree("linear_forward", "", s.layer_linear_calls()),
        agree("linear_backward", "", s.layer_linear_calls(backward=True), parts=("dx", "dw", "db")),
        agree("softmax_cross_entropy", "for moderate logits", s.softmax_calls(), parts=("loss", "dlogits"),
              scaled=False),
        agree("softmax_cross_entropy", "for logits in the hundreds", s.softmax_calls(magnitude=900.0),
              parts=("loss", "dlogits"), scaled=False),
    ]
    return checks


def network_batches():
    """A reference parameter set (from a random seed) and a few training digits."""
    return st.tuples(st.integers(0, 1000), s.digit_batches(6)).map(
        lambda pair: {"params": reference.init_params(pair[0]), **pair[1]})


def _init_params_shapes(student, example):
    params = student.init_params(example["seed"])
    expected = reference.init_params(example["seed"])
    if not isinstance(params, dict) or set(params) != set(expected):
        raise Failed(f"init_params should return a dict with keys {sorted(expected)}, not {show(params)}")
    for key, value in expected.items():
        got = params[key]
        if not isinstance(got, np.ndarray) or got.shape != value.shape or got.dtype.kind != "f":
            raise Failed(f"init_params()[{key!r}] should be a float array of shape {value.shape}, not {show(got)}")
        # He initialisation: standard deviation sqrt(2 / fan_in); a sample of 72 weights is within ~15%.
        if key.endswith("_w") and not 0.7 < np.std(got) / np.std(value) < 1.3:
            raise Failed(f"init_params()[{key!r}] has standard deviation {np.std(got):.3g}, but He initialisation "
                         f"gives about {np.std(value):.3g}: sqrt(2 / fan_in)")
    again = student.init_params(example["seed"])
    same = isinstance(again, dict) and all(np.array_equal(again.get(k), params[k]) for k in params)
    if not same:
        raise Failed("init_params returned different parameters for the same seed: draw them with "
                     "numpy.random.default_rng(seed)")


def train_call_text():
    """How the integration check calls train, as the student would write it."""
    return "train(x_train, y_train, " + ", ".join(f"{name}={value}" for name, value in TRAIN_CALL.items()) + ")"


def load_heldout_digits():
    """The held-back digits: x (500, 1, 8, 8), y (500,), 50 of each class; not in the handout."""
    with np.load(HELDOUT_DIGITS) as data:
        return data["x"], data["y"]


def _train_accuracy(student, example):
    data = s.load_digits()
    params, _ = unpack(student.train(data["x_train"], data["y_train"], **TRAIN_CALL), "train", ("params", "history"))
    seconds = student.last_cpu_seconds
    x, y = load_heldout_digits()
    labels = []
    for start in range(0, len(y), PREDICT_CHUNK):
        chunk = student.predict(params, x[start:start + PREDICT_CHUNK])
        if not isinstance(chunk, np.ndarray) or chunk.shape != y[start:start + PREDICT_CHUNK].shape:
            raise Failed(f"predict returned {show(chunk)}, not one label per image")
        labels.append(chunk)
    accuracy = float(np.mean(np.concatenate(labels) == y))
    reached = (f"{accuracy:.1%} accuracy on {len(y)} held-back digits after {train_call_text()}, "
               f"in {seconds:.1f} s of CPU time")
    if accuracy < TRAIN_ACCURACY:
        raise Failed(f"your network reached {reached}; it needs at least {TRAIN_ACCURACY:.0%}")
    return f"reached {reached}"


@st.composite
def train_calls(draw):
    """A few epochs of train() on a small subset of the digits, with chosen lr, batch_size and seed."""
    data = s.load_digits()
    count = draw(st.integers(12, 40))
    rows = draw(st.permutations(range(data["x_train"].shape[0])))[:count]
    return {"x_train": data["x_train"][rows], "y_train": data["y_train"][rows],
            "epochs": draw(st.integers(1, 3)), "lr": draw(st.sampled_from([0.05, 0.2])),
            "batch_size": draw(st.sampled_from([5, 8, count])), "seed": draw(st.integers(0, 100))}


def _train_contract(student, example):
    expected_params, expected_history = reference.train(**example)
    params, history = unpack(student.train(**example), "train", ("params", "history"))
    history = train_history(history, example["epochs"],
                            holds="one number per epoch, the batch-size-weighted mean loss of that epoch")
    assert_matches(history, np.array(expected_history), "train", rtol=1e-6,
                   where="history (the batch-size-weighted mean loss of each epoch, batches in the order "
                         "rng.permutation(N) gives, rng = numpy.random.default_rng(seed)) ")
    assert_matches(params, expected_params, "train", rtol=1e-6, where="params ")


def network_checks():
    return [
        Check.on_calls("init_params", "returns the architecture's parameters, randomly initialised",
                       st.fixed_dictionaries({"seed": st.integers(0, 1000)}), _init_params_shapes, max_examples=5),
        agrees("loss_and_grads", "on batches of digits", network_batches(), max_examples=8),
        agrees("sgd_step", "", network_batches().map(lambda b: {"params": b["params"],
                                                               "grads": reference.loss_and_grads(**b)[1], "lr": 0.1}),
               max_examples=5),
        agrees("predict", "on digits", network_batches().map(lambda b: {"params": b["params"], "x": b["x"]}),
               max_examples=8),
        Check.on_calls("train", "follows its contract: params and history after a few epochs with the given lr, "
                       "batch_size and seed agree with the reference", train_calls(), _train_contract, weight=3,
                       max_examples=4),
        Check.on_inputs("train", f"integration check: with your own functions throughout, {train_call_text()} "
                        f"reaches {TRAIN_ACCURACY:.0%} accuracy on digits the handout does not ship", st.just({}),
                        _train_accuracy, max_examples=1, integration=True, visible=True),
    ]


def counting_checks():
    """Part 6 against the reference: counts, shapes and windows are ints, compared exactly.

    Stacks are generated to fit their input; strides go up to 5 with sizes from 1 (so stride >
    size is common), and each region adds one feature: strides, padding, pooling, fc layers.
    """
    def agree(function, region, calls, weight=1):
        return agrees(function, region, calls, rtol=0.0, weight=weight)

    # Up to ~10M weights per layer: large enough for every counting mistake, small enough for a
    # correct solution that counts the entries of np.zeros arrays shaped like the parameters.
    stack_regions = [  # (region, kinds, stride, padding, fc layers)
        ("on conv stacks with stride 1 and no padding", ("conv",), st.just(1), st.just(0), st.just(0)),
        ("with strides (also larger than the size)", ("conv", "relu"), STRIDES, st.just(0), st.just(0)),
        ("with padding", ("conv", "relu"), st.just(1), PADDINGS, st.just(0)),
        ("with pooling, strides and padding together", ("conv", "pool", "relu"), s.SMALL_STRIDES, s.PADDINGS,
         st.just(0)),
        ("on stacks ending in fc layers", ("conv", "pool", "relu"), s.SMALL_STRIDES, s.PADDINGS, st.integers(1, 3)),
    ]
    checks = [
        agree("fc_params", "", st.fixed_dictionaries({"n_in": st.integers(1, 200_000), "n_out": st.integers(1, 50)})),
        agree("conv_params", "with one input channel",
              st.fixed_dictionaries({"k": st.integers(1, 256), "d": st.just(1), "f": st.integers(1, 7)})),
        agree("conv_params", "with several input channels",
              st.fixed_dictionaries({"k": st.integers(1, 256), "d": st.integers(2, 256), "f": st.integers(1, 7)}),
              weight=2),
    ]
    for region, kinds, stride, padding, fc in stack_regions:
        calls = s.stack_calls(kinds, stride, padding, fc)
        checks += [agree("output_shapes", region, calls), agree("stack_params", region, calls)]
    for region, kinds, stride, padding, _ in stack_regions[:4]:  # a receptive field has no fc layer
        checks.append(agree("receptive_field", region, s.receptive_field_calls(kinds, stride, padding)))
    return checks


def rules_checks():
    """The handout's rules on what comes in and goes out, for every array function: parts 1-4 read lists,
    float32 and integer arrays as float64 and return float64 of the formula's shape, with any stride and
    padding (``reads_any_numbers``); part 5 returns float64 arrays."""
    any_stride, any_padding = st.one_of(LEAVE_OUT, STRIDES), st.one_of(LEAVE_OUT, PADDINGS)
    title = "reads lists, float32 and integer arrays as float64, with any stride and padding"
    checks = [public.reads_any_numbers(function, calls, shape_of, title=title, weight=1, max_examples=10, rule=True)
              for function, calls, shape_of in (
                  ("conv1d", s.conv1d_calls(any_stride, any_padding), public.conv1d_shape),
                  ("conv1d_matrix", s.conv1d_matrix_calls(any_stride, any_padding), public.matrix_shape),
                  ("conv2d", s.conv2d_calls(any_stride, any_padding), public.conv2d_shape),
                  ("conv2d_multichannel", s.conv2d_multichannel_calls(any_stride, any_padding),
                   public.multichannel_shape),
                  ("max_pool2d", s.max_pool2d_calls(st.one_of(LEAVE_OUT, STRIDES)), public.pooled_shape))]
    batches = network_batches()
    layers = [("relu_forward", s.relu_calls()), ("relu_backward", s.relu_calls(backward=True)),
              ("conv_forward", s.layer_conv_calls(st.integers(1, 3), st.integers(0, 2))),
              ("conv_backward", s.layer_conv_calls(st.integers(1, 3), st.integers(0, 2), backward=True)),
              ("max_pool_forward", s.layer_pool_calls(st.one_of(LEAVE_OUT, st.integers(1, 3)))),
              ("max_pool_backward", s.layer_pool_calls(st.one_of(LEAVE_OUT, st.integers(1, 3)), backward=True)),
              ("linear_forward", s.layer_linear_calls()), ("linear_backward", s.layer_linear_calls(backward=True)),
              ("softmax_cross_entropy", s.softmax_calls()),
              ("init_params", st.fixed_dictionaries({"seed": st.integers(0, 1000)})),
              ("loss_and_grads", batches),
              ("sgd_step", batches.map(lambda b: {"params": b["params"], "lr": 0.1,
                                                  "grads": reference.loss_and_grads(**b)[1]}))]
    return checks + [returns_float64(function, calls) for function, calls in layers]


def returns_float64(function, calls):
    """A hidden check that every array ``function`` returns (alone, in a tuple or a dict) is float64, as
    the reference's are."""
    def verify(student, example):
        expected = getattr(reference, function)(**copy.deepcopy(example))
        float64_like(student.call(function, **example), expected, function)
    return Check.on_calls(function, "returns float64 arrays", calls, verify, weight=0.5, max_examples=3, rule=True)


HIDDEN_CHECKS = (
    convolution_checks("conv1d", s.conv1d_calls)
    + convolution_checks("conv1d_matrix", s.conv1d_matrix_calls)
    + convolution_checks("conv2d", s.conv2d_calls)
    + multichannel_checks()
    + max_pool_checks()
    + layer_checks()
    + network_checks()
    + counting_checks()
    + rules_checks()
)
