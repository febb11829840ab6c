"""Grading inside Otter's kernel: the generated test files ask this module for verdicts.

The first test case to run grades the whole submission once (every check, one sandboxed worker);
every test case then reports its own check's verdict, raising ``AssertionError`` with the
explanation a student reads when it did not pass.
"""

import functools
import json
import os
import textwrap

from autograder.core import assignment as assignments
from autograder.core.feedback import WORDS, render_load_failure, render_notebook_notes, render_verdict
from autograder.core.grading import grade, point_shares
from autograder.core.runner import NOT_GRADED

NOTEBOOK_NOTES = "notebook"  # the key of the notebook's notes among the notes of passed checks


@functools.cache
def _verdicts(assignment_name, submission_path):
    report = grade(assignments.load(assignment_name), submission_path)
    return {v.check.key: v for result in report.results for v in result.verdicts}, report


def verdict(assignment_name, submission_path, check_key):
    """Pass quietly if the check passed; otherwise raise AssertionError with its explanation."""
    if submission_path is None:
        raise AssertionError("the grader could not find the submitted file")
    verdicts, report = _verdicts(assignment_name, submission_path)
    seed = report.seed
    if report.notes:  # what was left out of a notebook: said once, in the results' top-level output
        _save_note(submission_path, NOTEBOOK_NOTES, render_notebook_notes(report.notes))
    if report.load_failure is not None:  # explained once, under the first check; the others point there
        first = next(iter(verdicts))
        if check_key == first:
            raise AssertionError(render_load_failure(report.load_failure))
        raise AssertionError(f"{WORDS[NOT_GRADED]} (what happened is under \"{first}\")")
    found = verdicts[check_key]
    if found.passed and found.message:
        _save_note(submission_path, check_key, found.message)
    if not found.passed:  # Otter names the test case already: skip our heading line
        explanation = render_verdict(found).split("\n", 1)[1]
        raise AssertionError(f"{textwrap.dedent(explanation)}\n(Hypothesis seed {seed})")


def notes_path(submission_path):
    """Where notes of passed checks wait for the plugin (next to the submission: root-only)."""
    return os.path.join(os.path.dirname(os.path.abspath(submission_path)), ".autograder-notes.json")


def _save_note(submission_path, check_key, note):
    """Otter shows nothing for a passed test case but a fixed message; the plugin adds this note."""
    path = notes_path(submission_path)
    notes = json.loads(open(path).read()) if os.path.exists(path) else {}
    notes[check_key] = note
    with open(path, "w") as file:
        json.dump(notes, file)


def test_file_source(assignment, function):
    """The Otter test file (exception-based format) for one function's public and hidden checks."""
    lines = [
        f'"""Checks of {function} (generated from the assignment by autograder.gradescope.packaging)."""',
        "from otter.test_files import test_case",
        "",
        "from autograder.gradescope.session import verdict",
        "",
        "OK_FORMAT = False",
        f"name = {function!r}",
    ]
    hidden_checks = [c for c in assignment.hidden_checks if c.function == function]
    shares = dict(zip(map(id, hidden_checks), point_shares(assignment.points.get(function, 0),
                                                           [c.weight for c in hidden_checks])))
    checks = [(c, False) for c in assignment.public_checks] + [(c, not c.visible) for c in hidden_checks]
    for number, (check, hidden) in enumerate((c for c in checks if c[0].function == function), start=1):
        share = f"{shares[id(check)]:g}" if id(check) in shares else 0
        lines += [
            "",
            "",
            f"@test_case(name={check.key!r}, points={share}, hidden={hidden})",
            f"def check_{number}(submission_path):",
            f"    verdict({assignment.name!r}, submission_path, {check.key!r})",
        ]
    return "\n".join(lines) + "\n"
