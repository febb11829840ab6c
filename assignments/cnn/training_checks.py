"""Public checks of part 5 (layers, backpropagation, training): no reference needed.

Every backward pass is checked the way CS231n does it: against centred finite differences of the
student's own forward pass, ``(f(a + h) - f(a - h)) / 2h``, on a sample of coordinates, with a
relative-error threshold. The other checks state definitions (ReLU, linear layer, SGD step),
link part 5 to parts 1-4 (a batch of one is ``conv2d_multichannel``, ``max_pool2d``), ask that
the loss falls when a tiny batch is learnt by heart, and that ``train`` does what the handout's
recipe does with its ``lr``, ``batch_size``, ``epochs`` and ``seed`` (``lr=0`` changes nothing),
done here with the student's own ``init_params``, ``loss_and_grads`` and ``sgd_step``. Arrays
come back float64 (the worked examples check the layers; these the parameters and gradients).
"""

import numpy as np
from hypothesis import strategies as st

from assignments.cnn import strategies as s
from assignments.cnn.convolution_checks import has_shape
from autograder.core.checks import (
    Check,
    Failed,
    assert_close,
    assert_matches,
    float64_like,
    float_array,
    number,
    show,
    unpack,
)
from autograder.core.inputs import LEAVE_OUT

FUNCTIONS = ["relu_forward", "relu_backward", "conv_forward", "conv_backward", "max_pool_forward",
             "max_pool_backward", "linear_forward", "linear_backward", "softmax_cross_entropy",
             "init_params", "loss_and_grads", "sgd_step", "train", "predict"]

STEP = 1e-6  # finite-difference step
MAX_RELATIVE_ERROR = 1e-5  # float64 gradients agree to ~1e-9; a wrong one is off by far more
# Relative error |a - n| / (|a| + |n|) is noise for gradients near 0: below this size of |a| + |n|
# the difference is compared as it is (finite differences of a loss of size ~100 are off ~1e-8).
SMALL_GRADIENT = 1.0
SAMPLES_PER_ARRAY = 5  # coordinates checked per array: each costs two forward calls (see checks.PUBLIC_EXAMPLES)


# -- finite differences ----------------------------------------------------------------------------

def sample_indices(shape):
    """Up to SAMPLES_PER_ARRAY coordinates spread evenly over an array of ``shape``."""
    size = int(np.prod(shape))
    flat = np.unique(np.linspace(0, size - 1, min(size, SAMPLES_PER_ARRAY)).astype(int))
    return [np.unravel_index(i, shape) for i in flat]


def check_gradient(function, name, analytic, loss, array, nudged=None):
    """Compare ``analytic`` (the claimed gradient ``name``) with finite differences of ``loss`` at
    ``array`` (the input called ``nudged``, by default ``name`` without its leading d)."""
    nudged = nudged or name.removeprefix("d")
    analytic = float_array(analytic, function, array.shape)
    for index in sample_indices(array.shape):
        up, down = array.copy(), array.copy()
        up[index] += STEP
        down[index] -= STEP
        numeric = (loss(up) - loss(down)) / (2 * STEP)
        claimed = analytic[index]
        error = abs(claimed - numeric) / max(abs(claimed) + abs(numeric), SMALL_GRADIENT)
        if error > MAX_RELATIVE_ERROR:
            raise Failed(
                f"{function} returned a wrong gradient {name}: at index {tuple(map(int, index))} it says "
                f"{show(float(claimed))}, but nudging {nudged} there changes the loss at the "
                f"rate {show(float(numeric))} (relative error {error:.1e}, allowed {MAX_RELATIVE_ERROR:g})")


def weighted_sum(student, forward, dout, call):
    """L = sum(forward(**call) * dout): its gradient with respect to the output is dout."""
    return lambda name: lambda value: float(np.sum(
        float_array(student.call(forward, **{**call, name: value}), forward, dout.shape) * dout))


def backward_check(backward, forward, calls, parts):
    """A gradient check of ``backward`` (returning ``parts``, e.g. ("dx", "dw", "db"))."""
    def verify(student, example):
        call = {k: v for k, v in example.items() if k != "dout"}
        result = student.call(backward, **example)
        results = unpack(result, backward, parts) if len(parts) > 1 else (result,)
        loss_of = weighted_sum(student, forward, example["dout"], call)
        for part, analytic in zip(parts, results):
            name = part.removeprefix("d")
            check_gradient(backward, part, analytic, loss_of(name), call[name])
    return Check.on_calls(backward, f"gradients match finite differences of {forward}", calls, verify, max_examples=6)


