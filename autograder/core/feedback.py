"""Turn verdicts into text a first-year student can act on: a table, then each failure explained.

A failure reads: which function, what property, the smallest input Hypothesis found on which it
breaks (written as a call), and what came back compared with what was expected. No stack traces,
no internal paths.
"""

from autograder.core.checks import call_text, same_value, show
from autograder.core.outcomes import Reason, Status
from autograder.core.text import indented

SYMBOLS = {Status.PASSED: "✓", Status.FAILED: "✗", Status.NOT_IMPLEMENTED: "·", Status.GRADER_ERROR: "!",
           Status.NOT_GRADED: "✗", Status.WAITING: "…"}
WORDS = {Status.PASSED: "passed", Status.FAILED: "failed", Status.NOT_IMPLEMENTED: "not implemented yet",
         Status.GRADER_ERROR: "grader error", Status.NOT_GRADED: "not graded: the file could not be loaded",
         Status.WAITING: "waiting"}
OUTPUT_SHOWN = 2_000  # characters of what an unloadable file printed, shown once
TOP_LEVEL_HINT = (
    "Usual causes: code at the top level of the file (tests, training runs, plots, prints) runs as soon as\n"
    "the file is loaded: put it under `if __name__ == \"__main__\":`."
)
PATH_HINT = (
    "A file opened with a relative path, such as np.load(\"digits.npz\"), is looked for in the folder the\n"
    "grader runs in, not next to your file: your functions should work on the arguments they are given and\n"
    "read no files."
)
LOAD_HINT = f"{TOP_LEVEL_HINT}\n{PATH_HINT}"
TITLES_WIDTH = 80  # characters of check titles named in "the same in N more checks (...)"
WORK_SHOWN = 3  # top-level statements named in the warning about them


def describe_example(example):
    """The example's named inputs, one per line."""
    return "\n".join(f"{name} = {show(value, indent=len(name) + 3)}" for name, value in example.items())


def render_verdict(verdict, notebook=None):
    """A check that did not pass, explained in a few lines under a heading naming it (``notebook``:
    the ``NotebookModule`` the submission came from, whose cells lines are shown in)."""
    check = verdict.check
    return f"{SYMBOLS[verdict.status]} {check.function}: {check.title}\n" + indented(explain_verdict(verdict, notebook))


def explain_verdict(verdict, notebook=None):
    """What went wrong in a check that did not pass (the smallest input first), without a heading.

    A check waiting on another function says only that (what it saw comes from that function, not
    from this one); a call refused because it went wrong before points to where that was explained;
    a call that went wrong says how; one that hung or crashed shows the call itself (what was running,
    not shrunk), any other the smallest input.
    """
    if verdict.waiting_on:
        return waiting_words(verdict.waiting_on, verdict.graded, verdict.check.integration)
    if verdict.reason is Reason.VALUES_FIRST:
        return (f"{verdict.check.function} keeps this rule, but its points come with right values: "
                f"it passes none of its other checks yet.")
    if verdict.again:
        text = (f"{verdict.at_fault} was not called again: it went wrong in the check "
                f"\"{verdict.again}\" (explained there)")
    elif verdict.call is not None:
        text = call_words(verdict, notebook)
    else:
        text = verdict.message
    made = verdict.call is not None and not verdict.again and verdict.call.called
    stopped = made and verdict.reason in (Reason.TIMED_OUT, Reason.CRASHED)
    if verdict.example and not stopped and verdict.status is not Status.NOT_IMPLEMENTED:
        text = f"Smallest input on which it goes wrong:\n{indented(describe_example(verdict.example))}\n{text}"
    if made and (stopped or not _is_the_example(verdict)):
        call = verdict.call
        text = f"{text}\n  The call: {call_text(call.called, call.args, call.kwargs)}"
    if verdict.stood_in:
        text += f"\n({stood_in_words(verdict.stood_in)})"
    return text


