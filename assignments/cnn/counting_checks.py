"""Public checks of part 6 (parameter counts, output shapes, receptive fields): no reference needed.

Each check is one idea from the lecture or the handout (the worked examples, of the part-5 network
and of the 426 x 426 image, are in ``worked_examples.py``): that every unit or filter brings its
own weights and bias, that a convolutional layer is a fully connected layer on each patch, that a
convolutional stack's count does not depend on the image size, that the shapes and counts of a
stack are those of its layers one after another (the output-size formula of parts 1-4 on each
axis), and how the receptive field grows: a single layer sees its size, 1 x 1 layers with stride 1
add nothing, padding changes nothing, and stride multiplies how fast later layers grow the window.
"""

import math

from hypothesis import strategies as st

from assignments.cnn import strategies as s
from autograder.core.checks import Check, Failed, assert_matches, number, show

FUNCTIONS = ["fc_params", "conv_params", "output_shapes", "stack_params", "receptive_field"]
# Layers of up to a few million weights: as in the lecture, and small enough for a solution that
# counts the entries of np.zeros arrays shaped like the parameters.
INPUTS = st.integers(1, 200_000)
UNITS = st.integers(1, 25)
CHANNELS = st.integers(1, 128)
SIDES = st.integers(1, 7)
CONV_STACKS = s.stack_calls(("conv", "pool", "relu"), s.SMALL_STRIDES, s.PADDINGS)
ANY_STACKS = s.stack_calls(("conv", "pool", "relu"), s.SMALL_STRIDES, s.PADDINGS, fc=st.integers(0, 2))
WINDOW_STACKS = s.receptive_field_calls(("conv", "pool", "relu"), s.SMALL_STRIDES, s.PADDINGS)
ONE_LAYER = s.receptive_field_calls(("conv", "pool"), s.SMALL_STRIDES, s.PADDINGS, min_layers=1, max_layers=1)


def _same(returned, expected, function, what):
    """Exact agreement of counts or shapes, explained by ``what`` (the property that was broken)."""
    try:
        assert_matches(returned, expected, function)
    except Failed as failure:
        raise Failed(f"{failure}: {what}") from None


def _count(value, function):
    """A returned count, checked to be a number before the check does arithmetic with it."""
    return number(value, function, "an int")


def _shapes(value, function):
    """A returned list of shapes, checked to be a list before the check joins it to another."""
    if not isinstance(value, (list, tuple)):
        raise Failed(f"{function} returned {show(value)}, but it should return a list of shapes")
    return list(value)


def _shape_after(shape, layers):
    """The shape after ``layers``, by the output-size formula of parts 1-4."""
    for layer in layers:
        shape = s.shape_after(shape, layer)
    return tuple(shape)


def _layers(count):
    return "layer" if count == 1 else f"{count} layers"


def composes(function, result):
    """A check that ``function(input_shape, layers)`` is its result on the first layers, joined
    (``+``: lists concatenate, counts add) to its result on the other layers, given the input
    shape they receive. ``result`` names what is joined, for the feedback."""
    def verify(student, example):
        shape, layers, cut = example["input_shape"], example["layers"], example["cut"]
        middle = _shape_after(shape, layers[:cut])
        first, second = student.call(function, shape, layers[:cut]), student.call(function, middle, layers[cut:])
        if function == "output_shapes":
            joined = _shapes(first, function) + _shapes(second, function)
        else:
            joined = _count(first, function) + _count(second, function)
        _same(student.call(function, shape, layers), joined, function,
              f"the {result} of the whole stack should be that of its first {_layers(cut)}, joined to that of "
              f"the other layers on their input of shape {middle}")
    return Check.on_inputs(function, f"a stack's {result} is that of its layers one after another", _split(ANY_STACKS),
                           verify)


def _split(calls):
    """A stack call plus ``cut``, where the stack is split in two: not after an fc layer, so that the
    second part gets an input of shape (d, H, W) too."""
    def cuts(call):
        spatial = sum(layer["type"] != "fc" for layer in call["layers"])
        return st.integers(0, spatial).map(lambda cut: {**call, "cut": cut})
    return calls.flatmap(cuts)


# -- fc_params and conv_params ---------------------------------------------------------------------

