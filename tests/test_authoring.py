"""Writing checks: the two kinds of check, the LEAVE_OUT sentinel, strategies that check their arguments,
and replay using what each check says its example is."""

import inspect
import re

import hypothesis
import numpy as np
import pytest
from conftest import REFERENCE, ROOT
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from assignments.cnn import convolution_checks
from assignments.cnn import strategies as s
from autograder.core import assignment
from autograder.core.checks import Check
from autograder.core.inputs import LEAVE_OUT
from autograder.core.outcomes import Reason
from autograder.core.runner import Verdict, run_check
from autograder.instructor.replay import snippet

CNN = assignment.load("cnn")
CHECKS = CNN.public_checks + CNN.hidden_checks


def examples(strategy, count=5):
    """A few examples of ``strategy``, the same on every run."""
    drawn = []

    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @hypothesis.seed(0)
    @given(strategy)
    def collect(example):
        drawn.append(example)
    collect()
    return drawn


def is_call(function, example):
    try:
        inspect.signature(getattr(CNN.reference, function)).bind(**example)
    except TypeError:
        return False
    return True


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.key)
def test_every_check_says_what_its_example_is(check):
    """A check on calls draws calls of its function; a check on inputs draws something else (if its
    examples were calls, ``Check.on_calls`` would let replay reproduce them directly)."""
    calls = [is_call(check.function, example) for example in examples(check.inputs)]
    assert all(calls) if check.example_is_call else not any(calls)


def test_a_check_cannot_be_made_without_saying_what_its_example_is():
    with pytest.raises(TypeError):
        Check(function="conv1d", title="anything", inputs=st.just({}), verify=lambda student, example: None)
    on_inputs = Check.on_inputs("conv1d", "a title", st.just({}), print, weight=2)
    assert not on_inputs.example_is_call and on_inputs.weight == 2
    assert Check.on_calls("conv1d", "a title", st.just({}), print).example_is_call


