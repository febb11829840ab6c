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

PyYAML (installed with Otter) reads the metadata when present; otherwise a small parser reads
the shape Gradescope writes. Students never need either.
"""

import csv
import json
import multiprocessing
import multiprocessing.connection
import os
import re
import signal
import sys
import tempfile
import time
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from autograder.feedback import describe_example
from autograder.grading import grade
from autograder.runner import FAILED, NOT_IMPLEMENTED

IDENTITY = ["submission", "name", "sid", "email"]
METADATA = "submission_metadata.yml"
LOAD_FAILURE = "your file could not be loaded"  # how autograder.checks words an import failure
DEFAULT_TIMEOUT = 1800.0  # seconds per submission; each call is limited too, this catches the rest


class BulkError(ValueError):
    """Bad input to bulk grading (missing folder, unreadable export, CSV of other columns)."""


@dataclass
class Submission:
    identifier: str
    path: Path = None  # the NAME.py to grade; None when the submission has none
    name: str = ""
    sid: str = ""
    email: str = ""
    problem: str = ""  # why it cannot be graded


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


# -- finding the submissions --------------------------------------------------------------------

def find_submissions(source, module_name, workspace):
    """The submissions in folder or zip ``source`` (a zip is extracted into ``workspace``)."""
    source = Path(source)
    if source.is_file():
        if not zipfile.is_zipfile(source):
            raise BulkError(f"{source} is neither a folder nor a zip file")
        folder = Path(workspace) / "export"
        try:
            with zipfile.ZipFile(source) as archive:
                archive.extractall(folder)  # zipfile drops absolute paths and ".." parts
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise BulkError(f"cannot extract {source}: {error}") from None
    elif source.is_dir():
        folder = source
    else:
        raise BulkError(f"no such folder or zip file: {source}")
    metadata = sorted((p for p in folder.rglob(METADATA) if "__MACOSX" not in p.parts), key=lambda p: len(p.parts))
    if metadata:
        submissions = _from_export(metadata[0], module_name)
    else:
        submissions = _from_folders(folder, module_name)
    if not submissions:
        raise BulkError(f"no submissions in {source} (expected one folder per student holding {module_name}.py, "
                        f"or a Gradescope export with {METADATA})")
    return submissions


def _subfolders(folder):
    return sorted(p for p in folder.iterdir() if p.is_dir() and p.name not in ("__MACOSX", "__pycache__")
                  and not p.name.startswith("."))


def _from_folders(folder, module_name):
    """One submission per subfolder (its ``NAME.py``), and one per loose ``.py`` file (named by its stem)."""
    subfolders = _subfolders(folder)
    loose_files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    if len(subfolders) == 1 and not loose_files and not _locate(subfolders[0], module_name, shallow=True):
        return _from_folders(subfolders[0], module_name)  # a zip or copy of the class folder itself
    return ([_submission(sub.name, sub, module_name) for sub in subfolders]
            + [Submission(file.stem, file) for file in loose_files if file.suffix == ".py"])


def _from_export(metadata_file, module_name):
    try:
        people = read_metadata(metadata_file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BulkError(f"cannot read {metadata_file.name}: {error}") from None
    folder = metadata_file.parent
    submissions = []
    for identifier, person in people.items():
        submission = _submission(identifier, folder / identifier, module_name)
        submission.name, submission.sid, submission.email = person["name"], person["sid"], person["email"]
        submissions.append(submission)
    submissions += [_submission(sub.name, sub, module_name) for sub in _subfolders(folder) if sub.name not in people]
    return submissions


def _locate(folder, module_name, shallow=False):
    if (folder / f"{module_name}.py").is_file():
        return folder / f"{module_name}.py"
    if shallow:
        return None
    found = [p for p in folder.rglob(f"{module_name}.py") if p.is_file() and "__MACOSX" not in p.parts]
    return min(found, key=lambda p: (len(p.parts), str(p))) if found else None


def _submission(identifier, folder, module_name):
    if not folder.is_dir():
        return Submission(identifier, problem="its folder is missing from the export")
    path = _locate(folder, module_name)
    if path is None:
        files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
        listed = ", ".join(files[:5]) + (", ..." if len(files) > 5 else "") if files else "no files"
        return Submission(identifier, problem=f"no {module_name}.py in the submission ({listed})")
    return Submission(identifier, path)


# -- Gradescope's submission_metadata.yml ---------------------------------------------------------

def read_metadata(text):
    """``{"submission_<id>": {"name", "sid", "email"}}`` from Gradescope's ``submission_metadata.yml``.

    The file maps each submission folder to ``{":submitters": [{":name", ":sid", ":email"}, ...],
    ":created_at": ..., ":score": ..., ...}``; group members are joined with "; ".
    """
    try:
        import yaml
    except ImportError:
        data = parse_metadata(text)
    else:
        try:
            data = yaml.load(text, Loader=_tolerant_loader(yaml))
        except yaml.YAMLError as error:
            raise ValueError(str(error).replace("\n", " ")) from None
    if not isinstance(data, dict):
        raise ValueError("expected a mapping of submission folders to their submitters")
    people = {}
    for key, record in data.items():
        submitters = record.get(":submitters") if isinstance(record, dict) else None
        if not isinstance(submitters, list):
            raise ValueError(f"{key}: no list of :submitters")
        people[str(key)] = {
            field_name: "; ".join(str(s.get(f":{field_name}") or "") for s in submitters if isinstance(s, dict))
            for field_name in ("name", "sid", "email")
        }
    return people


def _tolerant_loader(yaml):
    """yaml.SafeLoader that reads Ruby-tagged values (``!ruby/object:BigDecimal ...``) as plain data."""
    class Loader(yaml.SafeLoader):
        pass

    def untagged(loader, suffix, node):
        if isinstance(node, yaml.MappingNode):
            return loader.construct_mapping(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_scalar(node)

    Loader.add_multi_constructor("!", untagged)
    return Loader


_KEY_VALUE = re.compile(r"^(?:- )?(:?[\w-]+):(?:\s+(.*))?$")


def parse_metadata(text):
    """A small parser for the shape of ``submission_metadata.yml`` (block style, as Gradescope writes it).

    Reads the top-level keys and, under each, the ``:submitters:`` list of ``:name``, ``:sid``,
    ``:email``; everything else (scores, history, results) is skipped.
    """
    data, current, block, person = {}, None, None, None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped in ("---", "..."):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent == 0:
            if not stripped.endswith(":"):
                raise ValueError(f"line {number}: expected `submission_<id>:`")
            current = _unquote(stripped[:-1])
            data[current] = {":submitters": []}
            block = person = None
            continue
        if current is None:
            raise ValueError(f"line {number}: indented line before any submission")
        if block is not None and (indent < block or (indent == block and not stripped.startswith("- "))):
            block = person = None
        if block is None:
            if stripped == ":submitters:":
                block = indent
            elif stripped.startswith(":submitters:"):
                raise ValueError(f"line {number}: write :submitters: as a block list")
            continue
        if stripped.startswith("- "):
            if indent > block + 2:
                continue  # a list nested inside a submitter
            person = {}
            data[current][":submitters"].append(person)
        match = _KEY_VALUE.match(stripped)
        if person is not None and match and match.group(1) in (":name", ":sid", ":email"):
            person[match.group(1)] = _unquote(match.group(2) or "")
    return data


def _unquote(value):
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return json.loads(value)
    return value


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
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        try:
            result = grade_one(assignment, submission.path, functions)
        except Exception as error:  # noqa: BLE001 - any grader failure becomes this row's error
            text = str(error).strip().splitlines()
            result = {"error": f"grading raised {type(error).__name__}" + (f": {text[0]}" if text else "")}
        connection.send(result)
    except _Stop:
        pass
    finally:
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


# -- the summary -----------------------------------------------------------------------------------

@dataclass
class Summary:
    functions: list
    possible: dict  # function -> points
    rows: list  # graded rows (no error)
    errors: list  # (identifier, error)
    full_marks: dict  # function -> submissions with full points
    not_implemented: dict  # function -> submissions that did not implement it
    common_failures: dict  # function -> [(count, check, example, message)], most common first
    unloadable: list = field(default_factory=list)  # (identifier, why): graded 0, the file would not load

    @property
    def totals(self):
        return [float(row["total"]) for row in self.rows]

    @property
    def total_possible(self):
        return sum(self.possible.values())

    def pass_rate(self, function):
        return self.full_marks[function] / len(self.rows) if self.rows else 0.0


def summarize(assignment, out, top=3):
    """Pass rates, most common failing minimal examples, totals: from ``out`` and its feedback file."""
    rows = read_rows(out)
    if not rows:
        columns = next(csv.reader(Path(out).read_text(encoding="utf-8").splitlines()), [])
    else:
        columns = list(rows[0])
    functions = [c for c in columns if c not in IDENTITY + ["total", "error"]]
    possible = {f: float(assignment.points.get(f, 0.0)) for f in functions}
    graded = [r for r in rows if not r.get("error")]
    errors = [(r["submission"], r["error"]) for r in rows if r.get("error")]
    full = {f: sum(float(r[f]) >= possible[f] - 1e-9 for r in graded) for f in functions}
    details = {}
    if feedback_path(out).is_file():
        for line in feedback_path(out).read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line cut by a hard kill
            details[entry.get("submission")] = entry  # the last one wins (a re-graded submission)
    graded_ids = {r["submission"] for r in graded}
    counts, messages, missing, unloadable = Counter(), {}, Counter(), []
    for identifier, entry in details.items():
        if identifier not in graded_ids:
            continue
        missing.update(set(entry.get("not_implemented", [])))
        if entry.get("load_error"):
            unloadable.append((identifier, entry["load_error"]))
        seen = set()
        for failure in entry.get("failures", []):
            example = failure["example"] or "(no example: " + failure["message"] + ")"
            key = (failure["function"], failure["check"], example)
            if key not in seen:  # count submissions, not checks
                seen.add(key)
                counts[key] += 1
                messages.setdefault(key, failure["message"])
    common = {f: [(n, check, example, messages[(f, check, example)])
                  for (function, check, example), n in counts.most_common() if function == f][:top]
              for f in functions}
    return Summary(functions, possible, graded, errors, full, {f: missing[f] for f in functions}, common,
                   sorted(unloadable))


def render_summary(summary):
    """The summary as text: a table per function, the totals, then the most common failures."""
    count = len(summary.rows)
    lines = [f"Summary of {count} graded submission{'s' if count != 1 else ''}"
             + (f" ({len(summary.errors)} could not be graded)" if summary.errors else ""), ""]
    rows = [("function", "full marks", "not implemented", "mean points")]
    for f in summary.functions:
        mean = sum(float(r[f]) for r in summary.rows) / count if count else 0.0
        rows.append((f, f"{summary.full_marks[f]}/{count} ({100 * summary.pass_rate(f):.0f}%)",
                     str(summary.not_implemented[f]), f"{mean:.1f}/{summary.possible[f]:g}"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    table = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines += [table[0], "  ".join("-" * w for w in widths), *table[1:]]
    totals = sorted(summary.totals)
    if totals:
        median = (totals[(count - 1) // 2] + totals[count // 2]) / 2
        lines += ["", f"total: mean {sum(totals) / count:.1f}, median {median:g}, min {totals[0]:g}, "
                      f"max {totals[-1]:g} (out of {summary.total_possible:g})"]
    for identifier, why in summary.unloadable:
        lines.append(f"could not be loaded: {identifier}: {why[len(LOAD_FAILURE):].lstrip(': ')}")
    for identifier, error in summary.errors:
        lines.append(f"not graded: {identifier}: {error}")
    for f in summary.functions:
        if not summary.common_failures[f]:
            continue
        lines += ["", f"Most common failures of {f} (submissions, check, smallest input):"]
        for n, check, example, message in summary.common_failures[f]:
            lines.append(f"  {n:>3} x {check}")
            lines += ["          " + line for line in example.splitlines()]
            if message and not example.startswith("(no example"):
                lines.append("          -> " + message)
    return "\n".join(lines)


def write_histogram(summary, path):
    """A PNG histogram of the totals at ``path`` (matplotlib when installed, else autograder.png)."""
    title = f"Totals of {len(summary.rows)} submissions (out of {summary.total_possible:g})"
    try:
        import matplotlib
    except ImportError:
        from autograder.png import histogram_png

        return histogram_png(path, summary.totals, summary.total_possible or 1.0, title=title,
                             x_label="total points")
    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(6.4, 4.0), dpi=100)
    axes.hist(summary.totals, bins=10, range=(0, summary.total_possible or 1.0), color="#426eb4", rwidth=0.92)
    axes.set(title=title, xlabel="total points", ylabel="submissions")
    axes.yaxis.get_major_locator().set_params(integer=True)
    figure.savefig(path)
    pyplot.close(figure)
    return path
