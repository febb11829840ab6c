"""The worked examples exist once, in assignments/cnn/worked_examples.py, and everything shows them.

For every function with worked examples: the reference returns what the data module says; the
docstring of the function in solutions/cnn/cnn.py (and so in the generated skeleton) and the handout
README.md (and so the generated notebook) make exactly those calls in doctest form and print what
the reference returns; and the public check built from the data passes those values and fails
a wrong one. Together: docstrings, handout and checks agree.
"""

import doctest
import inspect
import re

import numpy as np
import pytest
from conftest import REFERENCE, ROOT, load_module

from assignments.cnn.worked_examples import EXAMPLES, examples_of
from autograder.core.checks import Failed, assert_matches

ref = load_module(REFERENCE, "reference_worked_examples")
HANDOUT = ROOT / "assignments" / "cnn" / "README.md"
FUNCTIONS = list(dict.fromkeys(example.function for example in EXAMPLES))
GRADED = [name for name, value in vars(ref).items() if inspect.isfunction(value) and not name.startswith("_")]


def canonical(value):
    """A comparable form of an argument, exactly as written: numbers and nested lists of them as (what
    holds them: list, tuple, array or a plain number; whether the numbers are integers or floats;
    shape; values), so that [0, 1], [0.0, 1.0] and np.array([0, 1]) differ; dicts key by key."""
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items()}
    if isinstance(value, str):
        return value
    try:
        array = np.asarray(value)
        if array.dtype.kind not in "iuf":
            raise TypeError
    except (TypeError, ValueError):
        return [canonical(item) for item in value]
    holder = "array" if isinstance(value, np.ndarray) else type(value).__name__
    return (holder, "integers" if array.dtype.kind in "iu" else "floats", array.shape, array.tolist())


def shown_calls(text, name):
    """Run the doctest examples of ``text`` against the reference; return the calls they make of the
    graded functions, as (function, canonical arguments by name), and the doctest's results."""
    calls = []

    def recording(function):
        signature = inspect.signature(function)

        def call(*args, **kwargs):
            arguments = signature.bind(*args, **kwargs).arguments
            calls.append((function.__name__, canonical(dict(arguments))))
            return function(*args, **kwargs)
        return call

    namespace = {"np": np, **{function: recording(getattr(ref, function)) for function in GRADED}}
    test = doctest.DocTestParser().get_doctest(text, namespace, name, str(REFERENCE), 0)
    output = []
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    results = runner.run(test, out=output.append)
    return calls, results, "".join(output)


def handout_code():
    """The handout's Python blocks, fences removed (a closing fence is no expected output). A blank
    line inside a block is part of a printed array (between its channels), as doctest's <BLANKLINE>."""
    blocks = re.findall(r"^```python\n(.*?)^```", HANDOUT.read_text(), re.MULTILINE | re.DOTALL)
    return "\n\n".join(re.sub(r"^$", "<BLANKLINE>", block.rstrip("\n"), flags=re.MULTILINE) for block in blocks)


def same_calls(calls, function):
    shown = sorted(repr(arguments) for name, arguments in calls if name == function)
    stated = sorted(repr(canonical(example.call)) for example in examples_of(function))
    return shown == stated


def test_every_function_with_a_value_to_show_has_worked_examples():
    # The network's functions start from random weights: their docstrings show shapes instead.
    assert set(GRADED) - set(FUNCTIONS) == {"init_params", "loss_and_grads", "train", "predict"}


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e.function}-{i}" for i, e in enumerate(EXAMPLES)])
def test_the_reference_returns_what_the_example_states(example):
    assert_matches(getattr(ref, example.function)(**example.call), example.returns, example.function, rtol=1e-12)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_the_docstring_shows_exactly_the_worked_examples(function):
    calls, results, output = shown_calls(getattr(ref, function).__doc__, function)
    assert results.attempted and not results.failed, output
    assert same_calls(calls, function), (function, calls)


def test_the_handout_shows_exactly_the_worked_examples():
    calls, results, output = shown_calls(handout_code(), "README.md")
    assert results.attempted >= len(EXAMPLES) and not results.failed, output
    for function in FUNCTIONS:
        assert same_calls(calls, function), function


class Answering:
    """A stand-in for the student process: answers every call with ``answer(function, returned)``."""

    def __init__(self, answer):
        self.answer = answer

    def call(self, function, **arguments):
        return self.answer(function, getattr(ref, function)(**arguments))


def off_by_one(value):
    """A plausible wrong answer: one number (or, for a list of shapes, one shape) off."""
    if isinstance(value, tuple) and not all(isinstance(item, int) for item in value):
        return (off_by_one(value[0]),) + value[1:]
    if isinstance(value, dict):
        first = next(iter(value))
        return {**value, first: off_by_one(value[first])}
    if isinstance(value, list):
        return value[:-1]
    return value + 1


@pytest.mark.parametrize("function", FUNCTIONS)
def test_the_public_check_is_built_from_the_examples(cnn, function):
    [check] = [c for c in cnn.public_checks if c.function == function and "worked example" in c.title]
    assert check.title == "matches the handout's worked examples"
    check.verify(Answering(lambda name, returned: returned), {})
    with pytest.raises(Failed, match="on the handout's worked example"):
        check.verify(Answering(lambda name, returned: off_by_one(returned)), {})
