"""A file that cannot be loaded gets one explanation, not one per check, however much it prints;
through Otter, each failed check is explained as `make check` explains it."""

import textwrap

import pytest

from autograder.core.feedback import LOAD_HINT, render_report, render_verdict
from autograder.core.grading import choose, grade
from autograder.core.outcomes import Status
from autograder.gradescope import session

PRINTS_THEN_READS = ('import numpy as np\nfor _ in range(16_000):\n    print("loss", 0.5)\n'
                     'np.load("assignments/cnn/digits.npz")\n')


@pytest.mark.parametrize("source, what, hint", [
    ("def conv1d(x, w:\n    pass\n", "SyntaxError", False),
    (PRINTS_THEN_READS, "FileNotFoundError", True),
    ("import sys\nsys.exit(3)\n", "SystemExit: 3", True),
])
def test_one_block_and_every_function_not_graded(cnn, tmp_path, source, what, hint):
    submission = tmp_path / "cnn.py"
    submission.write_text(source)
    report = grade(cnn, submission)
    assert {r.status for r in report.results} == {Status.NOT_GRADED}
    assert report.points == 0 and report.possible == sum(cnn.points.values())
    text = render_report(report, show_points=True)
    assert text.count("could not be loaded, so none of its functions was graded") == 1
    assert what in text and (LOAD_HINT in text) == hint
    assert text.count("loss 0.5") <= 2_000 / len("loss 0.5\n") + 1  # the first 2 kB of output, once
    assert len(text) < 6_000


def test_otter_explains_under_the_first_check_only(cnn, tmp_path):
    submission = tmp_path / "cnn.py"
    submission.write_text(PRINTS_THEN_READS)
    keys = [c.key for f in cnn.functions for c in cnn.public_checks + cnn.hidden_checks if c.function == f]
    messages = []
    for key in keys:
        with pytest.raises(AssertionError) as raised:
            session.verdict("cnn", str(submission), key)
        messages.append(str(raised.value))
    assert "FileNotFoundError" in messages[0] and "loss 0.5" in messages[0]
    assert all(m.startswith("not graded: the file could not be loaded") for m in messages[1:])
    assert sum(map(len, messages)) < 2_000 + 150 * len(messages)


def test_otter_explains_each_failed_check_as_make_check_does(cnn, patched):
    """The kernel's note for a failed check is the local explanation without its heading (Otter
    names the test case), with the seed; the function's status is data; passes say nothing."""
    report = grade(cnn, patched("bugs/conv1d_stride_ignored.py"), choose(cnn, ["conv1d", "relu_forward"]))
    notes = session.notes_for(report)
    failed = [v for v in report.result("conv1d").verdicts if not v.passed]
    assert failed and set(notes.failed) == {v.check.key for v in failed}
    for found in failed:
        heading, explanation = render_verdict(found).split("\n", 1)
        assert notes.failed[found.check.key] == textwrap.dedent(explanation) + f"\n(Hypothesis seed {report.seed})"
    assert notes.functions == {"conv1d": {"status": "failed", "waiting_on": []},
                               "relu_forward": {"status": "passed", "waiting_on": []}}
