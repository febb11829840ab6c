"""What a submission produces is cleaned before it is shown: no terminal escapes, no control
characters, and values rendered in a few lines however big they are."""

import numpy as np
import pytest

from autograder.core.checks import SHOWN_CHARACTERS, show
from autograder.gradescope.grade import render_results
from autograder.sandbox.printable import PLACEHOLDER as P
from autograder.sandbox.printable import printable


@pytest.mark.parametrize("text, shown", [
    ("plain\ttext\nnext line", "plain\ttext\nnext line"),
    ("a\x1b[2J\x1b[1;1Hb", f"a{P}{P}b"),  # CSI: clear the screen, move the cursor
    ("x\x1b]0;graded: 220/220\x07y", f"x{P}y"),  # OSC: the window title, ended by BEL
    ("\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\", f"{P}link{P}"),  # OSC 8 hyperlink, ended by ST
    ("\x9b2J\x9d0;title\x9cred", f"{P}{P}red"),  # the 8-bit (C1) forms
    ("a\x1b(Bb\x1b7c", f"a{P}b{P}c"),  # other escapes: a character set, save the cursor
    ("windows\r\nline", "windows\nline"),
    ("total 0/220\rtotal 220/220", f"total 0/220{P}total 220/220"),  # a carriage return would overwrite
    ("score \u202e022/0", f"score {P}022/0"),  # a right-to-left override
    ("nul\x00bell\x07del\x7f", f"nul{P}bell{P}del{P}"),
    ("cut short \x1b[3", f"cut short {P}"),
    ("ünïcödé ✓ ❌", "ünïcödé ✓ ❌"),
])
def test_escapes_and_control_characters_become_one_visible_placeholder(text, shown):
    assert printable(text) == shown


@pytest.mark.parametrize("value", [
    {f"key {i}": list(range(100)) for i in range(1000)},
    [[[[[list(range(12))] * 12] * 12] * 12] * 12],
    ("x" * 5000, {"a": "\x1b[2J" * 1000}),
    {"params": {"w": np.ones((100, 100)), "b": np.zeros(3)}},
    "y" * 100_000,
])
def test_big_values_are_shown_on_one_short_line(value):
    shown = show(value)
    assert len(shown) <= SHOWN_CHARACTERS and "\n" not in shown and "\x1b" not in shown


@pytest.mark.parametrize("value, shown", [
    ((3, 4), "(3, 4)"), ([1, 2, 3], "[1, 2, 3]"), ({"a": 1}, "{'a': 1}"), ("text", "'text'"), (0.5, "0.5"),
    (list(range(20)), "list of 20 items"), ({"b": np.zeros(2)}, "{'b': [0., 0.]}"),
])
def test_small_values_are_shown_whole(value, shown):
    assert show(value) == shown


def test_make_grades_report_is_printable_whatever_results_json_holds():
    results = {"output": "\x1b[2J\x1b[Hall good", "tests": [
        {"name": "conv1d\x1b]0;title\x07", "score": 0, "max_score": 20, "output": "\x9b2Jtotal 220/220\r"}]}
    report = render_results(results)
    assert printable(report) == report and "all good" in report and "total 220/220" in report
