"""Turn verdicts into text a first-year student can act on: a table, then each failure explained.

A failure reads: which function, what property, the smallest input Hypothesis found on which it
breaks (written as a call), and what came back compared with what was expected. No stack traces,
no internal paths.
"""

from autograder.core.checks import show
from autograder.core.outcomes import Status
from autograder.core.text import indented

SYMBOLS = {Status.PASSED: "✓", Status.FAILED: "✗", Status.NOT_IMPLEMENTED: "·", Status.GRADER_ERROR: "!",
           Status.NOT_GRADED: "✗"}
WORDS = {Status.PASSED: "passed", Status.FAILED: "failed", Status.NOT_IMPLEMENTED: "not implemented yet",
         Status.GRADER_ERROR: "grader error", Status.NOT_GRADED: "not graded: the file could not be loaded"}
OUTPUT_SHOWN = 2_000  # characters of what an unloadable file printed, shown once
LOAD_HINT = (
    "Usual causes: code at the top level of the file (tests, training runs, plots, prints) runs as soon as\n"
    "the file is loaded: put it under `if __name__ == \"__main__\":`. And a file opened with a relative path,\n"
    "such as np.load(\"digits.npz\"), is looked for in the folder the grader runs in, not next to your file:\n"
    "your functions should work on the arguments they are given and read no files."
)


def describe_example(example):
    """The example's named inputs, one per line."""
    return "\n".join(f"{name} = {show(value, indent=len(name) + 3)}" for name, value in example.items())


def render_verdict(verdict):
    """A failed or not-implemented check, explained in a few lines under a heading naming it."""
    check = verdict.check
    return f"{SYMBOLS[verdict.status]} {check.function}: {check.title}\n" + indented(explain_verdict(verdict))


def explain_verdict(verdict):
    """What went wrong in a check that did not pass (the smallest input first), without a heading."""
    if verdict.status is Status.NOT_IMPLEMENTED or not verdict.example:
        return verdict.message
    example = indented(describe_example(verdict.example))
    return f"Smallest input on which it goes wrong:\n{example}\n{verdict.message}"


def render_table(report, show_points):
    """One row per function: its verdict, the checks that passed, and (when graded) its points."""
    return format_table(table_rows(report, show_points))


def table_rows(report, show_points):
    """The cells of ``render_table``: a header row, one row per function (and the total, when graded)."""
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
    return rows


def format_table(rows):
    """Rows of strings as aligned columns; the first row is the header, ruled off below."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    text = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    text.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(text)


def render_load_failure(outcome):
    """One block for a file that could not be loaded: what happened, where, what it printed, why."""
    lines = ["Your file could not be loaded, so none of its functions was graded.",
             f"  What happened: {outcome.error}"]
    if outcome.where:
        lines.append(f"  Where: {outcome.where}")
    printed = outcome.output.strip()
    if printed:
        cut = len(printed) > OUTPUT_SHOWN
        lines.append(f"  It printed{' (the first 2 kB)' if cut else ''}:")
        lines.append(indented(printed[:OUTPUT_SHOWN] + ("\n..." if cut else "")))
    syntax = outcome.error.startswith(("SyntaxError", "IndentationError", "TabError"))
    return "\n".join(lines + ([] if syntax else [LOAD_HINT]))


def render_report(report, show_points=False):
    """The whole report: what was left out of a notebook, the table, every check that did not pass,
    then the seed."""
    parts = [render_table(report, show_points)]
    if report.notes:
        parts.insert(0, render_notebook_notes(report.notes))
    if report.load_failure is not None:
        return "\n\n".join(parts + [render_load_failure(report.load_failure)])
    explanations = render_failures(report)
    if explanations:
        parts.append(FAILURES_HEADING)
        parts.extend(explanations)
    notes = render_notes(report)
    if notes:
        parts.append("\n".join(notes))
    parts.append(seed_line(report.seed))
    return "\n\n".join(parts)


FAILURES_HEADING = "What went wrong (each with the smallest input found):"


def render_notebook_notes(notes):
    """What was left out of a notebook before grading, one line each."""
    return ("From your notebook, only imports, functions, classes and constants are checked;\n"
            + "\n".join(f"  {note}" for note in notes))


def render_failures(report):
    """Every failed check (or check the grader could not run), explained: ``render_verdict`` each."""
    return [render_verdict(v) for r in report.results for v in r.verdicts
            if v.status in (Status.FAILED, Status.GRADER_ERROR)]


def render_notes(report):
    """What passed checks measured, e.g. the accuracy a training run reached (each said once)."""
    return list(dict.fromkeys(f"{v.check.function}: {v.message}" for r in report.results for v in r.verdicts
                              if v.passed and v.message))


def seed_line(seed):
    return f"(Hypothesis seed {seed}: the same file always gets the same result.)"