def _is_the_example(verdict):
    """Whether the call that went wrong is the check's example itself (then it is shown once)."""
    call = verdict.call
    return (verdict.check.example_is_call and call.called == verdict.check.function and not call.args
            and same_value(call.kwargs, verdict.example))


def waiting_words(functions, graded=False, integration=False):
    """Why a check that ran other failing ``functions`` is charged to them: a public check waits on
    them; a graded one (an integration check, or one where the reference does not stand in for
    them) loses its points, and says why."""
    names = " and ".join(functions)
    if integration:
        uses = f"This integration check runs your own functions together, {names} among them"
    elif graded:
        uses = f"This check runs your own {names} (the reference stands in only where the handout says so)"
    else:
        uses = f"Waiting on {names}"
    does, its = ("does", "its") if len(functions) == 1 else ("do", "their")
    return f"{uses}, which {does} not pass {its} own checks yet: fix {names} first."


def stood_in_words(functions):
    return f"graded with the reference {', '.join(functions)} in place of yours"


def call_words(verdict, notebook=None):
    """How the call ``verdict.call`` went wrong, in words, with where and what the function printed."""
    function, outcome = verdict.call.function, verdict.call.outcome
    uses = "" if function == verdict.check.function else f" (this check of {verdict.check.function} uses it)"
    if verdict.reason is Reason.NOT_IMPLEMENTED:
        return f"{function} is not implemented yet{uses}"
    if verdict.reason is Reason.MISSING:
        return f"{function} is not in your file{uses}"
    error = outcome.error if outcome is not None else ""
    words = {
        Reason.RAISED: f"{function} raised {error}",
        Reason.TIMED_OUT: f"{function} was stopped: {error}",
        Reason.CRASHED: f"{function} stopped the Python process running it: {error}",
        Reason.IMPORT_FAILED: f"your file could not be loaded: {error}",
        Reason.UNSENDABLE: f"{function} returned something other than numbers and arrays: {error}",
    }.get(verdict.reason, f"{function} could not be checked: {error}")
    if outcome is not None and outcome.where:
        words += f"\n  at {where_words(outcome, notebook)}"
    if outcome is not None and outcome.output.strip():
        words += "\n  It printed:\n" + indented(outcome.output.rstrip())
    return words


def where_words(outcome, notebook=None):
    """The line of the submission where ``outcome`` happened; for a notebook, its cell and line there."""
    found = notebook.locate(outcome.line) if notebook is not None and outcome.line else None
    if found is None:
        return outcome.where
    cell, line, code = found
    return f"{cell}, line {line}: {code}"


def render_table(report, show_points):
    """One row per function: its verdict, the checks that passed, and (when graded) its points."""
    return format_table(table_rows(report, show_points))


def table_rows(report, show_points):
    """The cells of ``render_table``: a header row, one row per function (and the total, when graded)."""
    rows = [("function", "result", "checks passed") + (("points",) if show_points else ())]
    for result in report.results:
        passed = sum(v.passed for v in result.verdicts)
        row = (result.function, f"{SYMBOLS[result.status]} {status_words(result.status, result.waiting_on)}",
               f"{passed}/{len(result.verdicts)}")
        if show_points:
            row += (f"{result.points:g}/{result.possible:g}",)
        rows.append(row)
    if show_points:
        rows.append(("total", "", "", f"{report.points:g}/{report.possible:g}"))
    return rows


def status_words(status, waiting_on=()):
    """A function's status in words: "waiting on conv1d" names the functions it waits on."""
    if status is Status.WAITING and waiting_on:
        return f"{WORDS[Status.WAITING]} on {', '.join(waiting_on)}"
    return WORDS[status]


