"""Grade a whole class locally, without Docker, and summarise it: instructors only.

``grade_all`` grades every submission of a folder (one subfolder per student holding ``NAME.py``,
or one ``.py`` file per student, named by its stem) or of a Gradescope "Export Submissions" zip
(``submission_metadata.yml`` plus one ``submission_<id>/`` folder each; names, SIDs and emails
come from the metadata) with ``autograder.grading.grade``: the same checks, sandboxed worker and
seed as on Gradescope.

- One grading process per submission, at most one per core at a time (forked, so the loaded
  assignment is shared). A submission whose grading raises, dies, or overruns ``timeout`` gets a
  row with an ``error``; the others go on.
- Rows are appended to the CSV as submissions finish and flushed at once; re-running skips the
  identifiers already there, so an interrupted run resumes. Ctrl-C stops the running graders
  (their sandboxes included) and keeps every finished row.
- The failures' minimal examples go to ``<OUT stem>.feedback.jsonl`` next to the CSV, so the
  summary (pass rates, most common counterexamples, ``<OUT stem>.png`` histogram of totals)
  covers resumed runs too.
Finding the submissions is ``autograder.class_submissions``; the summary, ``autograder.class_summary``.
"""

import csv
import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from autograder.class_submissions import BulkError, Submission, find_submissions
from autograder.feedback import describe_example
from autograder.grading import grade
from autograder.runner import FAILED, NOT_IMPLEMENTED

IDENTITY = ["submission", "name", "sid", "email"]
LOAD_FAILURE = "your file could not be loaded"  # how autograder.checks words an import failure
DEFAULT_TIMEOUT = 1800.0  # seconds per submission; each call is limited too, this catches the rest


@dataclass
class BulkResult:
    out: Path
    submissions: list  # every submission found
    skipped: list = field(default_factory=list)  # identifiers already in the CSV
    graded: list = field(default_factory=list)  # identifiers graded by this run, in finishing order
    interrupted: bool = False


def header(functions):
    return IDENTITY + list(functions) + ["total", "error"]


def feedback_path(out):
    return Path(out).with_name(Path(out).stem + ".feedback.jsonl")


def histogram_path(out):
    return Path(out).with_name(Path(out).stem + ".png")


# -- the CSV ---------------------------------------------------------------------------------------

def read_rows(out):
    """The rows of a grades CSV as dicts (a partial last line, from a hard kill, is ignored)."""
    text = Path(out).read_text(encoding="utf-8")
    if text and not text.endswith("\n"):
        text = text[:text.rfind("\n") + 1]
    return list(csv.DictReader(text.splitlines()))


def _open_for_append(out, columns):
    """Open ``out`` to append rows, writing the header if new; return (file, identifiers already in it)."""
    out = Path(out)
    if out.is_dir():
        raise BulkError(f"{out} is a folder, not a CSV file")
    out.parent.mkdir(parents=True, exist_ok=True)
    done = set()
    if out.is_file() and out.stat().st_size:
        data = out.read_bytes()
        if not data.endswith(b"\n"):  # a row cut by a hard kill: drop it, it is graded again
            with open(out, "r+b") as file:
                file.truncate(data.rfind(b"\n") + 1)
        with open(out, newline="", encoding="utf-8") as file:
            existing = next(csv.reader(file), None)
        if existing != columns:
            raise BulkError(f"{out} has other columns ({', '.join(existing or [])}): it was written for other "
                            f"functions or another assignment; choose another output file or delete it")
        done = {row["submission"] for row in read_rows(out)}
    file = open(out, "a", newline="", encoding="utf-8")
    if not done and file.tell() == 0:
        csv.writer(file).writerow(columns)
        file.flush()
    return file, done


def _row(submission, functions, result):
    row = {"submission": submission.identifier, "name": submission.name, "sid": submission.sid,
           "email": submission.email, "error": result.get("error", "")}
    points = result.get("points")
    if points is not None:
        row.update({f: f"{points.get(f, 0.0):g}" for f in functions})
        row["total"] = f"{sum(points.get(f, 0.0) for f in functions):g}"
    return row


# -- grading, one process per submission -------------------------------------------------------

class _Stop(BaseException):
    """Raised in a grading process by SIGTERM: unwinds it so its sandboxed worker is killed."""


def grade_one(assignment, path, functions):
    """Grade one file: its points per function and its failures (check, rendered minimal example)."""
    report = grade(assignment, path, functions=functions)
    failures, missing = [], []
    for result in report.results:
        if result.status == NOT_IMPLEMENTED:
            missing.append(result.function)
        for verdict in result.verdicts:
            if verdict.status == FAILED:
                failures.append({"function": result.function, "check": verdict.check.title,
                                 "example": describe_example(verdict.example),
                                 "message": verdict.message.splitlines()[0] if verdict.message else ""})
    load_error = ""
    if failures and all(f["message"].startswith(LOAD_FAILURE) for f in failures):
        load_error, failures = failures[0]["message"], []  # not a misconception: no examples to count
    return {"points": {r.function: r.points for r in report.results}, "failures": failures,
            "not_implemented": missing, "load_error": load_error}


def _child(assignment, submission, functions, connection):
    def stop(*_):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: let the clean-up finish
        raise _Stop

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides, and tells us with SIGTERM
    warnings.simplefilter("ignore")  # e.g. numpy's overflow warnings on extreme inputs: not for the progress
    signal.signal(signal.SIGTERM, stop)
    try:  # a SIGTERM already pending arrives at the unblock: inside the try, so it unwinds quietly
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            result = grade_one(assignment, submission.path, functions)
        except Exception as error:  # noqa: BLE001 - any grader failure becomes this row's error
            text = str(error).strip().splitlines()
            result = {"error": f"grading raised {type(error).__name__}" + (f": {text[0]}" if text else "")}
        connection.send(result)
    except _Stop:
        pass
    finally:
        # From here on a SIGTERM (the parent stopping every job at Ctrl-C) just ends the process:
        # raised as _Stop inside multiprocessing's own exit code, it would print a traceback.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        connection.close()


