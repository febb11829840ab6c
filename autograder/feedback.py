"""Turn verdicts into text a first-year student can act on: a table, then each failure explained.

A failure reads: which function, what property, the smallest input Hypothesis found on which it
breaks (written as a call), and what came back compared with what was expected. No stack traces,
no internal paths.
"""

from autograder.checks import show
from autograder.runner import FAILED, GRADER_ERROR, NOT_IMPLEMENTED, PASSED

SYMBOLS = {PASSED: "✓", FAILED: "✗", NOT_IMPLEMENTED: "·", GRADER_ERROR: "!"}
WORDS = {PASSED: "passed", FAILED: "failed", NOT_IMPLEMENTED: "not implemented yet", GRADER_ERROR: "grader error"}


def describe_example(example):
    """The example's named inputs, one per line."""
    return "\n".join(f"{name} = {show(value, indent=len(name) + 3)}" for name, value in example.items())


def render_verdict(verdict):
    """A failed or not-implemented check, explained in a few lines."""
    check = verdict.check
    lines = [f"{SYMBOLS[verdict.status]} {check.function}: {check.title}"]
    if verdict.status == NOT_IMPLEMENTED:
        lines.append(f"    {verdict.message}")
        return "\n".join(lines)
    if verdict.example:
        lines.append("    Smallest input on which it goes wrong:")
        lines.append(_indent(describe_example(verdict.example), "        "))
    lines.append(_indent(verdict.message, "    "))
    return "\n".join(lines)


def render_table(report, show_points):
    """One row per function: its verdict, the checks that passed, and (when graded) its points."""
    rows = [("function", "result", "checks passed") + (("points",) if show_points else ())]
    for result in report.results:
        passed = sum(v.passed for v in result.verdicts)
        row = (result.function, f"{SYMBOLS[result.status]} {WORDS[result.status]}",
               f"{passed}/{len(result.verdicts)}")
        if show_points:
            row += (f"{result.points:g}/{result.possible:g}",)
        rows.append(row)
    if show_points:
        rows.append(("total", "", "", f"{report.points:g}/{report.possible:g}"))
    return format_table(rows)


def format_table(rows):
    """Rows of strings as aligned columns; the first row is the header, ruled off below."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    text = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    text.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(text)


def render_report(report, show_points=False):
    """The whole report: what was left out of a notebook, the table, every check that did not pass,
    then the seed."""
    parts = [render_table(report, show_points)]
    if getattr(report, "notes", None):
        parts.insert(0, "From your notebook, only imports, functions, classes and constants are checked;\n"
                     + "\n".join(f"  {note}" for note in report.notes))
    problems = [v for r in report.results for v in r.verdicts if not v.passed]
    failures = [v for v in problems if v.status in (FAILED, GRADER_ERROR)]
    if failures:
        parts.append("What went wrong (each with the smallest input found):")
        parts.extend(render_verdict(v) for v in failures)
    notes = [v for r in report.results for v in r.verdicts if v.passed and v.message]
    if notes:
        parts.append("\n".join(f"{v.check.function}: {v.message}" for v in notes))
    parts.append(f"(Hypothesis seed {report.seed}: the same file always gets the same result.)")
    return "\n\n".join(parts)


def _indent(text, prefix):
    return "\n".join(prefix + line for line in text.splitlines())