def format_table(rows):
    """Rows of strings as aligned columns; the first row is the header, ruled off below."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    text = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    text.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(text)


def render_load_failure(outcome, notebook=None, top_level_said=False):
    """One block for a file that could not be loaded: what happened, where, what it printed, why (but
    the usual cause at the top level of the file, when a warning about it was given already)."""
    lines = ["Your file could not be loaded, so none of its functions was graded.",
             f"  What happened: {outcome.error}"]
    if outcome.where:
        lines.append(f"  Where: {where_words(outcome, notebook)}")
    printed = outcome.output.strip()
    if printed:
        cut = len(printed) > OUTPUT_SHOWN
        lines.append(f"  It printed{' (the first 2 kB)' if cut else ''}:")
        lines.append(indented(printed[:OUTPUT_SHOWN] + ("\n..." if cut else "")))
    syntax = outcome.error.startswith(("SyntaxError", "IndentationError", "TabError"))
    hint = [] if syntax else [PATH_HINT] if top_level_said else [LOAD_HINT]
    return "\n".join(lines + hint)


def render_report(report, show_points=False, top_level_work=()):
    """The whole report: the top-level work of the file (``source.top_level_work``), what was left out
    of a notebook, the table, every check that did not pass, then the seed. A file that could not be
    loaded gets one block instead of the table and the explanations."""
    parts = []
    if top_level_work:
        parts.append(render_top_level_work(top_level_work))
    if report.left_out:
        parts.append(render_left_out(report.left_out))
    if report.load_failure is not None:
        return "\n\n".join(parts + [render_load_failure(report.load_failure, report.notebook, bool(top_level_work))])
    parts.append(render_table(report, show_points))
    explanations = render_failures(report)
    if explanations:
        parts.append(FAILURES_HEADING)
        parts.extend(explanations)
    measured = render_measured(report)
    if measured:
        parts.append("\n".join(measured))
    parts.append(seed_line(report.seed))
    return "\n\n".join(parts)


FAILURES_HEADING = "What went wrong (each with the smallest input found):"


def render_left_out(left_out):
    """What was left out of a notebook before grading, one line each."""
    return ("From your notebook, only imports, functions, classes and constants are checked;\n"
            + "\n".join(f"  {line}" for line in left_out))


def render_top_level_work(work):
    """A warning, once, about the statements at the top level of a file that do work when it is
    imported (``[(line, code)]``)."""
    lines = ["Your file does work at its top level, which runs whenever it is imported (by the checks too):"]
    lines += [f"  line {line}: {code}" for line, code in work[:WORK_SHOWN]]
    if len(work) > WORK_SHOWN:
        lines.append(f"  ... and {len(work) - WORK_SHOWN} more")
    lines.append('Put it under `if __name__ == "__main__":` (then it runs only when you run the file itself).')
    return "\n".join(lines)


def render_failures(report):
    """Every failed check (or check the grader could not run), explained (``render_verdict``), one
    block per mistake (``same_mistakes``), and for each function whose checks wait on others, one
    block saying on which."""
    blocks = []
    for result in report.results:
        failed = [v for v in result.verdicts if v.status in (Status.FAILED, Status.GRADER_ERROR)]
        for first, same, refused in same_mistakes(failed):
            lines = [render_verdict(first, report.notebook)]
            if same:
                lines.append(indented(f"The same in {_checks(same)}."))
            if refused:
                lines.append(indented(f"{first.at_fault} was not called again in {_checks(refused)}."))
            blocks.append("\n".join(lines))
        if result.status is Status.NOT_IMPLEMENTED:  # nothing to wait for: it is not written yet
            continue
        for graded in (False, True):  # a graded check that waits lost its points: said apart
            waiting = [v for v in result.verdicts if v.status is Status.WAITING and v.graded is graded]
            if waiting:
                names = tuple(sorted({name for v in waiting for name in v.waiting_on}))
                checks = "its check" if len(waiting) == 1 else f"{len(waiting)} of its checks"
                blocks.append(f"{SYMBOLS[Status.WAITING]} {result.function}: {checks} "
                              f"({'; '.join(v.check.title for v in waiting)})\n"
                              + indented(waiting_words(names, graded, all(v.check.integration for v in waiting))))
    return blocks


def same_mistakes(verdicts):
    """``[(first verdict, the others showing the same mistake, those refused because of it)]`` for the
    failed verdicts of one function, in their order: one mistake is one wrong value breaking the same
    rule of the handout (``Verdict.rule``) or with the same words, one call going wrong the same way
    at the same line, and the calls refused after it (``Verdict.again``: the check it went wrong in
    comes first)."""
    groups, by_key = {}, {v.check.key: v for v in verdicts}
    for verdict in verdicts:
        first = by_key.get(verdict.again)
        if first is not None and first is not verdict:
            groups.setdefault(_mistake(first), (first, [], []))[2].append(verdict)
        else:
            mistake = _mistake(verdict)
            if mistake in groups:
                groups[mistake][1].append(verdict)
            else:
                groups[mistake] = (verdict, [], [])
    return list(groups.values())


def _mistake(verdict):
    if verdict.status is Status.GRADER_ERROR:
        return ("grader error", verdict.check.key)
    if verdict.again:
        return ("refused", verdict.again)
    if verdict.call is not None:
        outcome = verdict.call.outcome
        place = (outcome.line, outcome.where) if outcome is not None else ()
        return ("call", verdict.call.function, verdict.reason, *place)
    if verdict.rule is not None:
        return ("rule", verdict.rule)
    return ("words", verdict.reason, verdict.message)


def _checks(verdicts):
    """"3 more checks (title; title; and 1 more)": as many titles as fit in ``TITLES_WIDTH`` characters."""
    titles, named = [v.check.title for v in verdicts], []
    while len(named) < len(titles) and len("; ".join(named + titles[len(named):len(named) + 1])) <= TITLES_WIDTH:
        named.append(titles[len(named)])
    rest = len(titles) - len(named)
    listed = "; ".join(named) + (f"; and {rest} more" if named and rest else "")
    return f"{len(verdicts)} more check{'s' if len(verdicts) > 1 else ''}" + (f" ({listed})" if listed else "")


def render_measured(report):
    """What passed checks measured (e.g. the accuracy a training run reached), and which functions the
    reference answered for while a function was graded: each said once."""
    lines = []
    for result in report.results:
        lines += [f"{result.function}: {verdict.message}" for verdict in result.verdicts
                  if verdict.passed and verdict.message]
        stood_in = sorted({name for verdict in result.verdicts for name in verdict.stood_in})
        if stood_in:
            lines.append(f"{result.function}: {stood_in_words(stood_in)}")
    return list(dict.fromkeys(lines))


def seed_line(seed):
    """Why a file's result never changes between runs, and what decides it."""
    return (f"(The inputs are drawn by Hypothesis from the fixed seed {seed}: the same file always gets the same\n"
            f"inputs, so the same result; change your code and the smallest failing input may change.)")


def closing_line(passed, seconds, every=True):
    """The last line of a check: whether every check run passed (``every``: all of the file's public
    checks, else those of the functions asked for), and how long it took."""
    verdict = ("All public checks pass" if every else "All these checks pass") if passed \
        else "Some checks did not pass yet"
    return f"{verdict} ({seconds:.1f} s)."


def render_kernel_differences(differences, saved):
    """What a notebook's kernel ran for the checks that the saved notebook at ``saved`` (which is graded)
    does not define the same way (a ``notebook.Differences``), and how to check the saved file instead."""
    lines = [f"The saved notebook {saved.name} differs from what this kernel ran (the grader takes the saved file):"]
    if differences.changed:
        lines.append(f"  changed since the kernel ran them, or not saved yet: {', '.join(differences.changed)}")
    if differences.kernel_only:
        lines.append(f"  only in the kernel (their cells were deleted or renamed: the grader will not have them): "
                     f"{', '.join(differences.kernel_only)}")
    lines.append("check(saved=True) checks the saved notebook, as it will be graded.")
    return "\n".join(lines)
