"""What a check is, and the vocabulary checks use to judge what student code returned.

A ``Check`` states one property of one student function. Hypothesis draws examples from
``inputs`` (a strategy of dicts of named inputs); ``verify(student, example)`` calls the student's
functions through ``student`` (a ``Student``: the calls run in the sandboxed worker) and raises
``Failed`` with a plain-words explanation when the property does not hold. A check is made by one
of two constructors, which say what its example is:

- ``Check.on_calls``: the example is one call of ``function``, its keyword arguments (agreement
  with the reference, an output's shape, a definition checked on the call's result);
- ``Check.on_inputs``: the example is inputs from which ``verify`` makes its own calls (a filter
  built from them, a second call to compare with, a batch of data to train on).

Assignments build their public and hidden checks from these pieces; the runner turns them into
verdicts and feedback, and ``make replay`` reproduces a failing call from an ``on_calls`` example.
"""

import copy
import enum
import reprlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from hypothesis.strategies import SearchStrategy

from autograder.core.outcomes import Reason
from autograder.sandbox.wire import OutcomeStatus


class Failed(AssertionError):
    """The property does not hold; the message says why, for a student to read, and ``reason`` (a
    ``Reason``) what kind of failure it is: a wrong value unless the call itself went wrong.

    When a call itself went wrong (it raised, timed out, crashed, was not implemented ...),
    ``call`` is that ``FailedCall`` (which function, and the worker's ``Outcome``) and the message
    is empty: ``feedback`` chooses the words. ``rule`` names, without values, the rule of the
    handout that a wrong value breaks (``Rule``; None: the check's own property): failures of one
    function breaking the same rule are one mistake, and feedback explains it once.
    """

    def __init__(self, message="", reason=Reason.WRONG_VALUE, call=None, rule=None):
        super().__init__(message)
        self.message, self.reason, self.call, self.rule = message, reason, call, rule


class Rule(enum.Enum):
    """A rule of the handout about what a function returns, which a wrong value may break whatever
    the check (so that feedback says it once)."""

    TYPE = "returns the type it should (a numpy array, a tuple, a number)"
    FLOAT_DTYPE = "returns floats, not integers"
    FLOAT64 = "returns float64"
    SHAPE = "returns the shape the output-size formula gives"
    FINITE = "returns finite numbers"


@dataclass(frozen=True)
class FailedCall:
    """A call of a student function that went wrong: ``function`` (the one whose code is at fault:
    the function called, or the other graded function that it calls and that is not implemented),
    the worker's ``Outcome`` (None for a function missing from the file), and the call as the check
    made it: ``args`` and ``kwargs`` of ``called`` (the function the check called)."""

    function: str
    outcome: object = None
    called: str = ""
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)


class GivenUp(BaseException):
    """A call went wrong in a way that ends a function's grading in this mode: not implemented,
    missing, timed out, crashed, or the file would not load again in a fresh worker.

    Not an ``Exception``, so Hypothesis lets it through at once: looking for a smaller example would
    only meet the same refusal (later calls are refused without running), and would show an example
    that never went wrong. ``error`` is the ``Failed`` to report for ``function``; ``again`` names
    the check in which it went wrong first when this call was refused because of that (no example is
    to blame, and the explanation was given with that check).
    """

    def __init__(self, function, error, again=""):
        super().__init__(error)
        self.function, self.error, self.again = function, error, again


