"""Grading inside Otter's kernel: the generated test files ask this module for verdicts.

The first test case to ask gets the submission's notes: what each test case says, and each
function's status. Usually the grading was started before Otter (``head_start``) and the notes
are waiting; otherwise (``otter run`` started by hand, or a head start that crashed) this kernel
grades the whole submission once (every check, sandboxed workers) and makes them. Either way the
notes are saved beside the submission for the plugin and ``entry``, and every test case reports
its own check's verdict, raising ``AssertionError`` with the explanation a student reads when it
did not pass. This module is imported by every test file, so numpy, Hypothesis and the checks are
imported only where grading happens (``graded_notes``).
"""

import functools

from autograder.gradescope import head_start
from autograder.gradescope.notes import Notes


@functools.cache
def _graded(assignment_name, submission_path):
    """The submission's notes (saved for the plugin) and the checks it was graded on."""
    found = head_start.result(submission_path)
    notes, graded = found if found is not None else graded_notes(assignment_name, submission_path)
    notes.save(submission_path)
    return notes, graded


def graded_notes(assignment_name, submission_path):
    """Grade the submission: its ``Notes`` and the keys of the checks it was graded on."""
    from autograder.core import assignment as assignments
    from autograder.core.grading import grade

    report = grade(assignments.load(assignment_name), submission_path)
    return notes_for(report), {v.check.key for r in report.results for v in r.verdicts}


def verdict(assignment_name, submission_path, check_key):
    """Pass quietly if the check passed; otherwise raise AssertionError with its explanation."""
    if submission_path is None:
        raise AssertionError("the grader could not find the submitted file")
    try:
        notes, graded = _graded(assignment_name, submission_path)
    except head_start.HeadStartTooSlow as slow:
        raise AssertionError(f"the grader could not check this: {slow}; please tell your instructor") from None
    if check_key not in graded:  # a test file out of step with the assignment: never a free pass
        raise AssertionError(f"the grader has no check {check_key!r}; please tell your instructor")
    if check_key in notes.failed:
        raise AssertionError(notes.failed[check_key])


def notes_for(report):
    """What every test case of ``report`` says (keyed by check, as the test cases are named), and
    each function's status. Otter names the test case already: an explanation has no heading."""
    from autograder.core.feedback import WORDS, explain_verdict, render_left_out, render_load_failure, stood_in_words
    from autograder.core.outcomes import Status

    notes = Notes(functions={r.function: {"status": r.status.value, "waiting_on": list(r.waiting_on)}
                             for r in report.results})
    verdicts = [v for r in report.results for v in r.verdicts]
    if report.left_out:  # what was left out of a notebook: said once, in the results' top-level output
        notes.submission.append(render_left_out(report.left_out))
    if report.load_failure is not None:  # explained once, under the first check; the others point there
        first = verdicts[0].check.key
        notes.failed = {v.check.key: f"{WORDS[Status.NOT_GRADED]} (what happened is under \"{first}\")"
                        for v in verdicts[1:]}
        notes.failed[first] = render_load_failure(report.load_failure)
        return notes
    for found in verdicts:
        if found.passed and (found.message or found.stood_in):
            notes.passed[found.check.key] = "; ".join(filter(None, [
                found.message, found.stood_in and stood_in_words(found.stood_in)]))
        elif not found.passed:
            notes.failed[found.check.key] = f"{explain_verdict(found)}\n(Hypothesis seed {report.seed})"
    return notes


def test_file_source(assignment, function):
    """The Otter test file (exception-based format) for one function's public and hidden checks."""
    from autograder.core.grading import Visibility, plan

    lines = [
        f'"""Checks of {function} (generated from the assignment by autograder.gradescope.packaging)."""',
        "from otter.test_files import test_case",
        "",
        "from autograder.gradescope.session import verdict",
        "",
        "OK_FORMAT = False",
        f"name = {function!r}",
    ]
    for number, planned in enumerate(plan(assignment)[function].checks, start=1):
        lines += [
            "",
            "",
            f"@test_case(name={planned.check.key!r}, points={planned.points:g}, "
            f"hidden={planned.visibility is Visibility.HIDDEN})",
            f"def check_{number}(submission_path):",
            f"    verdict({assignment.name!r}, submission_path, {planned.check.key!r})",
        ]
    return "\n".join(lines) + "\n"
