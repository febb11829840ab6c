"""Command line: ``python -m autograder COMMAND``; the Makefiles call these.

Every command reports bad input in one line on stderr and exits 2; graded failures exit 1.

Students get this module with ``autograder.core`` and ``autograder.sandbox`` only, so it imports
nothing else at module level: each instructor command imports its tools (``autograder.gradescope``,
``autograder.instructor``) inside itself, and ``check`` never needs Otter, PyYAML or matplotlib
(tests/test_layout.py holds this).
"""

import argparse
import sys
import zipfile
from pathlib import Path

from autograder.core import assignment as assignments
from autograder.core.feedback import render_report
from autograder.core.grading import choose, grade
from autograder.core.outcomes import Status


class UsageError(Exception):
    """Bad input from the command line: reported in one line, exit status 2."""


def existing_file(path, suffixes=(".py",)):
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"no such file: {path}")
    if file.suffix not in suffixes:
        raise UsageError(f"{path} is not a {' or '.join(suffixes)} file")
    return file


def default_submission(name):
    """What ``check`` checks when given no path: in a student handout, ``NAME.py`` beside the
    ``autograder`` folder, or ``NAME.ipynb`` there if it was saved later (by more than a minute:
    unpacking the handout writes both within moments); in this repository, the skeleton."""
    home = Path(__file__).resolve().parents[1]
    script, notebook = home / f"{name}.py", home / f"{name}.ipynb"
    if notebook.is_file() and (not script.is_file() or notebook.stat().st_mtime > script.stat().st_mtime + 60):
        return notebook
    return script if script.is_file() else home / "assignments" / name / f"{name}.py"


def cmd_check(args):
    """Public checks only: what students run before handing in."""
    from autograder.core.notebook import NotebookError

    assignment = assignments.load(args.assignment)
    submission = existing_file(args.submission or default_submission(assignment.name), (".py", ".ipynb"))
    print(f"Checking {submission} (public checks of assignment {assignment.name})\n")
    try:
        report = grade(assignment, submission, choose(assignment, hidden=False))
    except NotebookError as error:
        raise UsageError(str(error)) from None
    print(render_report(report))
    passed = all(r.status is Status.PASSED for r in report.results)
    print("\nAll public checks pass." if passed else "\nSome checks did not pass yet.")
    return 0 if passed else 1


def cmd_skeleton(args):
    """Regenerate assignments/NAME/NAME.py and NAME.ipynb from solutions/NAME/NAME.py and the handout
    (or, with --verify, compare)."""
    from autograder.instructor.handout_notebook import notebook_text
    from autograder.instructor.skeleton import MarkerError, make_skeleton

    name = args.assignment
    solution = Path(f"solutions/{name}/{name}.py")
    skeleton = Path(f"assignments/{name}/{name}.py")
    notebook = skeleton.with_suffix(".ipynb")
    if not solution.is_file():
        raise UsageError(f"no reference solution at {solution}")
    try:
        text = make_skeleton(solution.read_text())
    except MarkerError as error:
        raise UsageError(f"{solution}: {error}") from None
    readme = skeleton.with_name("README.md")
    notebook_json = notebook_text(readme.read_text() if readme.is_file() else "", text, name,
                                  assignments.load(name).functions)
    for path, content in ((skeleton, text), (notebook, notebook_json)):
        if args.verify:
            if not path.is_file() or path.read_text() != content:
                raise UsageError(f"{path} is stale: run `make skeleton` and commit it")
            print(f"{path} is up to date")
        else:
            path.write_text(content)
            print(f"wrote {path}")
    return 0


def cmd_zips(args):
    """Build dist/NAME/autograder.zip (Gradescope) and dist/NAME/student.zip (handout), unless current."""
    from autograder.gradescope.packaging import build_autograder_zip, build_student_zip, zips_are_current

    folder = Path("dist") / args.assignment
    if zips_are_current(args.assignment, folder):  # building draws every check's examples: seconds
        print(f"{folder}: the zips are up to date")
        return 0
    args.verify = True
    cmd_skeleton(args)  # never ship a skeleton that lags behind the solution
    folder.mkdir(parents=True, exist_ok=True)
    print(f"wrote {build_autograder_zip(args.assignment, folder / 'autograder.zip')}")
    print(f"wrote {build_student_zip(args.assignment, folder / 'student.zip')}")
    return 0


def cmd_lock(args):
    """Resolve the grading image (Otter and the run-time pins) and write autograder/gradescope/grading-image.lock."""
    from autograder.gradescope.grade import GradingEnvironmentError
    from autograder.gradescope.packaging import write_grading_lock

    try:
        print(f"wrote {write_grading_lock()}")
    except GradingEnvironmentError as error:
        raise UsageError(str(error)) from None
    return 0