@dataclass(frozen=True, kw_only=True)
class Check:
    """One property of one student function; made by ``Check.on_calls`` or ``Check.on_inputs``.

    Attributes:
        function: the student function this check gives credit to, e.g. "conv1d".
        title: what it verifies, as a student reads it, e.g. "matches the worked example".
        inputs: a Hypothesis strategy of dicts, the named inputs of one example.
        verify: ``verify(student, example)``; raises ``Failed`` when the property breaks, and may
            return a short note on what it measured (shown with the passed verdict).
        example_is_call: each example is one call of ``function`` (its keyword arguments), not
            inputs the check makes its own calls from: the two constructors set it.
        weight: the share of the function's points this check carries (hidden checks).
        max_examples: how many examples Hypothesis tries before it accepts the property.
        integration: the check judges the student's functions working together, so no reference
            answers for the functions ``function`` calls (hidden checks; say so in the title).
        visible: a hidden check whose result reveals nothing hidden (e.g. the accuracy a training
            run reached): shown with the public checks before grades are published.
        rule: a hidden check of a rule on what comes in and goes out (types, dtypes), which any
            function, right or wrong, may keep: its share is earned only with right values, that is
            if the function passes another of its hidden checks (``grading.withhold_rules``).
    """

    function: str
    title: str
    inputs: SearchStrategy
    verify: Callable
    example_is_call: bool
    weight: float = 1.0
    max_examples: int = 35
    integration: bool = False
    visible: bool = False
    rule: bool = False

    @classmethod
    def on_calls(cls, function, title, calls, verify, **options):
        """A check whose example is one call of ``function``: ``calls`` draws its keyword arguments
        (every required parameter, any optional one), and ``verify(student, call)`` makes that call,
        with others if it likes, and judges the result. ``options``: weight, max_examples,
        integration, visible, rule."""
        return cls(function=function, title=title, inputs=calls, verify=verify, example_is_call=True, **options)

    @classmethod
    def on_inputs(cls, function, title, inputs, verify, **options):
        """A check whose example is inputs, not a call: ``verify(student, example)`` makes its own
        calls of ``function`` (and of others) from them. ``options`` as for ``on_calls``."""
        return cls(function=function, title=title, inputs=inputs, verify=verify, example_is_call=False, **options)

    @property
    def key(self):
        return f"{self.function}: {self.title}"


WALL_BACKSTOP = 4  # wall-clock limit / CPU limit for functions with a time limit of their own: room for a
# slow, shared machine (Gradescope's default is 0.5 vCPU) without letting a waiting call hang grading


class Student:
    """The submission's functions, run in a worker. ``student.conv1d(x, w)`` calls it there.

    Every call is checked on the way back: the arguments must come back unchanged, and failures
    become ``Failed``. A function that is not implemented, timed out or crashed the worker is not
    called again: that call and every later one raise ``GivenUp``, so one hanging function costs
    seconds, not minutes. Inside the worker too: other functions calling a function given up find
    it refused (a stub), and their check then waits on it.

    A function is given up *in a mode*: the reference functions (oracle) answering the other graded
    functions it calls. A call that went wrong while the student's own callees ran may be their
    fault, so the same function with the reference standing in for them (its hidden checks) gets a
    fresh chance; a function that calls no other graded function, or raised NotImplementedError in
    its own body, is given up in every mode. Its time budget is kept per mode too: a slow callee
    never uses up the budget of the checks where the reference stands in for it.
    """

    def __init__(self, worker, call_seconds=None, graded=()):
        self._worker = worker
        self._call_seconds = call_seconds or {}  # time limits for the few functions that need more
        self._graded = frozenset(graded)  # the assignment's graded functions
        self._given_up = {}  # (function, mode or None for every mode) -> (Failed, key of the check where)
        self.last_cpu_seconds = 0.0  # measured by the grader from /proc, not reported by the worker
        self.cpu_peaks = {}  # function -> the most CPU seconds one of its calls used
        self.check_key, self.under_test, self.oracle = "", None, ()  # see ``grade_with``
        self.stood_in, self.called = set(), set()
        self.cpu_seconds = self.oracle_seconds = 0.0  # used by the calls since ``grade_with``

    def grade_with(self, check_key, function, oracle):
        """From now on (the check ``check_key`` of ``function``), the nested calls that calls of
        ``function`` make to the functions ``oracle`` names are answered by the reference; other calls
        get no answers. ``stood_in``, ``called`` and the CPU seconds used start afresh."""
        self.check_key, self.under_test, self.oracle = check_key, function, tuple(oracle)
        self.stood_in, self.called = set(), set()
        self.cpu_seconds = self.oracle_seconds = 0.0

    def callees(self, function):
        """The other graded functions ``function`` names in the submission (read by the worker)."""
        return frozenset(self._worker.calls_of.get(function, ())) & self._graded - {function}

    def __getattr__(self, function):
        if function.startswith("_"):
            raise AttributeError(function)
        return lambda *args, **kwargs: self.call(function, *args, **kwargs)

    def call(self, function, *args, **kwargs):
        self.called.add(function)
        oracle = self.oracle if function == self.under_test else ()
        mode = frozenset(oracle) & self.callees(function)
        found = self._given_up_in(function, mode)
        if found:
            raise GivenUp(function, *found)
        cpu_seconds = self._call_seconds.get(function)  # a limit in CPU seconds, with a wall-clock backstop
        seconds = cpu_seconds and WALL_BACKSTOP * cpu_seconds
        outcome = self._worker.call(function, args, kwargs, seconds=seconds, cpu_seconds=cpu_seconds,
                                    oracle=oracle, refuse=self._refused(function, oracle), budget=(function, mode))
        self.last_cpu_seconds = outcome.cpu_seconds
        self.cpu_seconds += outcome.cpu_seconds
        self.oracle_seconds += outcome.oracle_seconds
        self.cpu_peaks[function] = max(self.cpu_peaks.get(function, 0.0), outcome.cpu_seconds)
        self.stood_in.update(outcome.substituted)
        status, reason = outcome.status, REASONS.get(outcome.status)
        if status is OutcomeStatus.REFUSED and outcome.function in self._refused(function, oracle):
            callee = outcome.function  # it called a function given up: this check waits on that one
            raise GivenUp(callee, *self._given_up_in(callee, frozenset()))
        if status is OutcomeStatus.NOT_IMPLEMENTED and outcome.function not in (function, None) \
                and outcome.function in self._graded:  # a callee's skeleton: not this function's fault
            raise GivenUp(outcome.function, Failed(reason=reason, call=FailedCall(outcome.function, outcome)))
        made = {"called": function, "args": tuple(args), "kwargs": dict(kwargs)}
        if status in GIVE_UP:
            error = Failed(reason=reason, call=FailedCall(function, outcome, **made))
            every_mode = status in (OutcomeStatus.NOT_IMPLEMENTED, OutcomeStatus.MISSING, OutcomeStatus.IMPORT_FAILED) \
                or mode == self.callees(function)  # no callee of the student's own was running
            self._given_up[(function, None if every_mode else mode)] = (error, self.check_key)
            raise GivenUp(function, error)
        if status is not OutcomeStatus.RETURNED:
            raise Failed(reason=reason, call=FailedCall(function, outcome, **made))
        returned_args = outcome.args + [None] * len(args)  # a short list from the worker is a change
        for position, before in enumerate(args):
            _require_unchanged(function, f"argument {position + 1}", before, returned_args[position])
        for name, before in kwargs.items():
            _require_unchanged(function, f"argument {name}", before, outcome.kwargs.get(name))
        return outcome.value

    def _given_up_in(self, function, mode):
        """``(error, check key)`` if ``function`` was given up in ``mode`` (or in every mode), else None."""
        return self._given_up.get((function, None)) or self._given_up.get((function, mode))

    def _refused(self, function, oracle):
        """The graded functions a call of ``function`` must not run in the worker: those it may call
        (directly, or through the functions it calls) that were given up when running with the
        student's own callees (the reference answers those in ``oracle`` anyway)."""
        reachable, todo = set(), [function]
        while todo:  # a function the reference answers for runs nothing of the student's
            for name in self.callees(todo.pop()) - reachable - set(oracle):
                reachable.add(name)
                todo.append(name)
        return sorted(name for name in reachable - {function} if self._given_up_in(name, frozenset()))


