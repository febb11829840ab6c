"""The students' command: the public checks of their file, in a terminal or in a notebook.

In a handout, ``python check.py [FILE]`` (the handout's own ``check.py``, which keeps compiled
code out of the handout's folders and calls ``main``), ``python -m autograder check [FILE]`` and
``make check`` are one command, ``check``. Without a file it chooses the student's
(``submission_to_check``) and says which and why, every time; it warns once about work a ``.py``
file does at its top level, and says how long the checks took. In a notebook, ``checker(NAME)``
gives the handout's ``check("conv1d")``: the same checks on what the kernel has run, saying so
when that differs from the saved notebook (which is what gets graded); ``check(saved=True)``
checks the saved notebook itself.

Students get this module, ``autograder.core`` and ``autograder.sandbox``, not the instructors'
command line (``autograder.cli``): that adds its commands to this parser (``add_command``) and runs
through ``main``, so this module imports nothing of the instructors' tools.
"""

import argparse
import os
import sys
import time
from pathlib import Path

from autograder.core import assignment as assignments
from autograder.core import notebook, source
from autograder.core.feedback import closing_line, render_kernel_differences, render_report
from autograder.core.grading import choose, grade, grade_notebook
from autograder.core.repository import ROOT


class UsageError(Exception):
    """Bad input from the command line: reported in one line, exit status 2."""


def existing_file(path, suffixes=(".py",)):
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"no such file: {path}")
    if file.suffix not in suffixes:
        raise UsageError(f"{path} is not a {' or '.join(suffixes)} file")
    return file


def submission_to_check(assignment, given=None):
    """``(path, why)``: the file ``check`` checks, and why that one, in words.

    Given a path, that file. In this repository, the skeleton. In a handout, ``NAME.py`` or
    ``NAME.ipynb`` beside the checks: the one that exists; of the two, the one with functions of the
    student's own (more than the skeleton's ``raise NotImplementedError``); if both have some, the
    one saved last; if neither, ``NAME.py``.
    """
    if given:
        return existing_file(given, (".py", ".ipynb")), "the file you named"
    name = assignment.name
    script, book = ROOT / f"{name}.py", ROOT / f"{name}.ipynb"
    if not script.is_file() and not book.is_file():
        skeleton = ROOT / "assignments" / name / f"{name}.py"
        if skeleton.is_file():
            return skeleton, "no file named, so the skeleton (give the path of a file to check it)"
        raise UsageError(f"no {script.name} or {book.name} in {ROOT}: give the file to check")
    if not book.is_file() or not script.is_file():
        found = script if script.is_file() else book
        return found, f"no file named, so the {found.name} of this folder"
    written = {path: _written(path, assignment.functions) for path in (script, book)}
    if bool(written[script]) != bool(written[book]):
        mine = script if written[script] else book
        return mine, f"no file named; of {script.name} and {book.name}, only {mine.name} has functions of yours"
    if not written[script]:
        return script, f"no file named; neither {script.name} nor {book.name} has functions of yours yet"
    later, earlier = sorted((script, book), key=lambda path: path.stat().st_mtime, reverse=True)
    return later, (f"no file named; both have functions of yours, and {later.name} was saved last (give a "
                   f"path to check {earlier.name})")


def _written(path, functions):
    """The graded functions a file writes (see ``source.written``); a file that does not parse counts as
    written (it is being worked on), one that cannot be read as empty."""
    try:
        text = notebook.read(path).source if path.suffix == ".ipynb" else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, notebook.NotebookError):
        return set()
    found = source.written(text, functions)
    return set(functions) if found is None else found


def run(args):
    """``check``: the public checks of one file; exit status 0 if they all pass, else 1."""
    started = time.perf_counter()
    assignment = assignments.load(args.assignment or assignments.default_name())
    submission, why = submission_to_check(assignment, args.submission)
    print(f"Checking {submission} ({why}): the public checks of {assignment.name}\n")
    try:
        work = [] if submission.suffix == ".ipynb" else source.top_level_work(submission.read_text(encoding="utf-8"))
        report = grade(assignment, submission, choose(assignment, hidden=False))
    except notebook.NotebookError as error:
        raise UsageError(str(error)) from None
    except UnicodeDecodeError:
        raise UsageError(f"{submission} is not a text file in UTF-8") from None
    print(render_report(report, top_level_work=work))
    print("\n" + closing_line(report.passed, time.perf_counter() - started))
    return 0 if report.passed else 1