# -- layers ----------------------------------------------------------------------------------------

def _relu_definition(student, example):
    assert_close(student.relu_forward(example["x"]), np.maximum(example["x"], 0.0), "relu_forward",
                 what="values (ReLU keeps positive entries and sets the others to 0)")


def _conv_matches_part4(student, example):
    returned = float_array(student.conv_forward(**example), "conv_forward")
    call = {key: example[key] for key in ("stride", "padding")}
    for n, image in enumerate(example["x"]):
        expected = float_array(student.conv2d_multichannel(image, example["w"], example["b"], **call),
                               "conv2d_multichannel")
        if returned.shape[1:] != expected.shape or returned.shape[0] != example["x"].shape[0]:
            raise Failed(f"conv_forward returned shape {returned.shape}, but image {n} alone gives "
                         f"{expected.shape} with conv2d_multichannel")
        assert_close(returned[n], expected, "conv_forward", np.abs(expected) + 1.0, rtol=1e-4,
                     what=f"values for image {n} (they should equal your conv2d_multichannel on it)")


def _pool_matches_part4(student, example):
    returned = float_array(student.max_pool_forward(**example), "max_pool_forward")
    call = {key: value for key, value in example.items() if key != "x"}
    for n, image in enumerate(example["x"]):
        expected = float_array(student.max_pool2d(image, **call), "max_pool2d")
        if returned.shape[1:] != expected.shape or returned.shape[0] != example["x"].shape[0]:
            raise Failed(f"max_pool_forward returned shape {returned.shape}, but image {n} alone gives "
                         f"{expected.shape} with max_pool2d")
        assert_close(returned[n], expected, "max_pool_forward",
                     what=f"values for image {n} (they should equal your max_pool2d on it)")


def _relu_gate(student, example):
    dout, x = example["dout"], example["x"]
    assert_close(student.relu_backward(dout, x), np.where(x > 0, dout, 0.0), "relu_backward",
                 what="values (the gradient passes where x > 0 and is blocked where x <= 0, at exactly 0 too)")


def _first_maximum_gets_gradient(student, example):
    """By the definition: each window's gradient goes to its first maximum in row-major order."""
    dout, x, size = example["dout"], example["x"], example["size"]
    stride = example.get("stride", size)
    expected = np.zeros_like(x)
    for n, c, i, j in np.ndindex(dout.shape):
        window = x[n, c, i * stride:i * stride + size, j * stride:j * stride + size]
        a, b = np.unravel_index(np.argmax(window), window.shape)  # argmax: the first maximum
        expected[n, c, i * stride + a, j * stride + b] += dout[n, c, i, j]
    assert_close(student.max_pool_backward(**example), expected, "max_pool_backward", np.abs(expected) + 1.0,
                 what="values on windows with ties (each window's whole gradient should go to its first "
                      "maximum in row-major order)")


def _linear_definition(student, example):
    expected = example["x"] @ example["w"] + example["b"]
    scale = np.abs(example["x"]) @ np.abs(example["w"]) + np.abs(example["b"])
    assert_close(student.linear_forward(**example), expected, "linear_forward", scale,
                 what="values (they should be x @ w + b)")


# -- softmax cross-entropy -------------------------------------------------------------------------

def _softmax(student, logits, labels):
    """(loss, dlogits) from the student, checked to be a number and an array of the logits' shape."""
    loss, dlogits = unpack(student.softmax_cross_entropy(logits, labels), "softmax_cross_entropy",
                           ("loss", "dlogits"))
    return (number(loss, "softmax_cross_entropy", "the loss, a number"),
            float_array(dlogits, "softmax_cross_entropy", logits.shape))


def _softmax_gradient(student, example):
    _, dlogits = _softmax(student, example["logits"], example["y"])
    check_gradient("softmax_cross_entropy", "dlogits", dlogits,
                   lambda logits: _softmax(student, logits, example["y"])[0], example["logits"])


def _softmax_uniform(student, example):
    classes = example["classes"]
    loss, _ = unpack(student.softmax_cross_entropy(np.full((3, classes), example["value"]), np.arange(3) % classes),
                     "softmax_cross_entropy", ("loss", "dlogits"))
    assert_matches(loss, float(np.log(classes)), "softmax_cross_entropy", rtol=1e-6,
                   where="(equal logits: every class has probability 1/classes) ")