REASONS = {  # the sandbox's outcome of a call that did not return, as a reason
    OutcomeStatus.NOT_IMPLEMENTED: Reason.NOT_IMPLEMENTED, OutcomeStatus.MISSING: Reason.MISSING,
    OutcomeStatus.RAISED: Reason.RAISED, OutcomeStatus.TIMEOUT: Reason.TIMED_OUT,
    OutcomeStatus.CRASHED: Reason.CRASHED, OutcomeStatus.IMPORT_FAILED: Reason.IMPORT_FAILED,
    OutcomeStatus.UNSENDABLE: Reason.UNSENDABLE, OutcomeStatus.GARBLED: Reason.GARBLED,
    OutcomeStatus.REFUSED: Reason.GARBLED,  # only a function we refused may be refused
}
# Outcomes that end a function's grading in a mode; a reply out of protocol too: no retry, no shrinking.
GIVE_UP = (OutcomeStatus.NOT_IMPLEMENTED, OutcomeStatus.MISSING, OutcomeStatus.TIMEOUT, OutcomeStatus.CRASHED,
           OutcomeStatus.IMPORT_FAILED, OutcomeStatus.GARBLED, OutcomeStatus.REFUSED)


def _require_unchanged(function, label, before, after):
    if not same_value(before, after):
        raise Failed(
            f"{function} changed its {label}: it must leave its arguments as they were"
            f"\n  before the call: {show(before)}\n  after the call:  {show(after)}", Reason.CHANGED_ARGUMENTS
        )