def add_command(commands):
    """Add ``check`` to ``commands`` (an ``argparse`` sub-parsers object)."""
    check = commands.add_parser("check", help="run the public checks on your file")
    check.add_argument("submission", nargs="?", help="the .py or .ipynb file to check (default: in a handout, "
                       "your NAME.py or NAME.ipynb beside the checks; in the repository, the skeleton)")
    check.add_argument("--assignment", help="the assignment (default: the only one here)")
    check.set_defaults(run=run)


def build_parser():
    """The students' command line: ``check`` alone."""
    parser = argparse.ArgumentParser(prog="python -m autograder", description="The public checks of your work.")
    add_command(parser.add_subparsers(dest="command", required=True))
    return parser


def main(argv=None, parser=None):
    """Run the command ``argv`` asks for with ``parser`` (default: the students' ``build_parser()``):
    bad input is one ``error:`` line and exit status 2, an interruption exit status 130."""
    args = (parser or build_parser()).parse_args(argv)
    for stream in (sys.stdout, sys.stderr):  # ✓ and ✗ into a pipe on Windows, whose code page lacks them
        if hasattr(stream, "reconfigure") and not stream.isatty():
            stream.reconfigure(encoding="utf-8")
    try:
        return args.run(args)
    except (UsageError, assignments.UnknownAssignment) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


# -- in a notebook -------------------------------------------------------------------------------

def checker(name=None):
    """The ``check(*functions, saved=False)`` of assignment ``name``'s notebook (default: the only
    assignment there); see the module doc."""

    def check(*functions, saved=False):
        """Run the public checks of ``functions`` (default: all) in a separate process, on the cells
        this kernel has run (``saved=True``: on the saved notebook, as it will be graded); print the
        table and the smallest failing inputs."""
        started = time.perf_counter()
        assignment = assignments.load(name or assignments.default_name())
        unknown = [f for f in functions if f not in assignment.functions]
        if unknown:
            print(f"no function named {', '.join(unknown)}: choose from {', '.join(assignment.functions)}")
            return
        chosen = choose(assignment, list(functions) or None, hidden=False)
        stored = saved_notebook(assignment.name)
        if saved:
            if stored is None:
                print(f"no saved notebook found here: save it as {assignment.name}.ipynb in this folder")
                return
            print(f"Checking the saved {stored}\n")
            report = grade(assignment, stored, chosen)
        else:
            ran = notebook.module_of(kernel_cells())
            found = _kernel_differences(ran, stored, list(chosen))
            if found:
                print(render_kernel_differences(found, stored) + "\n")
            report = grade_notebook(assignment, ran, chosen)
        print(render_report(report))
        print("\n" + closing_line(report.passed, time.perf_counter() - started, every=not functions))

    return check


def _kernel_differences(ran, stored, functions):
    if stored is None:
        return None
    try:
        return notebook.differences(ran, notebook.read(stored), functions)
    except notebook.NotebookError:
        return None


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def kernel_cells():
    """Every cell the kernel has run, in the order it ran them, named as Jupyter shows them (``In [n]``)."""
    shell = _shell()
    if shell is None:
        raise RuntimeError("check() works inside a notebook; elsewhere run `python check.py NOTEBOOK.ipynb`")
    history = shell.history_manager.input_hist_raw  # In: its item n is the cell In [n]; item 0 is empty
    return [notebook.Cell(f"In [{number}]", text) for number, text in enumerate(history) if number]


def saved_notebook(name):
    """The saved notebook this kernel runs, when it can be told: the one Jupyter (``JPY_SESSION_NAME``) or
    VS Code (``__vsc_ipynb_file__``) names, else ``NAME.ipynb`` in the current folder; None if none is."""
    shell = _shell()
    named = [os.environ.get("JPY_SESSION_NAME"), shell.user_ns.get("__vsc_ipynb_file__") if shell else None]
    for candidate in [Path(found) for found in named if found] + [Path(f"{name}.ipynb")]:
        for path in (candidate, Path.cwd() / candidate.name):
            if path.suffix == ".ipynb" and path.is_file():
                return path.resolve()
    return None