def _softmax_stable(student, example):
    """Large logits: compared with the handout's recipe, computed here (z = logits - row max,
    log_softmax = z - log(sum(exp(z))))."""
    logits, labels = example["logits"], example["y"]
    z = logits - logits.max(axis=1, keepdims=True)
    log_softmax = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    rows = np.arange(len(labels))
    expected_loss = float(-log_softmax[rows, labels].mean())
    expected_dlogits = np.exp(log_softmax)
    expected_dlogits[rows, labels] -= 1.0
    expected_dlogits /= len(labels)
    loss, dlogits = unpack(student.softmax_cross_entropy(logits, labels), "softmax_cross_entropy",
                           ("loss", "dlogits"))
    try:
        assert_matches((loss, dlogits), (expected_loss, expected_dlogits), "softmax_cross_entropy",
                       (abs(expected_loss) + 1.0, np.abs(expected_dlogits) + 1e-3), rtol=1e-6,
                       parts=("loss", "dlogits"))
    except Failed as error:
        raise Failed(f"{error}\n  (Did exp overflow, or log of a probability that rounded to 0? Subtract each "
                     f"row's largest logit: z = logits - max, then log_softmax = z - log(sum(exp(z))).)") from None


# -- the network -----------------------------------------------------------------------------------

def _parameters(student, seed):
    params = student.init_params(seed)
    if not isinstance(params, dict) or not params:
        raise Failed(f"init_params should return a dict of arrays, not {show(params)}")
    for key, value in params.items():
        float_array(value, f"init_params (key {key!r})", float64=True)
    return params


def _init_is_seeded(student, example):
    first, again = _parameters(student, example["seed"]), _parameters(student, example["seed"])
    assert_matches(again, first, "init_params", rtol=0, where="(the same seed twice) ")
    other = _parameters(student, example["seed"] + 1)
    if all(np.array_equal(first[k], other.get(k)) for k in first):
        raise Failed("init_params returned the same parameters for two different seeds: "
                     "draw them with numpy.random.default_rng(seed)")


def _init_as_documented(student, example):
    """The shapes, zero biases and He scale the docstring states (a sample of 72 or more weights has a
    standard deviation within ~15% of sqrt(2 / fan_in), so 30% is wide)."""
    params = _parameters(student, example["seed"])
    if set(params) != set(s.PARAMETERS):
        raise Failed(f"init_params should return the keys {sorted(s.PARAMETERS)}, not {sorted(params)}")
    for name, (shape, fan_in) in s.PARAMETERS.items():
        value = params[name]
        if value.shape != shape:
            raise Failed(f"init_params()[{name!r}] has shape {value.shape}, but the docstring says {shape}")
        if fan_in is None and np.any(value != 0):
            raise Failed(f"init_params()[{name!r}] should start at zero, not {show(value)}")
        if fan_in is not None and not 0.7 < np.std(value) / np.sqrt(2.0 / fan_in) < 1.3:
            raise Failed(f"init_params()[{name!r}] has standard deviation {np.std(value):.3g}, but He initialisation "
                         f"gives about {np.sqrt(2.0 / fan_in):.3g}: sqrt(2 / fan_in) with fan_in = {fan_in}")


def _loss_and_grads_gradient(student, example):
    params = s.network_params(example["seed"])
    loss, grads = _loss_and_grads(student, params, example)
    for key, value in params.items():
        def loss_at(new, key=key):
            return _loss_and_grads(student, {**params, key: new}, example)[0]
        check_gradient("loss_and_grads", f"grads[{key!r}]", grads.get(key), loss_at, value, f"params[{key!r}]")


def _loss_and_grads(student, params, batch):
    loss, grads = unpack(student.loss_and_grads(params, batch["x"], batch["y"]), "loss_and_grads",
                         ("loss", "grads"))
    if not isinstance(grads, dict) or set(grads) != set(params):
        raise Failed(f"loss_and_grads should return grads as a dict keyed like params, not {show(grads)}")
    for key, value in grads.items():
        float_array(value, f"loss_and_grads (grads[{key!r}])", params[key].shape, float64=True)
    return number(loss, "loss_and_grads", "the loss, a number"), grads


def _sgd_definition(student, example):
    params, grads, lr = example["params"], example["grads"], example["lr"]
    expected = {key: params[key] - lr * grads[key] for key in params}
    assert_matches(student.sgd_step(params, grads, lr), expected, "sgd_step", rtol=1e-9,
                   where="(it should be params - lr * grads) ")