def same_value(a, b):
    """Whether ``a`` and ``b`` are the same value: arrays of the same shape, dtype and entries, lists,
    tuples and dicts of the same values, anything else equal and of the same type."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


# -- judging returned values ----------------------------------------------------------------------

def float_array(value, function, shape=None, expected=None, float64=False, given=""):
    """``value`` as a float ndarray of ``shape`` with finite entries (of dtype float64 if ``float64``), or
    ``Failed`` saying what is off (and, given ``expected``, what was expected; ``given`` says for which
    inputs, e.g. "for integer arrays")."""
    given = f" {given}" if given else ""
    if not isinstance(value, np.ndarray):
        raise Failed(f"{function} returned {_kind_of(value)}{given}, but it should return a numpy array",
                     rule=Rule.TYPE)
    if value.dtype.kind != "f":
        raise Failed(
            f"{function} returned an array of {value.dtype} numbers{given}, but it should hold floats "
            f"(did an integer array, such as np.zeros(..., dtype=int), round the results?)\n"
            f"  returned: {show(value)}", rule=Rule.FLOAT_DTYPE
        )
    if float64 and value.dtype != np.float64:
        raise Failed(f"{function} returned an array of {value.dtype} numbers{given}, but it should return "
                     f"float64\n  whatever its inputs (read each with np.asarray(x, dtype=float))", rule=Rule.FLOAT64)
    if shape is not None and value.shape != tuple(shape):
        raise Failed(f"{function} returned an array of shape {value.shape}, but the shape should be "
                     f"{tuple(shape)}\n  returned: {show(value)}", rule=Rule.SHAPE)
    if not np.all(np.isfinite(value)):
        wanted = "" if expected is None else f"\n  expected: {show(expected)}"
        raise Failed(f"{function} returned infinite or NaN values{wanted}\n  returned: {show(value)}",
                     rule=Rule.FINITE)
    return value


def float64_like(returned, expected, function):
    """``Failed`` unless ``returned`` holds a float64 array wherever ``expected`` does (alone, in a tuple
    or list, or in a dict), the rest of its structure like ``expected``'s; values are not compared."""
    if isinstance(expected, np.ndarray) and expected.dtype == np.float64:
        float_array(returned, function, expected.shape, float64=True)
    elif isinstance(expected, (tuple, list)) and not _integers_only(expected):
        for item in zip(unpack(returned, function, [f"item {i}" for i in range(len(expected))]), expected):
            float64_like(*item, function)
    elif isinstance(expected, dict):
        if not isinstance(returned, dict) or set(returned) != set(expected):
            raise Failed(f"{function} returned {_kind_of(returned)}, but it should return a dict with keys "
                         f"{sorted(expected)}", rule=Rule.TYPE)
        for key, want in expected.items():
            float64_like(returned[key], want, function)


def unpack(value, function, names):
    """``value`` as a tuple of ``len(names)`` items, or ``Failed`` naming what it should be."""
    if not isinstance(value, (tuple, list)) or len(value) != len(names):
        raise Failed(f"{function} returned {_kind_of(value)}, but it should return a tuple ({', '.join(names)})",
                     rule=Rule.TYPE)
    return tuple(value)


def number(value, function, what="a number"):
    """``value`` as a finite float (a plain number or a 0-d array), or ``Failed``."""
    if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "fiu":
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        raise Failed(f"{function} returned {_kind_of(value)} where it should return {what}", rule=Rule.TYPE)
    return float(value)


def assert_close(returned, expected, function, scale=None, rtol=1e-5, what="values"):
    """Compare floats allowing for rounding (any summation order, float32), and nothing more.

    ``scale`` is an array of the same shape as ``expected`` giving the size of the terms summed
    into each entry (for a convolution: the convolution of |x| with |w|); rounding errors grow with
    it, not with the result, which may cancel to zero. Defaults to ``abs(expected)``.
    """
    returned = float_array(returned, function, np.shape(expected), expected)
    scale = np.abs(expected) if scale is None else scale
    tolerance = rtol * (scale + 1e-3 * np.max(scale, initial=0.0)) + 1e-9
    wrong = np.abs(returned.astype(np.float64) - expected) > tolerance
    if np.any(wrong):
        positions = [tuple(int(i) for i in index) for index in np.argwhere(wrong)]
        if expected.size <= SHOWN_WHOLE:
            details = f"  expected: {show(expected)}\n  returned: {show(returned)}"
        else:  # too large to read whole: the first wrong entries
            details = "\n".join(f"  at index {index}: expected {show(float(expected[index]))}, returned "
                                f"{show(float(returned[index]))}" for index in positions[:WRONG_SHOWN])
        raise Failed(f"{function} returned wrong {what} at {len(positions)} of {wrong.size} positions (the first at "
                     f"index {positions[0]})\n{details}")


