"""Grade a whole class locally, without Docker, and keep its results: instructors only.

``grade_all`` grades every submission of a folder (one subfolder per student holding ``NAME.py``,
or one ``.py`` file per student, named by its stem) or of a Gradescope "Export Submissions" zip
(``submission_metadata.yml`` plus one ``submission_<id>/`` folder each; submitters and upload
times come from the metadata) with ``autograder.core.grading.grade``: the same checks, sandboxed worker
and seed as on Gradescope.

- The checks' examples are drawn once, before the first grading process starts, unless this
  checkout keeps them already (``autograder.core.examples``).
- One grading process per submission, at most one per core at a time (forked, so the loaded
  assignment and its examples are shared). A submission whose grading raises, dies, or overruns
  ``timeout`` gets an ``error``; the others go on. The progress line gives the rate and the time
  left (``progress.Pace``).
- Each finished submission appends one record (points, feedback, submitters, upload time, the
  autograder's identity) to ``<OUT stem>.results.jsonl``; the last record of a submission wins.
  Re-running grades only the submissions without a record (an interrupted run resumes);
  ``regrade`` ("all", "stale" or identifiers) grades some again, and their new records replace
  the old ones. Ctrl-C stops the running graders (their sandboxes included) and keeps every
  finished record.
- The CSV ``OUT`` is rewritten from the records after each submission: one row per student (a
  group's score on each member's row), columns ``header(functions)``; the ``error`` column says why
  a row has no points (not graded, or the file could not be loaded). Lateness, extensions and the
  late penalty (``lateness.LatePolicy``) are applied to each student's row at each run, so a new
  deadline, extension or rule needs no regrading.
Finding the submissions is ``class_submissions``; the summary, ``class_summary``; the feedback
pages, ``class_pages`` (all in ``autograder.instructor``, like this module).
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
from datetime import datetime, timezone
from pathlib import Path

from autograder.core import examples
from autograder.core.feedback import describe_example, render_failures, render_load_failure, render_measured, table_rows
from autograder.core.grading import choose, grade, plan
from autograder.core.outcomes import Status
from autograder.instructor.class_submissions import BulkError, Submission, find_submissions
from autograder.instructor.lateness import LatePolicy
from autograder.instructor.progress import Pace

FIRST_COLUMNS = ["name", "sid", "email", "total"]  # what gradebook imports look for first
LAST_COLUMNS = ["submitted_at", "extension", "hours_late", "late_penalty", "total_after_penalty", "submission",
                "group", "error", "autograder"]
ADDED_COLUMNS = {"extension"}  # not in the CSVs of earlier versions, which are ours all the same
DEFAULT_TIMEOUT = 1800.0  # seconds per submission; each call is limited too, this catches the rest
MESSAGE_CHARACTERS = 20_000  # per explanation kept for the feedback pages, as on Gradescope
# Verdicts a record's failures leave out: those that passed, and those that ran no answer of the student's.
UNRECORDED = frozenset({Status.PASSED, Status.NOT_IMPLEMENTED, Status.NOT_GRADED})


@dataclass
class BulkResult:
    out: Path
    submissions: list  # every submission found
    skipped: list = field(default_factory=list)  # identifiers already graded, not graded again
    graded: list = field(default_factory=list)  # identifiers graded by this run, in finishing order
    interrupted: bool = False
    identity: str = ""  # the autograder's identity this run graded with (``Assignment.identity``)


def header(functions):
    return FIRST_COLUMNS + list(functions) + LAST_COLUMNS


def results_path(out):
    """The records of every graded submission, next to the CSV (the CSV is made from them)."""
    return Path(out).with_name(Path(out).stem + ".results.jsonl")


def histogram_path(out):
    return Path(out).with_name(Path(out).stem + ".png")


def pages_path(out):
    """The folder of feedback pages: index.html for the class, one page per student."""
    return Path(out).with_name(Path(out).stem + ".feedback")


# -- the records and the CSV made from them ------------------------------------------------------

def read_records(out):
    """``{submission: record}`` from the records file of CSV ``out``: the last record of each wins
    (a regrade), a line cut by a hard kill is ignored."""
    path, records = results_path(out), {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and "submission" in record:
                records[record["submission"]] = record
    return records


def _drop_cut_line(path):
    """Remove a last line cut by a hard kill, so the next record starts on a line of its own."""
    if path.is_file():
        data = path.read_bytes()
        if data and not data.endswith(b"\n"):
            with open(path, "r+b") as file:
                file.truncate(data.rfind(b"\n") + 1)


def read_rows(out):
    """The rows of a grades CSV as dicts."""
    with open(out, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def student_rows(record, functions, policy=LatePolicy()):
    """The CSV rows of one submission's record: one per submitter, the group's score on each, and
    each student's own lateness (their extension, if they have one)."""
    people = record.get("people") or [{"name": "", "sid": "", "email": ""}]
    points = record.get("points")
    total = sum(points.get(f, 0.0) for f in functions) if points is not None else None
    submitted = datetime.fromisoformat(record["submitted_at"]) if record.get("submitted_at") else None
    shared = dict.fromkeys(header(functions), "")  # every column, empty unless known
    shared |= {"submission": record["submission"], "error": record_problem(record),
               "submitted_at": record.get("submitted_at") or "", "autograder": record.get("autograder", ""),
               "group": "; ".join(p["name"] or p["sid"] or p["email"] for p in people) if len(people) > 1 else "",
               "total": _number(total), "total_after_penalty": _number(total)}
    if points is not None:
        shared.update({f: _number(points.get(f, 0.0)) for f in functions})
    rows = []
    for person in people:
        row = {**shared, "name": person["name"], "sid": person["sid"], "email": person["email"]}
        extension = policy.extension(person)
        if extension is not None:
            row["extension"] = extension.due.isoformat()
        late = policy.hours_late(person, submitted)
        if late is not None:
            row["hours_late"] = _number(round(late, 2))
            if total is not None:
                deducted = total * policy.penalty.percent(late) / 100
                row.update(late_penalty=_number(deducted), total_after_penalty=_number(total - deducted))
        rows.append(row)
    return rows


