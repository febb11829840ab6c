"""Summarise a graded class: pass rates per function, the most common failing minimal examples
(they show the class's misconceptions), lateness, stale rows, and a histogram of the totals."""

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from autograder.core.feedback import format_table
from autograder.instructor.bulk import read_records, record_hours_late, stale_rows
from autograder.instructor.class_submissions import FILE_TIME, BulkError
from autograder.instructor.lateness import LatePenalty


@dataclass
class Summary:
    functions: list
    possible: dict  # function -> points
    rows: list  # records of the graded submissions (no error)
    errors: list  # (identifier, error)
    full_marks: dict  # function -> submissions with full points
    not_implemented: dict  # function -> submissions that did not implement it
    common_failures: dict  # function -> [(count, check, example, message)], most common first
    unloadable: list = field(default_factory=list)  # (identifier, what happened): graded 0, the file would not load
    students: int = 0  # students of the graded submissions (a group's members each count)
    late: list = field(default_factory=list)  # (identifier, hours late) of the submissions after the deadline
    dated_by_file: list = field(default_factory=list)  # identifiers dated by their file's modification time
    stale: int = 0  # student rows graded with another autograder
    due: datetime = None
    penalty: LatePenalty = field(default_factory=LatePenalty)

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


def summarize(assignment, out, top=3, due=None, penalty=LatePenalty(), identity=None):
    """Pass rates, most common failing minimal examples, totals, lateness: from the records of ``out``.

    ``identity`` (the current ``Assignment.identity``) counts the rows graded by another autograder.
    """
    records = read_records(out)
    functions = next(iter(records.values()))["functions"] if records else list(assignment.functions)
    possible = {f: float(assignment.points.get(f, 0.0)) for f in functions}
    graded = [r for r in records.values() if not r.get("error") and r.get("points") is not None]
    errors = [(r["submission"], r["error"]) for r in records.values() if r.get("error")]
    full = {f: sum(r["points"].get(f, 0.0) >= possible[f] - 1e-9 for r in graded) for f in functions}
    counts, messages, missing, unloadable = Counter(), {}, Counter(), []
    for entry in graded:
        missing.update(set(entry.get("not_implemented", [])))
        if entry.get("load_error"):
            unloadable.append((entry["submission"], entry["load_error"]))
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
    late = []
    if due is not None:
        late = sorted((r["submission"], record_hours_late(r, due)) for r in records.values()
                      if (record_hours_late(r, due) or 0) > 0)
    return Summary(functions, possible, graded, errors, full, {f: missing[f] for f in functions}, common,
                   sorted(unloadable), students=sum(max(1, len(r.get("people") or [])) for r in graded),
                   late=late, dated_by_file=sorted(r["submission"] for r in records.values()
                                                   if r.get("dated_by") == FILE_TIME),
                   stale=stale_rows(records, identity) if identity else 0, due=due, penalty=penalty)


def render_summary(summary):
    """The summary as text: a table per function, the totals, lateness, then the most common failures."""
    count = len(summary.rows)
    lines = [f"Summary of {count} graded submission{'s' if count != 1 else ''} ({summary.students} students)"
             + (f" ({len(summary.errors)} could not be graded)" if summary.errors else ""), ""]
    rows = [("function", "full marks", "not implemented", "mean points")]
    for f in summary.functions:
        mean = sum(r["points"].get(f, 0.0) for r in summary.rows) / count if count else 0.0
        rows.append((f, f"{summary.full_marks[f]}/{count} ({100 * summary.pass_rate(f):.0f}%)",
                     str(summary.not_implemented[f]), f"{mean:.1f}/{summary.possible[f]:g}"))
    lines.append(format_table(rows))
    totals = sorted(summary.totals)
    if totals:
        middle = len(totals)
        median = (totals[(middle - 1) // 2] + totals[middle // 2]) / 2
        lines += ["", f"total: mean {sum(totals) / middle:.1f}, median {median:g}, min {totals[0]:g}, "
                      f"max {totals[-1]:g} (out of {summary.total_possible:g})"]
    if summary.due is not None:
        lines.append(f"late: {len(summary.late)} submission{'s' if len(summary.late) != 1 else ''} after "
                     f"{summary.due.isoformat()} ({summary.penalty.describe()})"
                     + "".join(f"\n  {identifier}: {hours:.1f} h late" for identifier, hours in summary.late))
    if summary.dated_by_file:
        lines.append(f"dated by their file's modification time (no Gradescope metadata): "
                     f"{len(summary.dated_by_file)} submission{'s' if len(summary.dated_by_file) != 1 else ''}")
    if summary.stale:
        lines.append(f"{summary.stale} row{'s were' if summary.stale != 1 else ' was'} graded with an older "
                     f"autograder: REGRADE=stale to refresh")
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
            lines += ["          " + line for line in example.splitlines()]
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