SHOWN_WHOLE = 60  # entries of the largest array a wrong value is shown in whole (numpy summarises larger ones)
WRONG_SHOWN = 3  # wrong entries shown of a larger one


SHOWN_CHARACTERS = 300  # the longest rendering of a value other than an array


def show(value, indent=12):
    """A short, readable rendering of a value for feedback; continuation lines get ``indent``.

    Arrays are summarised by numpy (at most 60 entries); a value of any other kind is shown on one
    line of at most ``SHOWN_CHARACTERS``, however big it is: at most 12 items of a list or tuple
    (a longer one is only counted), 8 of a dict, three levels deep, strings cut in the middle.
    Strings are shown as Python writes them (``repr``), so no control character reaches a screen."""
    if isinstance(value, np.ndarray):
        text = _array_text(value, threshold=60)
        rows = [row for row in text.splitlines() if row.strip()]  # no blank line between the blocks of 3-D arrays
        return ("\n" + " " * indent).join(rows)
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)) and len(value) > 12:
        return f"{type(value).__name__} of {len(value)} items"
    text = _SHORT_REPR.repr(value)
    return text if len(text) <= SHOWN_CHARACTERS else text[:SHOWN_CHARACTERS - 3] + "..."


def _array_text(value, threshold):
    options = {"precision": 4, "suppress_small": True} if value.dtype.kind == "f" else {}
    return np.array2string(value + 0.0 if value.dtype.kind == "f" else value, separator=", ",
                           max_line_width=88, threshold=threshold, edgeitems=3, **options)


def _one_line(value, most):
    """Array ``value`` on one line if it has at most ``most`` entries, else by its dtype and shape."""
    if value.size > most:
        return f"<{value.dtype} array of shape {value.shape}>"
    return " ".join(_array_text(value, threshold=most).split())


class _ShortRepr(reprlib.Repr):
    """``repr`` cut short at every level (see ``show``); arrays inside other values on one line."""

    def __init__(self):
        super().__init__()
        self.maxlevel, self.maxlist, self.maxtuple, self.maxdict, self.maxset = 3, 12, 12, 8, 8
        self.maxstring, self.maxlong, self.maxother = 80, 40, 80

    def repr_ndarray(self, value, level):
        return _one_line(value, 12)

    def repr_float(self, value, level):
        return f"{value:.6g}"


_SHORT_REPR = _ShortRepr()


INLINE_ENTRIES = 24  # an array of up to this many entries is shown whole on one line in a call


def call_text(function, args=(), kwargs=None):
    """The call ``function(*args, **kwargs)`` on one line, as the feedback shows it: small arrays whole
    (``array([[1., 2.], [3., 4.]])``), larger ones by their shape."""
    shown = [_inline(value) for value in args] + [f"{name}={_inline(value)}" for name, value in (kwargs or {}).items()]
    return f"{function}({', '.join(shown)})"


def _inline(value):
    if isinstance(value, np.ndarray):
        if value.size > INLINE_ENTRIES:
            return _one_line(value, INLINE_ENTRIES)
        dtype = "" if value.dtype in (np.float64, np.int64) else f", dtype={value.dtype}"
        return f"array({_one_line(value, INLINE_ENTRIES)}{dtype})"
    if isinstance(value, (list, tuple)) and len(value) > INLINE_ENTRIES:
        return f"<{type(value).__name__} of {len(value)} items>"
    return show(value)


def _kind_of(value):
    if value is None:
        return "None (a missing return statement?)"
    return f"a {type(value).__name__} ({show(value)})"


# -- hidden checks: agreement with the reference ----------------------------------------------------

def matches_reference(function, title, calls, reference, scale=None, rtol=1e-4, weight=1.0,
                      max_examples=40, parts=None):
    """A check (``Check.on_calls``) that ``function`` returns what ``reference`` returns on each of
    ``calls``, up to rounding.

    ``scale(example)`` gives the size of the terms summed into each output entry (see
    ``assert_close``), shaped like the result; ``absolute_scale(reference)`` suits sums of products
    such as convolutions. ``parts`` names the items of a tuple result, e.g. ("dx", "dw", "db").
    The reference runs here, in the grader, on its own copy of the example.
    """
    def verify(student, example):
        expected = reference(**copy.deepcopy(example))
        returned = student.call(function, **example)
        assert_matches(returned, expected, function, scale(example) if scale else None, rtol, parts)
    return Check.on_calls(function, title, calls, verify, weight=weight, max_examples=max_examples)


