"""What Gradescope runs: the zip's ``run_otter.py`` calls ``main``, which isolates the upload, then runs Otter.

Gradescope's ``run_autograder`` (Otter's, unchanged) starts ``python /autograder/source/run_otter.py``
as root. Otter's own ``run_otter.py`` would hand the upload folder to Otter as it is; ours first
keeps only the graded file (``autograder.gradescope.upload``), so that Otter's kernel, which imports from
the submission folder, finds our support packages there and nothing a student wrote. Python runs
this file as a script, so ``sys.path`` starts with ``/autograder/source`` (our packages), never with
the working directory. A notebook upload is first turned into the module it defines
(``notebook_upload``: read in a child process with limits), so that Otter grades a script and never
reads the notebook. Then the grading itself starts, in a process of its own (``head_start``),
while Otter starts its kernel, whose test cases wait for its verdicts. Once Otter has written
results.json, each function's status (passed, failed, not implemented, not graded) is added to its
entry as ``extra_data``, from the grading's notes, and what was left out of a notebook is said
once, at the top.
"""

import json
import sys
import time
import traceback
from pathlib import Path

from autograder.gradescope import head_start
from autograder.gradescope.notebook_upload import notebook_as_module
from autograder.gradescope.notes import read_notes
from autograder.gradescope.upload import (
    MANIFEST,
    Expected,
    UploadProblem,
    isolate_upload,
    make_private,
    problem_results,
    unscored_results,
)

GRADESCOPE_DIR = "/autograder"
OTTER_ATTEMPTS = 2
RETRY_WITHIN_SECONDS = 60  # a kernel that died starting; a later failure is not retried (time is bounded)


def main(autograder_dir=GRADESCOPE_DIR):
    """Grade ``autograder_dir/submission`` into ``autograder_dir/results/results.json``; exit status."""
    folder = Path(autograder_dir)
    results_json = results_path(folder)
    expected = Expected.from_json((folder / "source" / MANIFEST).read_text())
    left_out = []
    try:
        graded = isolate_upload(folder, expected)
        if graded.suffix == ".ipynb":
            graded, left_out = notebook_as_module(graded)
    except UploadProblem as problem:
        write_results(results_json, problem_results(str(problem), expected))
        print(f"Nothing was graded: {problem}")
        return 0
    make_private(folder)  # before any worker starts: the sandbox user reads nothing of the autograder
    ahead = head_start.start(expected.name, graded, folder / "source" / "files")
    try:
        failure = run_otter(folder)
    finally:
        ahead.stop()
    if failure is not None and not results_json.is_file():  # what broke is in the log, for the instructor
        write_results(results_json, unscored_results("The grader broke down before it could score this upload. "
                                                     "Please tell your instructor, who can regrade it.", expected))
        return 0
    said_first = ""
    if left_out:
        from autograder.core.feedback import render_left_out  # numpy and more: after the child has forked

        said_first = render_left_out(left_out)
    add_to_results(results_json, read_notes(graded).functions, said_first)
    return 0


def results_path(autograder_dir):
    """Where Gradescope reads the results: ``autograder_dir/results/results.json``."""
    return Path(autograder_dir) / "results" / "results.json"


def write_results(results_json, results):
    """Write ``results`` (Gradescope's format) that entry made itself, Otter having written none."""
    results_json.parent.mkdir(exist_ok=True)
    results_json.write_text(json.dumps(results, indent=2))


def run_otter(folder):
    """Otter's grading of ``folder``; None, or what made it fail.

    Otter's kernel can die before it starts, now and then: Jupyter chooses its ports by binding and
    releasing them, and another process may take one before the kernel binds it. Otter then writes
    no results.json, so an attempt that failed within ``RETRY_WITHIN_SECONDS`` is made once more
    (the grading's notes are kept: the second attempt costs seconds). A failure is printed in full
    for the instructor (Gradescope shows students none of this output).
    """
    from otter.run.run_autograder import main as run_autograder

    failure = None
    for attempt in range(1, OTTER_ATTEMPTS + 1):
        started = time.monotonic()
        try:
            run_autograder(str(folder))
            return None
        except Exception as error:  # noqa: BLE001 - whatever broke, results.json must be written
            traceback.print_exc()
            print(f"Otter failed (attempt {attempt} of {OTTER_ATTEMPTS})", file=sys.stderr)
            failure = f"{type(error).__name__}: {error}"
            if results_path(folder).is_file() or time.monotonic() - started > RETRY_WITHIN_SECONDS:
                break
    return failure


def add_to_results(results_json, statuses, said_first=""):
    """Store each function's status (``{function: {"status": Status value, "waiting_on": [names]}}``) with
    its test of results.json, as the test's ``extra_data`` (Gradescope stores it with the results;
    ``grade.render_results`` reads it): Otter's results know points only. ``said_first`` (what was
    left out of a notebook) goes first in the top-level output: said once, for the whole upload."""
    try:
        results = json.loads(results_json.read_text())
    except (OSError, ValueError):
        return  # Otter wrote no results: nothing to add to
    for test in results.get("tests", []):
        if test.get("name") in statuses:
            test["extra_data"] = dict(statuses[test["name"]])
    if said_first:
        results["output"] = "\n\n".join(filter(None, [said_first, results.get("output")]))
    results_json.write_text(json.dumps(results, indent=4))


RUN_OTTER_PY = '''"""Runs the autograder: keep only the graded file of the upload, then Otter (gradescope/entry.py)."""

import sys

from autograder.gradescope.entry import main

if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
'''
