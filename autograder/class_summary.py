"""Summarise a graded class: pass rates per function, the most common failing minimal examples
(they show the class's misconceptions), and a PNG histogram of the totals."""

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from autograder.bulk import IDENTITY, LOAD_FAILURE, feedback_path, read_rows
from autograder.feedback import format_table
from autograder.png import histogram_png


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
    lines.append(format_table(rows))
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
    """A PNG histogram of the totals at ``path`` (drawn by autograder.png: no plotting library)."""
    title = f"Totals of {len(summary.rows)} submissions (out of {summary.total_possible:g})"
    return histogram_png(path, summary.totals, summary.total_possible or 1.0, title=title, x_label="total points")