def cmd_grade(args):
    """Grade an upload (a file, a folder or a zip) with the built zip, the way Gradescope runs it."""
    from autograder.gradescope.grade import GradingEnvironmentError, grade_like_gradescope, render_results

    upload = Path(args.submission)
    if not upload.exists():
        raise UsageError(f"no such file or folder: {upload}")
    if upload.is_file() and upload.suffix == ".zip" and not zipfile.is_zipfile(upload):
        raise UsageError(f"{upload} is not a zip file")
    autograder_zip = Path("dist") / args.assignment / "autograder.zip"
    if not autograder_zip.is_file():
        raise UsageError(f"{autograder_zip} is missing: run `make zips` first")
    output = Path(args.output or Path("dist") / args.assignment / "results")
    try:
        results = grade_like_gradescope(autograder_zip, upload, output)
    except GradingEnvironmentError as error:
        raise UsageError(str(error)) from None
    print(render_results(results, assignments.load(args.assignment).functions))
    print(f"\n(results.json in {output})")
    return 0


def cmd_audit(args):
    """Grade the corpus of buggy, unfinished and correct submissions; fail unless every entry is graded fairly."""
    from autograder.instructor.audit import at_fault, integration_share, render_audit, run_audit, summary

    assignment = assignments.load(args.assignment)
    share = integration_share(assignment)
    cases = run_audit(args.assignment)
    print(render_audit(cases, assignment.functions, share))
    bad = [c for c in cases if at_fault(c, share)]
    print(f"\n{len(cases) - len(bad)}/{len(cases)} corpus entries graded as they should be: {summary(cases, share)}")
    return 1 if bad else 0


def cmd_bench(args):
    """Time grading as Gradescope does (this machine, and its emulated container) on the reference and the
    plain-loop solution, and say where the time goes, check by check."""
    import tempfile

    from autograder.instructor.bench import run

    autograder_zip = Path("dist") / args.assignment / "autograder.zip"
    if not autograder_zip.is_file():
        raise UsageError(f"{autograder_zip} is missing: run `make zips` first")
    with tempfile.TemporaryDirectory() as folder:
        print(run(assignments.load(args.assignment), autograder_zip,
                  Path(f"solutions/{args.assignment}/{args.assignment}.py"),
                  Path(f"tests/corpus/{args.assignment}/correct"), folder))
    return 0


