"""Part 6 of the CNN assignment (parameter counts, output shapes, receptive fields) against oracles.

The reference is solutions/cnn/cnn.py. The oracles are independent of its counting code: arrays
actually run through the reference's part-5 layers (their shapes are the output shapes, the
entries of the parameters they need are the count), the part-5 network's ``init_params``, the
convolution matrices of part 2 (the nonzero columns of a row of their product are the input
pixels one unit depends on), also on the worked examples of the handout.
"""

from pathlib import Path

import numpy as np
import pytest
from conftest import load_module
from hypothesis import given, settings
from hypothesis import strategies as st

from assignments.cnn import strategies as s
from assignments.cnn.worked_examples import examples_of

ROOT = Path(__file__).resolve().parents[1]
ref = load_module(ROOT / "solutions" / "cnn" / "cnn.py", "reference_counting")

PROPERTY = settings(derandomize=True, max_examples=100, deadline=None)
STACKS = s.stack_calls(("conv", "pool", "relu"), s.SMALL_STRIDES, s.PADDINGS, fc=st.integers(0, 2), max_side=20)
WINDOWS = s.receptive_field_calls(("conv", "pool", "relu"), st.integers(1, 3), s.PADDINGS, max_layers=4)


def run_stack(input_shape, layers):
    """Push one random input through the reference's layers; return the shape after every layer
    and the parameter arrays the layers used."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1, *input_shape))
    shapes, parameters = [], []
    for layer in layers:
        if layer["type"] == "conv":
            w = rng.normal(size=(layer["filters"], x.shape[1], layer["size"], layer["size"]))
            b = rng.normal(size=layer["filters"])
            x = ref.conv_forward(x, w, b, stride=layer["stride"], padding=layer["padding"])
            parameters += [w, b]
        elif layer["type"] == "pool":
            p = layer["padding"]  # max_pool_forward has no padding: pad first (only shapes matter here)
            x = ref.max_pool_forward(np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))), layer["size"],
                                     stride=layer["stride"])
        elif layer["type"] == "relu":
            x = ref.relu_forward(x)
        else:
            flat = x.reshape(1, -1)
            w, b = rng.normal(size=(flat.shape[1], layer["units"])), rng.normal(size=layer["units"])
            x = ref.linear_forward(flat, w, b)
            parameters += [w, b]
        shapes.append(x.shape[1:])
    return shapes, parameters


def dependency_span(layers):
    """Along one axis: how many input pixels, from the first to the last, output unit 0 depends on.

    A conv or pool layer of size f and stride s connects each of its units to the f units below
    it that conv1d_matrix(ones(f), n, s) puts in its row; row 0 of the product of these matrices
    (entries >= 0, so nothing cancels) marks the input pixels the top unit depends on. The input
    is long enough for every layer to fit."""
    spatial = [layer for layer in layers if layer["type"] != "relu"]
    n = max([layer["size"] for layer in spatial], default=1) * (len(spatial) + 1)
    n *= int(np.prod([layer["stride"] for layer in spatial]))
    matrices = []
    for layer in spatial:
        matrices.append(ref.conv1d_matrix(np.ones(layer["size"]), n, stride=layer["stride"]))
        n = matrices[-1].shape[0]
    row = np.eye(n)[0]  # the first unit of the top layer
    for matrix in reversed(matrices):
        row = row @ matrix
    columns = np.flatnonzero(row)
    return int(columns[-1] - columns[0] + 1)


def test_part5_network_count_is_init_params():
    params = ref.init_params(0)
    assert ref.stack_params((1, 8, 8), s.PART5_NETWORK) == sum(value.size for value in params.values()) == 1370
    assert ref.conv_params(8, 1, 3) == params["conv_w"].size + params["conv_b"].size
    assert ref.fc_params(128, 10) == params["fc_w"].size + params["fc_b"].size


def test_part5_network_shapes_are_its_forward_pass():
    x = np.random.default_rng(1).random((1, 1, 8, 8))
    params = ref.init_params(0)
    conv = ref.conv_forward(x, params["conv_w"], params["conv_b"], stride=1, padding=1)
    pool = ref.max_pool_forward(ref.relu_forward(conv), 2)
    logits = ref.linear_forward(pool.reshape(1, -1), params["fc_w"], params["fc_b"])
    expected = [conv.shape[1:], conv.shape[1:], pool.shape[1:], logits.shape[1:]]
    assert ref.output_shapes((1, 8, 8), s.PART5_NETWORK) == expected == [(8, 8, 8), (8, 8, 8), (8, 4, 4), (10,)]


def test_handout_numbers():
    image = 426 * 426
    assert ref.fc_params(image, 16) == image * 16 + 16 == 2_903_632
    mlp = [{"type": "fc", "units": 16}, s.RELU, {"type": "fc", "units": 10}]
    assert ref.stack_params((1, 426, 426), mlp) == 2_903_802  # the lecture's "about 3M"
    assert ref.conv_params(16, 1, 3) == 160
    # A conv stack counts the same on any image it fits; the fc network grows with the image.
    convs = [s.conv_layer(16, 3, 1, 0), s.RELU, s.pool_layer(2, 2), s.conv_layer(32, 3, 1, 1)]
    assert ref.stack_params((1, 8, 8), convs) == ref.stack_params((1, 426, 426), convs) == 160 + 32 * 16 * 9 + 32


@pytest.mark.parametrize(("layers", "side"), [
    *[(example.call["layers"], example.returns) for example in examples_of("receptive_field")],
    ([s.pool_layer(1, 3), s.conv_layer(1, 3, 1, 0)], 7),  # stride > size: pixels 0, 3, 6 seen, 1 2 4 5 skipped
])
def test_receptive_field_worked_examples(layers, side):
    assert ref.receptive_field(layers) == side == dependency_span(layers)


@PROPERTY
@given(STACKS)
def test_shapes_and_counts_are_those_of_a_forward_pass(call):
    shapes, parameters = run_stack(call["input_shape"], call["layers"])
    assert ref.output_shapes(call["input_shape"], call["layers"]) == shapes
    assert ref.stack_params(call["input_shape"], call["layers"]) == sum(p.size for p in parameters)


@PROPERTY
@given(WINDOWS)
def test_receptive_field_is_the_span_of_dependencies(call):
    assert ref.receptive_field(call["layers"]) == dependency_span(call["layers"])


def test_counts_are_plain_ints_and_arguments_untouched():
    layers = [dict(layer) for layer in s.PART5_NETWORK]
    before = [dict(layer) for layer in layers]
    results = [ref.fc_params(3, 2), ref.conv_params(2, 3, 3), ref.stack_params((1, 8, 8), layers),
               ref.receptive_field(layers[:3])]
    assert all(type(value) is int for value in results)
    assert all(type(n) is int for shape in ref.output_shapes((1, 8, 8), layers) for n in shape)
    assert layers == before
