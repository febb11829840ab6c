"""What strategies of inputs share: the ``LEAVE_OUT`` sentinel, and argument checks in Hypothesis's manner.

An assignment's strategies (e.g. ``assignments/cnn/strategies.py``) draw the calls its checks make,
as dicts of keyword arguments. An optional argument is given as a strategy of its values; a value
drawn from ``LEAVE_OUT`` means "leave this argument out of the call", so that the function's default
is what gets tested::

    conv1d_calls(stride=LEAVE_OUT)                                # never pass stride
    conv1d_calls(stride=st.one_of(LEAVE_OUT, st.integers(2, 5)))  # sometimes pass it

``call_of(x=x, w=w, stride=drawn)`` builds the dict without the arguments left out. Strategies check
their own arguments when they are built (and the values their argument strategies draw), and raise
``hypothesis.errors.InvalidArgument`` with a message naming the argument and what was expected.
"""

import math

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument


class _LeftOut:
    """The value ``LEAVE_OUT`` draws, ``LEFT_OUT``: ``call_of`` drops it, so no function ever receives
    it; its repr names it in error messages."""

    def __repr__(self):
        return "LEAVE_OUT"

    def __reduce__(self):  # copied or pickled, it stays the one LEFT_OUT
        return "LEFT_OUT"


LEFT_OUT = _LeftOut()
LEAVE_OUT = st.just(LEFT_OUT)  # the strategy of "leave this argument out of the call"


def call_of(**arguments):
    """The keyword arguments of one call: ``arguments`` without those drawn from ``LEAVE_OUT``."""
    return {name: value for name, value in arguments.items() if value is not LEFT_OUT}


def check_strategy(value, name, of="values"):
    """``value`` must be a Hypothesis strategy (of ``of``, as the message says)."""
    if not isinstance(value, st.SearchStrategy):
        hint = ""
        if isinstance(value, (bool, int, float)):
            hint = f"; for this value always, pass st.just({value!r})"
        elif isinstance(value, (list, tuple)):
            hint = f"; to draw from these values, pass st.sampled_from({list(value)!r})"
        elif value is None:
            hint = "; to leave the argument out of the call, pass LEAVE_OUT"
        raise InvalidArgument(f"{name} must be a strategy of {of}, not {value!r} (type={type(value).__name__}){hint}")


def check_optional_strategy(value, name, of="values"):
    """``value`` must be None (the strategy's own default) or a Hypothesis strategy."""
    if value is not None:
        check_strategy(value, name, of)


def check_integer(value, name, at_least):
    """``value`` must be an int (not a bool) no smaller than ``at_least``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"{name} must be an int, not {value!r} (type={type(value).__name__})")
    if value < at_least:
        raise InvalidArgument(f"{name}={value!r} must be at least {at_least}")


def check_positive_number(value, name):
    """``value`` must be a finite real number above zero."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise InvalidArgument(f"{name} must be a finite number above 0, not {value!r}")


def check_flag(value, name):
    """``value`` must be True or False."""
    if not isinstance(value, bool):
        raise InvalidArgument(f"{name} must be True or False, not {value!r} (type={type(value).__name__})")


def check_choice(value, name, choices):
    """``value`` must be one of ``choices``."""
    if value not in choices:
        raise InvalidArgument(f"{name}={value!r} must be one of {', '.join(map(repr, choices))}")


def drawn_integer(value, name, at_least, left_out_as=None):
    """A value drawn from the strategy of argument ``name``: LEFT_OUT (taken as ``left_out_as``, the
    function's default, when ``left_out_as`` is given) or an int no smaller than ``at_least``.

    Returns the value in effect, for the strategy's own arithmetic (shapes, output sizes).
    """
    if value is LEFT_OUT:
        if left_out_as is None:
            raise InvalidArgument(f"the strategy of {name} drew LEAVE_OUT, but {name} cannot be left out here")
        return left_out_as
    if isinstance(value, bool) or not isinstance(value, int) or value < at_least:
        raise InvalidArgument(f"the strategy of {name} drew {value!r}, but {name} must be an int >= {at_least}"
                              + ("" if left_out_as is None else " or left out (LEAVE_OUT)"))
    return value