def _units_add_up(student, example):
    n_in, a, b = example["n_in"], example["a"], example["b"]
    _same(student.fc_params(n_in, a + b), _count(student.fc_params(n_in, a), "fc_params")
          + _count(student.fc_params(n_in, b), "fc_params"), "fc_params",
          f"fc_params({n_in}, {a} + {b}) should be fc_params({n_in}, {a}) + fc_params({n_in}, {b}): "
          "every output unit has its own weights and bias")


def _one_unit(student, example):
    _same(student.fc_params(example["n_in"], 1), example["n_in"] + 1, "fc_params",
          "one output unit has a weight per input and one bias")


def _filters_add_up(student, example):
    a, b, d, f = example["a"], example["b"], example["d"], example["f"]
    _same(student.conv_params(a + b, d, f), _count(student.conv_params(a, d, f), "conv_params")
          + _count(student.conv_params(b, d, f), "conv_params"), "conv_params",
          f"conv_params({a} + {b}, {d}, {f}) should be conv_params({a}, {d}, {f}) + conv_params({b}, {d}, {f}): "
          "every filter has its own weights and bias")


def _one_filter(student, example):
    d, f = example["d"], example["f"]
    _same(student.conv_params(1, d, f), d * f * f + 1, "conv_params",
          f"one filter spans all {d} channels, so it has {d} x {f} x {f} weights, and one bias")


def _fc_on_a_patch(student, example):
    k, d, f = example["k"], example["d"], example["f"]
    _same(student.conv_params(k, d, f), student.fc_params(d * f * f, k), "conv_params",
          f"a convolutional layer is a fully connected layer from one {d} x {f} x {f} patch to {k} units "
          f"(the same weights at every position), so conv_params({k}, {d}, {f}) should be "
          f"fc_params({d * f * f}, {k})")


FC_PARAMS_CHECKS = [
    Check.on_inputs("fc_params", "one output unit has n_in weights and a bias",
                    st.fixed_dictionaries({"n_in": INPUTS}), _one_unit),
    Check.on_inputs("fc_params", "adds up over output units",
                    st.fixed_dictionaries({"n_in": INPUTS, "a": UNITS, "b": UNITS}), _units_add_up),
]

CONV_PARAMS_CHECKS = [
    Check.on_inputs("conv_params", "one filter has d * f * f weights and a bias",
                    st.fixed_dictionaries({"d": CHANNELS, "f": SIDES}), _one_filter),
    Check.on_inputs("conv_params", "adds up over filters",
                    st.fixed_dictionaries({"a": CHANNELS, "b": CHANNELS, "d": CHANNELS, "f": SIDES}), _filters_add_up),
    Check.on_calls("conv_params", "equals fc_params from one d x f x f patch to k units",
                   st.fixed_dictionaries({"k": CHANNELS, "d": CHANNELS, "f": SIDES}), _fc_on_a_patch),
]


# -- output_shapes ---------------------------------------------------------------------------------

def _one_layer_shape(student, example):
    shape, layers = example["input_shape"], example["layers"]
    _same(student.output_shapes(shape, layers), [_shape_after(shape, layers)], "output_shapes",
          "one conv or pool layer gives (channels, H', W') with H' = (H + 2p - f) // s + 1 and "
          "W' = (W + 2p - f) // s + 1")


def _relu_and_fc_shapes(student, example):
    shape, units = example["input_shape"], example["units"]
    layers = [s.RELU, {"type": "fc", "units": units}, s.RELU]
    _same(student.output_shapes(shape, layers), [tuple(shape), (units,), (units,)], "output_shapes",
          "a relu layer keeps its input's shape and an fc layer gives (units,)")


OUTPUT_SHAPES_CHECKS = [
    Check.on_calls("output_shapes", "one conv or pool layer follows the output-size formula",
                   s.stack_calls(("conv", "pool"), s.SMALL_STRIDES, s.PADDINGS, max_layers=1), _one_layer_shape),
    composes("output_shapes", "list of shapes"),
    Check.on_inputs("output_shapes", "relu keeps the shape, fc gives (units,)",
                    st.fixed_dictionaries({"input_shape": st.tuples(st.integers(1, 4), SIDES, SIDES), "units": UNITS}),
                    _relu_and_fc_shapes),
]