def record_problem(record):
    """Why a record's rows have no points, in a line: it was not graded, or its file could not be loaded."""
    if record.get("error"):
        return record["error"]
    return f"could not be loaded: {record['load_error']}" if record.get("load_error") else ""


def _number(value):
    return "" if value is None else f"{round(value, 6):g}"


def write_csv(out, records, functions, policy=LatePolicy()):
    """(Re)write CSV ``out`` from ``records``, one row per student, in one step (never half-written)."""
    out = Path(out)
    partial = out.with_name(f".{out.name}.partial")
    with open(partial, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, header(functions))
        writer.writeheader()
        for identifier in sorted(records):
            writer.writerows(student_rows(records[identifier], functions, policy))
    os.replace(partial, out)


def _check_output(out, functions, records):
    """Refuse an OUT written for other functions or something else (it would be overwritten)."""
    out = Path(out)
    if out.is_dir():
        raise BulkError(f"{out} is a folder, not a CSV file")
    out.parent.mkdir(parents=True, exist_ok=True)
    existing = None
    if out.is_file() and out.stat().st_size:
        with open(out, newline="", encoding="utf-8", errors="replace") as file:
            existing = next(csv.reader(file), None)
    others = [r["submission"] for r in records.values() if r.get("functions") != list(functions)]
    ours = (header(functions), [c for c in header(functions) if c not in ADDED_COLUMNS])
    if (existing is not None and existing not in ours) or others:
        raise BulkError(f"{out} has other columns ({', '.join(existing or [])}): it was written for other "
                        f"functions or another assignment, or by something else; choose another output file "
                        f"or delete it (and {results_path(out).name})")


