"""Summarise a graded class: pass rates per function, the most common failing minimal examples
(they show the class's misconceptions), lateness and extensions, and a histogram of the totals.

Only the rows graded by the current autograder count: rows graded by another (before a check or
its points changed) are listed apart until ``REGRADE=stale`` grades them again, never mixed in.
Which verdicts count as a function's failures is ``COUNTED``, read from each failure's recorded
status by ``counted_failures`` alone.
"""

import io
from collections import Counter
from dataclasses import dataclass, field

from autograder.core.feedback import format_table
from autograder.core.outcomes import Status
from autograder.instructor.bulk import read_records, stale_rows, student_rows
from autograder.instructor.class_submissions import FILE_TIME, BulkError
from autograder.instructor.lateness import LatePolicy

COUNTED = frozenset({Status.FAILED.value})  # the verdict statuses counted as failures of their function
EXAMPLE_LINES = 6  # of a minimal example shown in the summary (a student's page shows it whole)


def counted_failures(record):
    """The failures of ``record`` that the summary counts: those whose status is in ``COUNTED``
    (records written before statuses were recorded hold failed checks only)."""
    return [f for f in record.get("failures", []) if f.get("status", Status.FAILED.value) in COUNTED]


@dataclass
class Summary:
    functions: list
    possible: dict  # function -> points
    rows: list  # records of the submissions graded by the current autograder (no error)
    errors: list  # (identifier, error): not graded
    full_marks: dict  # function -> submissions with full points
    not_implemented: dict  # function -> submissions that did not implement it
    common_failures: dict  # function -> [(count, check, example, message)], most common first
    unloadable: list = field(default_factory=list)  # (identifier, what happened): graded 0, the file would not load
    students: int = 0  # students of the graded submissions (a group's members each count)
    late: list = field(default_factory=list)  # (identifier, student, hours late) of each student after their deadline
    extended: list = field(default_factory=list)  # (identifier, student, extension) of each student with one
    dated_by_file: list = field(default_factory=list)  # identifiers dated by their file's modification time
    stale: list = field(default_factory=list)  # identifiers graded by another autograder: in none of the figures
    stale_students: int = 0  # their student rows
    policy: LatePolicy = field(default_factory=LatePolicy)
    identity: str = ""  # the autograder whose rows these figures are made of

    @property
    def totals(self):
        """The total of every student (a group's total once per member)."""
        return [sum(r["points"].get(f, 0.0) for f in self.functions)
                for r in self.rows for _ in range(max(1, len(r.get("people") or [])))]

    @property
    def total_possible(self):
        return sum(self.possible.values())

    def pass_rate(self, function):
        return self.full_marks[function] / len(self.rows) if self.rows else 0.0

    def mean_points(self, function):
        return sum(r["points"].get(function, 0.0) for r in self.rows) / len(self.rows) if self.rows else 0.0


def summarize(assignment, out, top=3, policy=LatePolicy(), identity=None):
    """Pass rates, most common failing minimal examples, totals, lateness: from the records of ``out``
    graded by autograder ``identity`` (default: ``assignment``'s as it is now); the others are ``stale``."""
    identity = identity or assignment.identity
    records = read_records(out)
    functions = next(iter(records.values()))["functions"] if records else list(assignment.functions)
    possible = {f: float(assignment.points.get(f, 0.0)) for f in functions}
    current = [r for r in records.values() if r.get("autograder") == identity]
    stale = sorted(r["submission"] for r in records.values() if r.get("autograder") != identity)
    graded = [r for r in current if not r.get("error") and r.get("points") is not None]
    errors = sorted((r["submission"], r["error"]) for r in current if r.get("error"))
    full = {f: sum(r["points"].get(f, 0.0) >= possible[f] - 1e-9 for r in graded) for f in functions}
    counts, messages, missing, unloadable = Counter(), {}, Counter(), []
    for entry in graded:
        missing.update(set(entry.get("not_implemented", [])))
        if entry.get("load_error"):
            unloadable.append((entry["submission"], entry["load_error"]))
        seen = set()
        for failure in counted_failures(entry):
            example = failure["example"] or "(no example: " + failure["message"] + ")"
            key = (failure["function"], failure["check"], example)
            if key not in seen:  # count submissions, not checks
                seen.add(key)
                counts[key] += 1
                messages.setdefault(key, failure["message"])
    common = {f: [(n, check, example, messages[(f, check, example)])
                  for (function, check, example), n in counts.most_common() if function == f][:top]
              for f in functions}
    rows = [(r["submission"], row) for r in sorted(current, key=lambda r: r["submission"])
            for row in student_rows(r, functions, policy)]
    return Summary(functions, possible, graded, errors, full, {f: missing[f] for f in functions}, common,
                   sorted(unloadable), students=sum(max(1, len(r.get("people") or [])) for r in graded),
                   late=[(i, _who(row), float(row["hours_late"])) for i, row in rows
                         if row["hours_late"] and float(row["hours_late"]) > 0],
                   extended=[(i, _who(row), policy.extension(row)) for i, row in rows if row["extension"]],
                   dated_by_file=sorted(r["submission"] for r in current if r.get("dated_by") == FILE_TIME),
                   stale=stale, stale_students=stale_rows(records, identity),
                   policy=policy, identity=identity)