def test_leave_out_leaves_the_argument_out_of_the_call():
    assert all("stride" not in call and "padding" in call for call in examples(s.conv1d_calls(stride=LEAVE_OUT), 20))
    sometimes = examples(s.max_pool2d_calls(st.one_of(LEAVE_OUT, st.integers(2, 3))), 30)
    assert {"stride" in call for call in sometimes} == {True, False}
    assert all(call.get("stride", 2) >= 2 for call in sometimes)
    backward = examples(s.layer_pool_calls(LEAVE_OUT, backward=True), 20)  # dout shaped for stride = size
    assert all(call["dout"].shape[2] == (call["x"].shape[2] - call["size"]) // call["size"] + 1 for call in backward)


@pytest.mark.parametrize("build, message", [
    (lambda: s.conv1d_calls(stride=2), "stride must be a strategy of ints >= 1 (or LEAVE_OUT), not 2 (type=int); "
                                       "for this value always, pass st.just(2)"),
    (lambda: s.conv2d_calls(padding=None), "padding must be a strategy of ints >= 0 (or LEAVE_OUT), not None "
                                           "(type=NoneType); to leave the argument out of the call, pass LEAVE_OUT"),
    (lambda: s.max_pool2d_calls(values=[1.0, 2.0]), "values must be a strategy of array entries, not [1.0, 2.0] "
                                                    "(type=list); to draw from these values, pass "
                                                    "st.sampled_from([1.0, 2.0])"),
    (lambda: s.conv1d_calls(max_n=0), "max_n=0 must be at least 1"),
    (lambda: s.conv1d_matrix_calls(max_n=2.5), "max_n must be an int, not 2.5"),
    (lambda: s.conv2d_multichannel_calls(bias=True), "bias must be a strategy of booleans (whether to pass a bias "
                                                     "array), not True (type=bool); for this value always, pass "
                                                     "st.just(True)"),
    (lambda: s.conv2d_multichannel_calls(max_channels=0), "max_channels=0 must be at least 1"),
    (lambda: s.layer_conv_calls(backward="yes"), "backward must be True or False"),
    (lambda: s.layer_pool_calls(ties=True, max_side=1), "max_side=1 must be at least 2"),
    (lambda: s.relu_calls(zeros=1), "zeros must be True or False"),
    (lambda: s.softmax_calls(magnitude=0), "magnitude must be a finite number above 0"),
    (lambda: s.entries("positive"), "sign='positive' must be one of 'any', 'negative'"),
    (lambda: s.digit_batches(0), "max_size=0 must be at least 1"),
    (lambda: s.stack_calls(kinds="conv"), "kinds must be a non-empty tuple"),
    (lambda: s.stack_calls(kinds=("conv", "dense")), "'dense' must be one of 'conv', 'pool', 'relu'"),
    (lambda: s.stack_calls(fc=1), "fc must be a strategy of ints >= 0"),
    (lambda: s.receptive_field_calls(min_layers=3, max_layers=2), "max_layers=2 must be at least 3"),
])
def test_strategies_refuse_wrong_arguments_when_built(build, message):
    with pytest.raises(InvalidArgument) as refused:
        build()
    assert message in str(refused.value)


@pytest.mark.parametrize("strategy, message", [
    (s.conv1d_calls(stride=st.just(0)), "stride drew 0, but stride must be an int >= 1 or left out (LEAVE_OUT)"),
    (s.conv2d_calls(padding=st.just(-1)), "padding drew -1"),
    (s.max_pool2d_calls(st.just(1.5)), "stride drew 1.5"),
    (s.stack_calls(stride=LEAVE_OUT), "stride drew LEAVE_OUT, but stride cannot be left out here"),
    (s.stack_calls(fc=st.just(-1)), "fc drew -1"),
])
def test_strategies_refuse_out_of_range_values_their_argument_strategies_draw(strategy, message):
    with pytest.raises(InvalidArgument) as refused:
        find(strategy, lambda _: True)
    assert message in str(refused.value)


def check_titled(title):
    return next(check for check in CHECKS if check.title == title)


def test_replay_reproduces_a_call_and_points_at_a_check_that_makes_its_own():
    on_calls = check_titled("agrees with the reference with padding")
    call = {"x": np.array([1.0, 2.0, 3.0]), "w": np.array([1.0, -1.0]), "padding": 1}
    namespace = {}
    exec(snippet(CNN, REFERENCE, Verdict(on_calls, Reason.WRONG_VALUE, "wrong", call)), namespace)
    assert np.array_equal(namespace["returned"], namespace["expected"])  # the call, made twice

    identity = check_titled("the identity filter [1] returns the padded input, every stride-th entry")
    inputs = {"x": np.array([1.0, 2.0]), "stride": 2, "padding": 0}
    text = snippet(CNN, REFERENCE, Verdict(identity, Reason.WRONG_VALUE, "wrong", inputs))
    line = inspect.getsourcelines(convolution_checks._conv1d_identity)[1]
    assert f"assignments/cnn/convolution_checks.py:{line} (_conv1d_identity)" in text
    namespace = {}
    exec(text, namespace)
    assert namespace["stride"] == 2 and "returned" not in namespace


class ReferenceStudent:
    """The reference, called in this process: a stand-in ``Student`` for checks run on trusted code."""

    stood_in, called = set(), set()
    cpu_seconds = oracle_seconds = 0.0

    def grade_with(self, check_key, function, oracle):
        pass

    def callees(self, function):
        return frozenset()

    def call(self, function, *args, **kwargs):
        return getattr(CNN.reference, function)(*args, **kwargs)

    def __getattr__(self, function):
        return lambda *args, **kwargs: self.call(function, *args, **kwargs)


def test_the_guide_example_of_writing_checks_runs():
    guide = (ROOT / "docs" / "writing-checks.md").read_text()
    code = re.search(r"## Writing checks.*?```python\n(.*?)```", guide, re.S).group(1)
    namespace = {}
    exec(code, namespace)
    checks = namespace["CHECKS"]
    assert [check.example_is_call for check in checks] == [True, False, True]
    assert all(run_check(check, ReferenceStudent(), CNN.seed)[0].passed for check in checks)