# -- stack_params ----------------------------------------------------------------------------------

def _independent_of_image_size(student, example):
    d, height, width = example["input_shape"]
    larger = (d, height + example["more_rows"], width + example["more_columns"])
    _same(student.stack_params(larger, example["layers"]), student.stack_params((d, height, width), example["layers"]),
          "stack_params", f"a stack of conv, pool and relu layers has the same parameters on a {larger[1]} x "
          f"{larger[2]} image as on a {height} x {width} one (weight sharing)")


def _no_parameter_layers(student, example):
    shape, layers = example["input_shape"], example["layers"]
    plain = [layer for layer in layers if layer["type"] == "conv"]
    # Pooling changes the shape but not the channels, which are all a conv layer's count depends on.
    _same(student.stack_params(shape, layers), student.stack_params(shape, plain), "stack_params",
          "pool and relu layers have no parameters, and a conv layer's count depends only on the "
          "channels it receives, which pooling does not change")


STACK_PARAMS_CHECKS = [
    composes("stack_params", "count"),
    Check.on_calls("stack_params", "pool and relu layers add no parameters", CONV_STACKS, _no_parameter_layers),
    Check.on_inputs("stack_params", "a convolutional stack's count does not depend on the image size",
                    CONV_STACKS.flatmap(lambda call: st.fixed_dictionaries({
                        **{k: st.just(v) for k, v in call.items()}, "more_rows": st.integers(0, 30),
                        "more_columns": st.integers(0, 30)})), _independent_of_image_size),
]


# -- receptive_field -------------------------------------------------------------------------------

def _single_layer(student, example):
    layer = example["layers"][0]
    _same(student.receptive_field([layer]), layer["size"], "receptive_field",
          f"one layer of size {layer['size']} sees a {layer['size']} x {layer['size']} window, whatever its "
          "stride and padding")


def _one_by_one_adds_nothing(student, example):
    layers, position = example["layers"], example["position"]
    one_by_one = s.conv_layer(3, 1, 1, example["padding"])
    longer = layers[:position] + [one_by_one] + layers[position:]
    _same(student.receptive_field(longer), student.receptive_field(layers), "receptive_field",
          f"inserting {one_by_one} (a 1 x 1 layer with stride 1) at position {position} should change nothing")


def _stride_multiplies(student, example):
    layers, last = example["layers"], example["last"]
    spacing = math.prod(layer.get("stride", 1) for layer in layers)
    _same(student.receptive_field(layers + [last]),
          _count(student.receptive_field(layers), "receptive_field") + (last["size"] - 1) * spacing, "receptive_field",
          f"after layers whose strides multiply to {spacing}, neighbouring units are {spacing} pixels apart, "
          f"so a last layer of size {last['size']} should widen the window by ({last['size']} - 1) x {spacing}")


def _padding_changes_nothing(student, example):
    layers = example["layers"]
    unpadded = [{**layer, "padding": 0} if "padding" in layer else layer for layer in layers]
    _same(student.receptive_field(layers), student.receptive_field(unpadded), "receptive_field",
          "padding moves the windows but does not widen them: the same stack without padding should see as much")


RECEPTIVE_FIELD_CHECKS = [
    Check.on_calls("receptive_field", "a single layer's window is its size",
                   ONE_LAYER, _single_layer),
    Check.on_inputs("receptive_field", "1 x 1 layers with stride 1 add nothing",
                    WINDOW_STACKS.flatmap(lambda call: st.fixed_dictionaries({
                        "layers": st.just(call["layers"]), "position": st.integers(0, len(call["layers"])),
                        "padding": s.PADDINGS})), _one_by_one_adds_nothing),
    Check.on_inputs("receptive_field", "stride multiplies how fast later layers grow the window",
                    WINDOW_STACKS.flatmap(lambda call: ONE_LAYER.map(lambda last: {**call, "last": last["layers"][0]})),
                    _stride_multiplies),
    Check.on_calls("receptive_field", "padding does not change the window", WINDOW_STACKS, _padding_changes_nothing),
]

CHECKS = FC_PARAMS_CHECKS + CONV_PARAMS_CHECKS + OUTPUT_SHAPES_CHECKS + STACK_PARAMS_CHECKS + RECEPTIVE_FIELD_CHECKS