def _overfits_tiny_batch(student, example):
    params = s.network_params(0)
    first, _ = _loss_and_grads(student, params, example)
    for _ in range(40):  # gradient descent, done here: the check needs no sgd_step of the student's
        loss, grads = _loss_and_grads(student, params, example)
        params = {key: value - 0.1 * grads[key] for key, value in params.items()}
    loss, _ = _loss_and_grads(student, params, example)
    if not loss < 0.5 * first:
        raise Failed(f"after 40 steps of gradient descent (lr 0.1, your gradients) on these {len(example['y'])} "
                     f"images the loss went from {show(first)} to {show(loss)}; it should at least halve when the "
                     f"network learns a tiny batch by heart")


def train_history(history, epochs, holds="one mean loss per epoch"):
    """The ``history`` train returned, as an array of numbers; ``Failed`` unless it ``holds`` one
    number for each of the ``epochs``."""
    if not isinstance(history, (list, tuple, np.ndarray)) or len(history) != epochs:
        raise Failed(f"train(..., epochs={epochs}) returned a history of {show(history)}: it should hold {holds}")
    return np.array([number(loss, "train", "a history of numbers (mean losses)") for loss in history])


def _train_runs(student, example):
    data = s.load_digits()
    _, history = unpack(student.train(data["x_train"][:200], data["y_train"][:200], epochs=example["epochs"]),
                        "train", ("params", "history"))
    history = train_history(history, example["epochs"]).tolist()
    if not history[-1] < history[0]:
        raise Failed(f"the training loss did not fall: history = {show(history)}")


# A few epochs of train() on x_train[first_row:first_row + rows], in batches smaller than the rows (the
# last one smaller still, often), with lr 0 among others.
TRAIN_RUNS = st.fixed_dictionaries({
    "first_row": st.integers(0, 1000), "rows": st.integers(4, 7), "epochs": st.integers(1, 2),
    "lr": st.sampled_from([0.5, 0.0, 0.1]), "batch_size": st.integers(2, 3), "seed": st.integers(0, 100)})


def _train_follows_recipe(student, example):
    """train on the training digits x_train[first_row:first_row + rows] against the handout's recipe,
    carried out here with the student's own functions:
    params = init_params(seed), rng = default_rng(seed); each epoch, rng.permutation(N) and one
    sgd_step with lr per mini-batch of batch_size (the last may be smaller); history: per epoch, the
    batch losses weighted by batch size, over N."""
    data, rows = s.load_digits(), slice(example["first_row"], example["first_row"] + example["rows"])
    x, y, lr, size = data["x_train"][rows], data["y_train"][rows], example["lr"], example["batch_size"]
    params, rng, expected = student.init_params(example["seed"]), np.random.default_rng(example["seed"]), []
    for _ in range(example["epochs"]):
        order, total = rng.permutation(len(y)), 0.0
        for start in range(0, len(y), size):
            batch = order[start:start + size]
            loss, grads = _loss_and_grads(student, params, {"x": x[batch], "y": y[batch]})
            params = student.sgd_step(params, grads, lr)
            total += loss * len(batch)
        expected.append(total / len(y))
    call = {"epochs": example["epochs"], "lr": lr, "batch_size": size, "seed": example["seed"]}
    returned, history = unpack(student.train(x, y, **call), "train", ("params", "history"))
    history = train_history(history, example["epochs"])
    recipe = "the handout's recipe with your init_params, loss_and_grads and sgd_step"
    assert_matches(history, np.array(expected), "train", rtol=1e-6,
                   where=f"history (each epoch's batch losses weighted by batch size, over N: {recipe}) ")
    assert_matches(returned, params, "train", rtol=1e-6,
                   where=f"params ({recipe}{'; lr=0 leaves init_params(seed) unchanged' if lr == 0 else ''}) ")
    float64_like(returned, params, "train")


def _predict_labels(student, example):
    images = s.load_digits()["x_test"][:example["count"]]
    labels = student.predict(s.network_params(example["count"]), images)
    if not isinstance(labels, np.ndarray) or labels.dtype.kind not in "iu" or labels.shape != (len(images),):
        raise Failed(f"predict should return an integer array with one label per image, shape "
                     f"({len(images)},), not {show(labels)}")
    if labels.min() < 0 or labels.max() > 9:
        raise Failed(f"predict returned labels outside 0..9: {show(labels)}")


def _sgd_inputs():
    shapes = {"conv_w": (2, 1, 3, 3), "fc_b": (3,)}
    arrays = {key: s.float_arrays(shape) for key, shape in shapes.items()}
    return st.fixed_dictionaries({"params": st.fixed_dictionaries(arrays), "grads": st.fixed_dictionaries(arrays),
                                  "lr": st.sampled_from([0.1, 0.5, 1.0])})