def _who(row):
    return row["name"] or row["sid"] or row["email"]


def function_rows(summary):
    """The per-function table: a header row, then full marks, not implemented and mean points of each."""
    count = len(summary.rows)
    return [("function", "full marks", "not implemented", "mean points")] + [
        (f, f"{summary.full_marks[f]}/{count} ({100 * summary.pass_rate(f):.0f}%)", str(summary.not_implemented[f]),
         f"{summary.mean_points(f):.1f}/{summary.possible[f]:g}") for f in summary.functions]


def totals_line(summary):
    """``total: mean 150.3, median 180, min 0, max 220 (out of 220)``; empty when nothing was graded."""
    totals = sorted(summary.totals)
    if not totals:
        return ""
    middle = len(totals)
    median = (totals[(middle - 1) // 2] + totals[middle // 2]) / 2
    return (f"total: mean {sum(totals) / middle:.1f}, median {median:g}, min {totals[0]:g}, max {totals[-1]:g} "
            f"(out of {summary.total_possible:g})")


def short_example(example, lines=EXAMPLE_LINES):
    """A minimal example cut to its first ``lines`` lines (a training set can take sixty)."""
    kept = example.splitlines()
    if len(kept) <= lines:
        return example
    return "\n".join(kept[:lines] + [f"... ({len(kept) - lines} more lines: the student's page shows it whole)"])


def stale_line(summary):
    count = summary.stale_students
    return (f"{count} student row{'s were' if count != 1 else ' was'} graded with another autograder and "
            f"{'are' if count != 1 else 'is'} left out of these figures: REGRADE=stale grades "
            f"{'them' if count != 1 else 'it'} again") if count else ""


def render_summary(summary):
    """The summary as text: a table per function, the totals, lateness, then the most common failures."""
    count = len(summary.rows)
    lines = [f"Summary of {count} graded submission{'s' if count != 1 else ''} ({summary.students} students)"
             + (f" ({len(summary.errors)} could not be graded)" if summary.errors else ""), ""]
    lines.append(format_table(function_rows(summary)))
    if totals_line(summary):
        lines += ["", totals_line(summary)]
    if summary.policy.due is not None:
        late = len(summary.late)
        lines.append(f"late: {late} student{'s' if late != 1 else ''} after their deadline "
                     f"({summary.policy.describe()})"
                     + "".join(f"\n  {identifier} ({who}): {hours:.1f} h late"
                               for identifier, who, hours in summary.late))
    if summary.extended:
        lines.append(f"extensions: {len(summary.extended)}" + "".join(
            f"\n  {identifier} ({who}): {extension.describe()}" for identifier, who, extension in summary.extended))
    if summary.dated_by_file:
        lines.append(f"dated by their file's modification time (no Gradescope metadata): "
                     f"{len(summary.dated_by_file)} submission{'s' if len(summary.dated_by_file) != 1 else ''}")
    if summary.stale:
        lines.append(stale_line(summary) + ": " + ", ".join(summary.stale))
    for identifier, why in summary.unloadable:
        lines.append(f"could not be loaded: {identifier}: {why}")
    for identifier, error in summary.errors:
        lines.append(f"not graded: {identifier}: {error}")
    for f in summary.functions:
        if not summary.common_failures[f]:
            continue
        lines += ["", f"Most common failures of {f} (submissions, check, smallest input):"]
        for n, check, example, message in summary.common_failures[f]:
            lines.append(f"  {n:>3} x {check}")
            lines += ["          " + line for line in short_example(example).splitlines()]
            if message and not example.startswith("(no example"):
                lines.append("          -> " + message)
    return "\n".join(lines)


def histogram_png(summary):
    """The histogram of the totals as PNG bytes, drawn with matplotlib (the instructors' ``class`` extra)."""
    try:
        import matplotlib
        matplotlib.use("Agg")  # no display: files only
        from matplotlib import pyplot
    except ImportError:
        raise BulkError('the histogram needs matplotlib: `make grade-all` installs it (pip install -e ".[class]")') \
            from None
    figure, axes = pyplot.subplots(figsize=(6.4, 4.0), dpi=100)
    high = summary.total_possible or 1.0
    axes.hist(summary.totals, bins=10, range=(0, high), color="#426eb4", edgecolor="white")
    axes.set_xlim(0, high)
    axes.set_xlabel("total points")
    axes.set_ylabel("students")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_title(f"Totals of {len(summary.totals)} students (out of {high:g})")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    pyplot.close(figure)
    return buffer.getvalue()


def write_histogram(summary, path):
    """The histogram of the totals as a PNG at ``path``."""
    path.write_bytes(histogram_png(summary))
    return path