@dataclass
class _Job:
    submission: Submission
    process: object
    connection: object
    started: float


def _start(context, assignment, submission, functions):
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(assignment, submission, functions, send),
                              name=f"grade {submission.identifier}")
    signals = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, signals)  # the child sets its handlers first
    try:
        process.start()
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, signals)
    send.close()
    return _Job(submission, process, receive, time.monotonic())


def _stop(job, grace=15.0):
    if job.process.is_alive():
        try:
            os.kill(job.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        job.process.join(grace)
    if job.process.is_alive():
        job.process.kill()
        job.process.join()
    job.connection.close()


def _outcome(job, timeout):
    """The job's result if it is over (finished, died or overran), else None."""
    if job.connection.poll():
        try:
            result = job.connection.recv()
        except (EOFError, OSError):
            result = None
        job.process.join(30)
        if result is not None:
            _stop(job)  # normally already gone; a process stuck after reporting is stopped
            return result
    elif job.process.is_alive() and time.monotonic() - job.started <= timeout:
        return None
    elif job.process.is_alive():
        _stop(job)
        return {"error": f"grading took longer than {timeout:g} s and was stopped"}
    _stop(job)
    code = job.process.exitcode
    how = f"was killed by {signal.Signals(-code).name}" if code and code < 0 else f"exited with code {code}"
    return {"error": f"the grading process {how} before it reported"}


def run_parallel(assignment, submissions, functions, on_result, jobs=None, timeout=DEFAULT_TIMEOUT):
    """Grade ``submissions``, at most ``jobs`` at a time; ``on_result(submission, result, seconds)``."""
    context = multiprocessing.get_context("fork")
    waiting, running = list(submissions), []
    jobs = max(1, jobs or os.cpu_count() or 1)
    try:
        while waiting or running:
            while waiting and len(running) < jobs:
                submission = waiting.pop(0)
                if submission.path is None:
                    on_result(submission, {"error": submission.problem}, 0.0)
                    continue
                running.append(_start(context, assignment, submission, functions))
            if not running:
                continue
            multiprocessing.connection.wait([j.connection for j in running] + [j.process.sentinel for j in running],
                                            timeout=1.0)
            for job in list(running):
                result = _outcome(job, timeout)
                if result is not None:
                    running.remove(job)
                    on_result(job.submission, result, time.monotonic() - job.started)
    finally:
        for job in running:  # Ctrl-C, or an error here: no grader and no sandbox outlives us
            _stop(job)


def grade_all(assignment, source, out, functions=None, jobs=None, timeout=DEFAULT_TIMEOUT, progress=None):
    """Grade every submission in ``source`` (folder or export zip) not yet in CSV ``out``.

    Returns a ``BulkResult``; on KeyboardInterrupt it returns with ``interrupted`` set, every
    finished row written.
    """
    progress = progress or sys.stderr
    functions = list(functions or assignment.functions)
    unknown = [f for f in functions if f not in assignment.functions]
    if unknown:
        raise BulkError(f"no function {', '.join(unknown)} in assignment {assignment.name} "
                        f"(its functions: {', '.join(assignment.functions)})")
    if not assignment.has_hidden_checks:
        raise BulkError(f"assignment {assignment.name} has no hidden checks here (solutions/{assignment.name} "
                        f"is missing): bulk grading needs them")
    columns = header(functions)
    with tempfile.TemporaryDirectory(prefix="grade-all-") as workspace:
        submissions = find_submissions(source, assignment.module_name, workspace)
        identifiers = [s.identifier for s in submissions]
        duplicated = sorted({i for i in identifiers if identifiers.count(i) > 1})
        if duplicated:
            raise BulkError(f"several submissions are named {', '.join(duplicated)}")
        csv_file, done = _open_for_append(out, columns)
        result = BulkResult(Path(out), submissions, skipped=[i for i in identifiers if i in done])
        todo = [s for s in submissions if s.identifier not in done]
        total, width = len(submissions), len(str(len(submissions)))
        if result.skipped:
            print(f"{len(result.skipped)} of {total} submissions already in {out}: grading the other {len(todo)}",
                  file=progress, flush=True)
        possible = sum(float(assignment.points.get(f, 0.0)) for f in functions)
        writer = csv.DictWriter(csv_file, columns)

        def record(submission, outcome, seconds):
            with open(feedback_path(out), "a", encoding="utf-8") as details:
                details.write(json.dumps({"submission": submission.identifier, **outcome}) + "\n")
            writer.writerow(_row(submission, functions, outcome))
            csv_file.flush()
            result.graded.append(submission.identifier)
            count = len(result.skipped) + len(result.graded)
            score = (f"{sum(outcome['points'].values()):g}/{possible:g}" if "points" in outcome
                     else "error: " + outcome.get("error", "")[:60])
            print(f"[{count:>{width}}/{total}] {100 * count / total:3.0f}% {submission.identifier}  {score}"
                  f"  ({seconds:.1f} s)", file=progress, flush=True)

        try:
            run_parallel(assignment, todo, functions, record, jobs, timeout)
        except KeyboardInterrupt:
            result.interrupted = True
        finally:
            csv_file.close()
    return result