CHECKS = [
    Check.on_calls("relu_forward", "keeps positive entries and zeroes the others", s.relu_calls(), _relu_definition),
    backward_check("relu_backward", "relu_forward", s.relu_calls(backward=True), ("dx",)),
    Check.on_calls("relu_backward", "blocks the gradient where x <= 0, also at exactly 0",
                   s.relu_calls(backward=True, zeros=True), _relu_gate, max_examples=10),
    has_shape("conv_forward", s.layer_conv_calls(s.SMALL_STRIDES, s.PADDINGS),
              lambda c: (c["x"].shape[0], c["w"].shape[0]) + tuple(
                  s.output_length(n, m, c["stride"], c["padding"]) for n, m in zip(c["x"].shape[2:], c["w"].shape[2:])),
              "(N, K, H', W')"),
    Check.on_calls("conv_forward", "each image gives what conv2d_multichannel gives",
                   s.layer_conv_calls(s.SMALL_STRIDES, s.PADDINGS), _conv_matches_part4, max_examples=20),
    backward_check("conv_backward", "conv_forward", s.layer_conv_calls(st.integers(1, 3), st.integers(0, 2),
                                                                     backward=True), ("dx", "dw", "db")),
    Check.on_calls("max_pool_forward", "each image gives what max_pool2d gives",
                   s.layer_pool_calls(st.one_of(LEAVE_OUT, st.integers(1, 3))), _pool_matches_part4, max_examples=20),
    backward_check("max_pool_backward", "max_pool_forward",
                   s.layer_pool_calls(st.one_of(LEAVE_OUT, st.integers(1, 3)), backward=True), ("dx",)),
    Check.on_calls("max_pool_backward", "on ties, the first maximum in row-major order gets the gradient",
                   s.layer_pool_calls(st.one_of(LEAVE_OUT, st.integers(1, 3)), backward=True, ties=True),
                   _first_maximum_gets_gradient, max_examples=15),
    Check.on_calls("linear_forward", "computes x @ w + b", s.layer_linear_calls(), _linear_definition),
    backward_check("linear_backward", "linear_forward", s.layer_linear_calls(backward=True), ("dx", "dw", "db")),
    Check.on_calls("softmax_cross_entropy", "dlogits matches finite differences of the loss", s.softmax_calls(),
                   _softmax_gradient, max_examples=10),
    Check.on_inputs("softmax_cross_entropy", "equal logits give the loss log(classes)",
                    st.fixed_dictionaries({"classes": st.integers(2, 10),
                                           "value": st.sampled_from([0.0, -3.0, 250.0])}),
                    _softmax_uniform, max_examples=10),
    Check.on_calls("softmax_cross_entropy", "is stable for logits in the hundreds", s.softmax_calls(magnitude=900.0),
                   _softmax_stable, max_examples=20),
    Check.on_calls("init_params", "the same seed gives the same parameters, another seed others",
                   st.fixed_dictionaries({"seed": st.integers(0, 100)}), _init_is_seeded, max_examples=3),
    Check.on_calls("init_params", "returns the documented shapes, He-initialised weights and zero biases",
                   st.fixed_dictionaries({"seed": st.integers(0, 100)}), _init_as_documented, max_examples=3),
    Check.on_inputs("loss_and_grads", "gradients match finite differences of the loss",
                    s.digit_batches(4).flatmap(lambda batch: st.fixed_dictionaries(
                        {"seed": st.integers(0, 100), **{k: st.just(v) for k, v in batch.items()}})),
                    _loss_and_grads_gradient, max_examples=2),
    Check.on_inputs("loss_and_grads", "with steps of gradient descent, the loss on a tiny batch falls",
                    s.digit_batches(8), _overfits_tiny_batch, max_examples=1),
    Check.on_calls("sgd_step", "returns params - lr * grads", _sgd_inputs(), _sgd_definition, max_examples=10),
    Check.on_inputs("train", "runs, and the loss falls over a few epochs on 200 images",
                    st.fixed_dictionaries({"epochs": st.just(3)}), _train_runs, max_examples=1),
    Check.on_inputs("train", "uses lr, batch_size, epochs and seed as the handout's recipe does (lr=0 changes "
                    "nothing)", TRAIN_RUNS, _train_follows_recipe, max_examples=5),
    Check.on_inputs("predict", "returns one label in 0..9 per image",
                    st.fixed_dictionaries({"count": st.integers(1, 20)}), _predict_labels, max_examples=3),
]