def cmd_grade_all(args):
    """Grade every submission of a folder or Gradescope export zip into a CSV (one row per student),
    then summarise and write the feedback pages."""
    import signal

    from autograder.instructor.bulk import grade_all, histogram_path
    from autograder.instructor.class_pages import write_pages
    from autograder.instructor.class_submissions import BulkError
    from autograder.instructor.class_summary import render_summary, summarize, write_histogram
    from autograder.instructor.lateness import LatenessError, LatePenalty, LatePolicy, parse_due, read_extensions

    if not args.submissions:
        raise UsageError("give the submissions: a folder (one subfolder per student) or a Gradescope export .zip")
    assignment = assignments.load(args.assignment)
    functions = [f for f in (args.functions or "").replace(",", " ").split() if f] or None
    output = Path(args.output or Path("dist") / args.assignment / "grades.csv")
    if (args.jobs is not None and args.jobs < 1) or args.timeout <= 0:
        raise UsageError("--jobs and --timeout must be positive")
    if args.metadata.strip().lower() not in ("", "none"):
        raise UsageError(f"METADATA={args.metadata!r}: the only value is none (grade an export that lacks "
                         f"submission_metadata.yml as plain folders)")
    try:
        due = parse_due(args.due) if args.due else None
        penalty = LatePenalty.parse(args.late_penalty)
        extensions = read_extensions(args.extensions, due) if args.extensions else {}
    except LatenessError as error:
        raise UsageError(str(error)) from None
    if (penalty.rate or extensions) and due is None:
        raise UsageError(f"{'LATE_PENALTY' if penalty.rate else 'EXTENSIONS'} needs DUE=... (the deadline, "
                         f"e.g. 2026-11-20T23:59-08:00)")
    policy = LatePolicy(due, penalty, extensions)
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` stops as Ctrl-C does
    try:
        result = grade_all(assignment, args.submissions, output, functions, args.jobs, args.timeout,
                           policy=policy, regrade=args.regrade, without_metadata=bool(args.metadata.strip()))
        if result.interrupted:
            done = len(result.skipped) + len(result.graded)
            print(f"interrupted: {done} of {len(result.submissions)} submissions are in {output}; "
                  f"run the same command again to grade the rest", file=sys.stderr)
            return 130
        summary = summarize(assignment, output, policy=policy, identity=result.identity)
        text = render_summary(summary)
        histogram = write_histogram(summary, histogram_path(output))
        pages = write_pages(assignment.name, output, summary, histogram.read_bytes())
    except BulkError as error:
        raise UsageError(str(error)) from None
    except OSError as error:  # e.g. OUT not writable; the records written so far are kept
        raise UsageError(f"{error.filename or output}: {error.strerror or error}") from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(text)
    print(f"\n(rows in {output}; histogram of totals in {histogram}; feedback pages in {pages}/, "
          f"the class's in {pages / 'index.html'})")
    return 0


def cmd_replay(args):
    """Re-run one function's checks on a submission (same seed) and print snippets reproducing its failures."""
    from autograder.instructor.replay import render_replay, replay

    assignment = assignments.load(args.assignment)
    if args.function not in assignment.functions:
        raise UsageError(f"give FUNCTION=<one of {', '.join(assignment.functions)}>"
                         + (f", not {args.function!r}" if args.function else ""))
    if not args.submission:
        raise UsageError(f"give SUBMISSION=path/to/{assignment.name}.py (or a student's folder)")
    submission = Path(args.submission)
    if submission.is_dir():
        submission = submission / f"{assignment.name}.py"
    submission = existing_file(submission)
    report = replay(assignment, submission, args.function)
    print(render_replay(assignment, submission, args.function, report))
    return 1 if any(v.status is Status.FAILED for v in report.result(args.function).verdicts) else 0


def cmd_new(args):
    """Scaffold assignment NAME: reference, checks, grading, handout and skeleton (one example function)."""
    from autograder.instructor.scaffold import scaffold

    if not args.name:
        raise UsageError("give the new assignment's name: python -m autograder new NAME")
    try:
        written = scaffold(args.name, args.root)
    except ValueError as error:
        raise UsageError(str(error)) from None
    for path in written:
        print(f"wrote {path}")
    print(f"next: edit them, then `make skeleton zips ASSIGNMENT={args.name}` and `make check "
          f"ASSIGNMENT={args.name} SUBMISSION=solutions/{args.name}/{args.name}.py` (README, \"Adding an assignment\")")
    return 0


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="run the public checks on a submission")
    check.add_argument("submission", nargs="?", help="the .py or .ipynb file to check (default: the one "
                       "beside the autograder folder in a handout, the skeleton in the repository)")
    check.add_argument("--assignment", default="cnn")
    check.set_defaults(run=cmd_check)
    for name, function in (("skeleton", cmd_skeleton), ("zips", cmd_zips), ("audit", cmd_audit),
                           ("bench", cmd_bench), ("lock", cmd_lock)):
        command = commands.add_parser(name, help=function.__doc__.splitlines()[0])
        command.add_argument("--assignment", default="cnn")
        command.set_defaults(run=function, verify=False)
        if name == "skeleton":
            command.add_argument("--verify", action="store_true", help="only check that it is current")
    grade_command = commands.add_parser("grade", help=cmd_grade.__doc__)
    grade_command.add_argument("submission")
    grade_command.add_argument("--assignment", default="cnn")
    grade_command.add_argument("--output", help="folder for results.json (default dist/NAME/results)")
    grade_command.set_defaults(run=cmd_grade)
    grade_all = commands.add_parser("grade-all", help=cmd_grade_all.__doc__)
    grade_all.add_argument("submissions", nargs="?", help="a folder (one subfolder per student) or an export .zip")
    grade_all.add_argument("--assignment", default="cnn")
    grade_all.add_argument("--output", help="the CSV (default dist/NAME/grades.csv); re-running resumes it")
    grade_all.add_argument("--functions", help="grade only these functions (comma-separated)")
    grade_all.add_argument("--jobs", type=int, help="submissions graded at once (default: one per core)")
    grade_all.add_argument("--timeout", type=float, default=1800.0, help="seconds per submission (default 1800)")
    grade_all.add_argument("--due", help="the deadline, ISO time with its zone (e.g. 2026-11-20T23:59-08:00)")
    grade_all.add_argument("--late-penalty", default="", help='e.g. "10%%/day,max=50%%" (of the earned points, '
                                                              'per started day or hour late)')
    grade_all.add_argument("--regrade", help="grade again: all, stale (older autograder) or ids/SIDs/emails, "
                                             "comma-separated")
    grade_all.add_argument("--extensions", help="a CSV file: SID or email, then hours after DUE (48h) or a new "
                                                "deadline (ISO time with its zone), one student a row")
    grade_all.add_argument("--metadata", default="", help="none: grade an export that lacks "
                                                          "submission_metadata.yml as plain folders")
    grade_all.set_defaults(run=cmd_grade_all)
    replay_command = commands.add_parser("replay", help=cmd_replay.__doc__)
    replay_command.add_argument("submission", nargs="?")
    replay_command.add_argument("--function", default="")
    replay_command.add_argument("--assignment", default="cnn")
    replay_command.set_defaults(run=cmd_replay)
    new = commands.add_parser("new", help=cmd_new.__doc__)
    new.add_argument("name", nargs="?", default="")
    new.add_argument("--root", default=".", help="the repository folder (default: the current one)")
    new.set_defaults(run=cmd_new)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
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