def select_regrade(regrade, submissions, records, identity):
    """The identifiers ``regrade`` names among the submissions found: "all", "stale" (graded by
    another autograder) or identifiers, SIDs or emails separated by commas."""
    regrade = (regrade or "").strip()
    if not regrade:
        return set()
    if regrade == "all":
        return {s.identifier for s in submissions}
    if regrade == "stale":
        return {s.identifier for s in submissions
                if s.identifier in records and records[s.identifier].get("autograder") != identity}
    chosen = set()
    for key in (k for k in regrade.split(",") if k.strip()):
        found = [s.identifier for s in submissions if s.matches(key)]
        if not found:
            raise BulkError(f"REGRADE: no submission, SID or email {key.strip()!r} among the {len(submissions)} "
                            f"submissions (or write all, or stale)")
        chosen.update(found)
    return chosen


def stale_rows(records, identity):
    """How many student rows were graded with another autograder than ``identity``."""
    return sum(max(1, len(r.get("people") or [])) for r in records.values() if r.get("autograder") != identity)


# -- grading, one process per submission -------------------------------------------------------

class _Stop(BaseException):
    """Raised in a grading process by SIGTERM: unwinds it so its sandboxed worker is killed."""


def grade_one(assignment, path, functions):
    """Grade one file: its points per function, its failures (check, status, rendered minimal
    example, and why: the first line of the check's words, or two without an example) for the summary, what
    happened when it could not be loaded, and its feedback (the table, explanations and load
    failure a student reads, as ``make grade`` words them) for its page."""
    report = grade(assignment, path, choose(assignment, functions))
    failures, missing = [], []
    for result in report.results:
        if result.status is Status.NOT_IMPLEMENTED:
            missing.append(result.function)
        for verdict in result.verdicts:
            if verdict.status not in UNRECORDED:  # the summary chooses which statuses it counts
                example = describe_example(verdict.example)
                # without a drawn example, the check's words say what it ran too (a worked example's
                # call, then what went wrong): two lines, where one is enough beside an example
                said = [line.strip() for line in verdict.message.splitlines()][:1 if example else 2]
                failures.append({"function": result.function, "check": verdict.check.title,
                                 "status": verdict.status.value, "example": example, "message": "\n".join(said)})
    load = report.load_failure
    feedback = {"table": table_rows(report, show_points=True), "notes": render_measured(report), "seed": report.seed,
                "failures": [_cut(text) for text in render_failures(report)],
                "load_failure": _cut(render_load_failure(load)) if load is not None else ""}
    return {"points": {r.function: r.points for r in report.results}, "failures": failures,
            "not_implemented": missing, "load_error": load.error if load is not None else "", "feedback": feedback}


def _cut(text):
    return text if len(text) <= MESSAGE_CHARACTERS else text[:MESSAGE_CHARACTERS] + "\n... (the rest was cut)"


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


def run_parallel(assignment, submissions, functions, on_result, jobs=None, timeout=DEFAULT_TIMEOUT,
                 on_start=None):
    """Grade ``submissions``, at most ``jobs`` at a time; ``on_start(submission)`` as each starts,
    ``on_result(submission, result, seconds)`` as each ends. Those without a file come first: they
    end at once, with their problem as error."""
    context = multiprocessing.get_context("fork")
    waiting, running = sorted(submissions, key=lambda s: s.path is not None), []
    jobs = max(1, jobs or os.cpu_count() or 1)
    try:
        while waiting or running:
            while waiting and len(running) < jobs:
                submission = waiting.pop(0)
                if submission.path is None:
                    on_result(submission, {"error": submission.problem}, 0.0)
                    continue
                if on_start is not None:
                    on_start(submission)
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


def draw_examples_once(assignment, functions, progress):
    """Draw here, before any grading process starts, the examples of the checks of ``functions``
    that this checkout does not keep yet, or not knowing whether a failure at the first is final
    (``examples.draw_missing``): the grading processes, forked from this one, feed them first
    instead of each searching on its own (a minute each)."""
    plans = plan(assignment)
    checks = [p.check for f in functions for p in plans[f].checks]
    missing = len(examples.to_draw(assignment, checks))
    if missing:
        print(f"drawing the examples of {missing} checks once, for every submission (and kept for the next runs)",
              file=progress, flush=True)
        examples.draw_missing(assignment, checks)