def assert_matches(returned, expected, function, scale=None, rtol=1e-4, parts=None, where=""):
    """Compare a result of any plain structure with the expected one: arrays and floats up to
    rounding (see ``assert_close``), integer arrays exactly, ints and lists or tuples of ints
    (counts, shapes) exactly and shown whole, other tuples and dicts part by part."""
    if _integers_only(expected):
        if not _same_integers(returned, expected):
            raise Failed(f"{function} returned {where}{show(returned)}, but the expected value is {show(expected)}")
    elif isinstance(expected, tuple):
        if not isinstance(returned, (tuple, list)) or len(returned) != len(expected):
            raise Failed(f"{function} returned {_kind_of(returned)}, but it should return a tuple of "
                         f"{len(expected)} items" + (f" ({', '.join(parts)})" if parts else ""), rule=Rule.TYPE)
        for i, (got, want) in enumerate(zip(returned, expected)):
            label = parts[i] if parts else f"item {i}"
            assert_matches(got, want, function, scale[i] if scale is not None else None, rtol, None,
                           f"{where}{label} (item {i} of the tuple) ")
    elif isinstance(expected, dict):
        if not isinstance(returned, dict) or set(returned) != set(expected):
            if isinstance(returned, dict) and returned:
                given = (f"a dict with keys {show(sorted(returned))}" if len(returned) <= 12
                         else f"a dict of {len(returned)} keys")
            else:
                given = _kind_of(returned)
            raise Failed(f"{function} returned {given}, but it should return a dict with keys {sorted(expected)}",
                         rule=Rule.TYPE)
        for key in expected:
            assert_matches(returned[key], expected[key], function,
                           scale[key] if scale is not None else None, rtol, None, f"{where}[{key!r}] ")
    elif isinstance(expected, np.ndarray) and expected.dtype.kind in "iub":
        if not isinstance(returned, np.ndarray) or returned.dtype.kind not in "iu":
            raise Failed(f"{function} returned {_kind_of(returned)} {where}but it should return an integer array",
                         rule=Rule.TYPE)
        if returned.shape != expected.shape or not np.array_equal(returned, expected):
            wrong = np.sum(returned != expected) if returned.shape == expected.shape else "all"
            raise Failed(f"{function} returned wrong {where}values ({wrong} of {expected.size} differ)\n"
                         f"  expected: {show(expected)}\n  returned: {show(returned)}")
    elif isinstance(expected, np.ndarray):
        assert_close(returned, expected, function, scale, rtol, what=f"{where}values".strip())
    else:  # a number, such as a loss
        if isinstance(returned, np.ndarray) and returned.shape == ():
            returned = returned.item()
        if isinstance(returned, bool) or not isinstance(returned, (int, float)):
            raise Failed(f"{function} returned {_kind_of(returned)} {where}but it should return a number",
                         rule=Rule.TYPE)
        size = abs(expected) if scale is None else scale
        if not abs(returned - expected) <= rtol * size + 1e-9 or returned != returned:
            raise Failed(f"{function} returned {where}{show(float(returned))}, but the expected value is "
                         f"{show(float(expected))}")


def _integers_only(value):
    """An int (not a bool), or a list or tuple made of such values only (counts, shapes)."""
    if isinstance(value, (list, tuple)):
        return all(_integers_only(item) for item in value)
    return isinstance(value, int) and not isinstance(value, bool)


def _same_integers(returned, expected):
    """``returned`` has the structure and values of ``expected`` (a float equal to an int counts)."""
    if isinstance(expected, (list, tuple)):
        return (isinstance(returned, (list, tuple)) and len(returned) == len(expected)
                and all(_same_integers(got, want) for got, want in zip(returned, expected)))
    return isinstance(returned, (int, float)) and not isinstance(returned, bool) and returned == expected


def absolute_scale(reference):
    """The reference applied to the absolute values of the array inputs: |x| * |w| summed."""
    def scale(example):
        return reference(**{name: np.abs(value) if isinstance(value, np.ndarray) else value
                            for name, value in example.items()})
    return scale