def check_extensions(policy, submissions):
    """Refuse extensions for students not among the submitters: a mistyped SID would be ignored."""
    unknown = [key for key in policy.extensions if not any(s.matches(key) for s in submissions)]
    if unknown:
        raise BulkError(f"EXTENSIONS: no submission by SID or email {unknown[0]!r}"
                        + (f" (nor {len(unknown) - 1} more)" if len(unknown) > 1 else "")
                        + ": correct it, or delete the row of a student who did not hand in")


def grade_all(assignment, source, out, functions=None, jobs=None, timeout=DEFAULT_TIMEOUT, progress=None,
              policy=LatePolicy(), regrade=None, without_metadata=False):
    """Grade every submission in ``source`` (folder or export zip) that has no record yet, and those
    ``regrade`` names ("all", "stale", or identifiers/SIDs/emails); keep CSV ``out`` current.

    ``policy`` (``LatePolicy``: deadline, penalty, extensions) fills the lateness columns;
    ``without_metadata`` grades an export without its metadata as plain folders. Returns a
    ``BulkResult``; on KeyboardInterrupt it returns with ``interrupted`` set, every finished record
    kept and the CSV current.
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
    identity = assignment.identity
    jobs = max(1, jobs or os.cpu_count() or 1)
    with tempfile.TemporaryDirectory(prefix="grade-all-") as workspace:
        submissions = find_submissions(source, assignment.module_name, workspace, without_metadata)
        identifiers = [s.identifier for s in submissions]
        duplicated = sorted({i for i in identifiers if identifiers.count(i) > 1})
        if duplicated:
            raise BulkError(f"several submissions are named {', '.join(duplicated)}")
        check_extensions(policy, submissions)
        records = read_records(out)
        _check_output(out, functions, records)
        _drop_cut_line(results_path(out))
        again = select_regrade(regrade, submissions, records, identity)
        todo = [s for s in submissions if s.identifier not in records or s.identifier in again]
        result = BulkResult(Path(out), submissions, skipped=[i for i in identifiers if i in records and i not in again],
                            identity=identity)
        write_csv(out, records, functions, policy)
        total, width = len(todo), len(str(len(todo)))
        if result.skipped:
            print(f"{len(result.skipped)} of {len(submissions)} submissions already graded in {out}: "
                  f"grading the other {len(todo)}", file=progress, flush=True)
        possible = sum(float(assignment.points.get(f, 0.0)) for f in functions)
        pace = Pace(sum(s.path is not None for s in todo), jobs)

        def record(submission, outcome, _seconds):
            seconds = pace.finished(submission.identifier, time.monotonic()) if submission.path else 0.0
            when = submission.submitted_at
            entry = {"submission": submission.identifier, "people": submission.people,
                     "submitted_at": when.isoformat(timespec="seconds") if when else None,
                     "dated_by": submission.dated_by, "functions": functions, "autograder": identity,
                     "graded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                     "seconds": round(seconds, 2), **outcome}
            with open(results_path(out), "a", encoding="utf-8") as file:
                file.write(json.dumps(entry) + "\n")
            records[submission.identifier] = entry  # a regrade replaces the old record
            write_csv(out, records, functions, policy)
            result.graded.append(submission.identifier)
            count = len(result.graded)
            score = (f"{sum(outcome['points'].values()):g}/{possible:g}" if "points" in outcome
                     else "error: " + outcome.get("error", "")[:60])
            print(f"[{count:>{width}}/{total}] {100 * count / total:3.0f}% {submission.identifier}  {score}"
                  f"  ({seconds:.1f} s)  {pace.describe(time.monotonic())}", file=progress, flush=True)

        try:
            if pace.total:
                draw_examples_once(assignment, functions, progress)
            run_parallel(assignment, todo, functions, record, jobs, timeout,
                         on_start=lambda submission: pace.started(submission.identifier, time.monotonic()))
        except KeyboardInterrupt:
            result.interrupted = True
    return result
