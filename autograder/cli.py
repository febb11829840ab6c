"""The instructors' command line: ``python -m autograder COMMAND``; the Makefile calls these.

Every command reports bad input in one line on stderr and exits 2; graded failures exit 1. Each
works on the assignment named by ``--assignment`` (``ASSIGNMENT=NAME``), else the repository's
only one (``assignment.default_name``), and finds every path from ``repository.ROOT``, wherever
it is run. A command never calls another: what two share is a function of its own.

Students' ``check`` is ``autograder.check``, which shipped alone is their whole command line;
here it is one command among the others (``check.add_command``), run by the same ``main``. This
module is not shipped to students; it still imports the instructor packages (Gradescope glue,
instructor tools) inside the commands that need them, so that ``check`` never loads Otter, PyYAML
or matplotlib.
"""

import argparse
import subprocess
import sys
import zipfile
from pathlib import Path

from autograder import check
from autograder.check import UsageError, existing_file
from autograder.core import assignment as assignments
from autograder.core.outcomes import Status
from autograder.core.repository import ROOT, dist


def assignment_name(args):
    """The assignment the command is about: ``--assignment``, else the repository's default."""
    return args.assignment or assignments.default_name()


def stale_generated_files(name):
    """The generated files of assignment ``name`` (skeleton, notebook) that differ from what the reference
    and the handout make now, with that text: ``{path: text}``, empty when all are current."""
    from autograder.instructor.skeleton import MarkerError, generated_files

    try:
        files = generated_files(name)
    except FileNotFoundError as error:
        raise UsageError(f"no reference solution at {error.filename}") from None
    except MarkerError as error:
        raise UsageError(f"solutions/{name}/{name}.py: {error}") from None
    return {path: text for path, text in files.items() if not path.is_file() or path.read_text() != text}


def refuse_stale(stale):
    """A ``UsageError`` naming the first of the generated files ``stale`` (``stale_generated_files``)."""
    return UsageError(f"{_shown(next(iter(stale)))} is stale: run `make skeleton` and commit it")


def built_autograder_zip(name):
    """dist/NAME/autograder.zip; a ``UsageError`` if it has not been built."""
    autograder_zip = dist(name) / "autograder.zip"
    if not autograder_zip.is_file():
        raise UsageError(f"{_shown(autograder_zip)} is missing: run `make zips` first")
    return autograder_zip


def cmd_skeleton(args):
    """Regenerate assignments/NAME/NAME.py and NAME.ipynb from solutions/NAME/NAME.py and the handout
    (or, with --verify, compare)."""
    name = assignment_name(args)
    stale = stale_generated_files(name)
    if args.verify and stale:
        raise refuse_stale(stale)
    for path, text in stale.items():
        path.write_text(text)
        print(f"wrote {_shown(path)}")
    if not stale:
        print(f"the skeleton and notebook of {name} are up to date")
    return 0


def cmd_zips(args):
    """Build dist/NAME/autograder.zip (Gradescope) and dist/NAME/student.zip (handout), unless current."""
    for path in build_zips(assignment_name(args)):
        print(path)
    return 0


def build_zips(name):
    """Build both zips of ``name`` unless they are current; what was done, one line each."""
    from autograder.gradescope.packaging import build_autograder_zip, build_student_zip, zips_are_current

    folder = dist(name)
    if zips_are_current(name, folder):  # building draws every check's examples: seconds
        return [f"{_shown(folder)}: the zips are up to date"]
    stale = stale_generated_files(name)  # never ship a skeleton that lags behind the solution
    if stale:
        raise refuse_stale(stale)
    folder.mkdir(parents=True, exist_ok=True)
    return [f"wrote {_shown(build_autograder_zip(name, folder / 'autograder.zip'))}",
            f"wrote {_shown(build_student_zip(name, folder / 'student.zip'))}"]


def _shown(path):
    """``path`` relative to the repository when it is inside it (as the Makefile's users know them)."""
    path = Path(path)
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


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
    """Grade an upload (a file, a folder or a zip) with the built zip, the way Gradescope does."""
    name = assignment_name(args)
    if not args.submission:
        raise UsageError(f"give SUBMISSION=path/to/upload (a {name}.py, a folder or a zip)")
    upload = Path(args.submission)
    if not upload.exists():
        raise UsageError(f"no such file or folder: {upload}")
    if upload.is_file() and upload.suffix == ".zip" and not zipfile.is_zipfile(upload):
        raise UsageError(f"{upload} is not a zip file")
    print(grade_upload(name, upload, Path(args.output or dist(name) / "results")))
    return 0


def cmd_demo(args):
    """Build the zips, then grade the reference and the skeleton as Gradescope would."""
    name = assignment_name(args)
    for line in build_zips(name):
        print(line)
    for submission in (ROOT / "solutions" / name / f"{name}.py", ROOT / "assignments" / name / f"{name}.py"):
        print(f"\n{_shown(submission)}:")
        print(grade_upload(name, submission, dist(name) / "results"))
    return 0


def grade_upload(name, upload, output):
    """Grade ``upload`` with the built autograder zip of ``name``, writing results.json to ``output``;
    the per-function table, and where the results are."""
    from autograder.gradescope.grade import GradingEnvironmentError, grade_like_gradescope, render_results

    autograder_zip = built_autograder_zip(name)
    try:
        results = grade_like_gradescope(autograder_zip, upload, output)
    except GradingEnvironmentError as error:
        raise UsageError(str(error)) from None
    return f"{render_results(results, assignments.load(name).functions)}\n\n(results.json in {_shown(output)})"


def cmd_audit(args):
    """Grade the corpus of buggy, unfinished and correct submissions; fail unless every entry is graded fairly."""
    from autograder.instructor.audit import at_fault, integration_share, render_audit, run_audit, summary

    assignment = assignments.load(assignment_name(args))
    share = integration_share(assignment)
    cases = run_audit(assignment.name)
    print(render_audit(cases, assignment.functions, share))
    bad = [c for c in cases if at_fault(c, share)]
    print(f"\n{len(cases) - len(bad)}/{len(cases)} corpus entries graded as they should be: {summary(cases, share)}")
    return 1 if bad else 0


def cmd_bench(args):
    """Time grading as Gradescope does (this machine, and its emulated container) on the reference and the
    plain-loop solution, and say where the time goes, check by check; time check in the unpacked
    handout; count the lines of feedback per failing function over the corpus; then the
    assignment's own benchmarks (solutions/NAME/bench_*.py)."""
    import tempfile

    from autograder.instructor.bench import feedback_lines, handout_check_seconds, run, summarise_lines

    name = assignment_name(args)
    autograder_zip = built_autograder_zip(name)
    reference = ROOT / "solutions" / name / f"{name}.py"
    with tempfile.TemporaryDirectory() as folder:
        print(run(assignments.load(name), autograder_zip, reference, ROOT / "tests" / "corpus" / name / "correct",
                  folder))
    seconds = handout_check_seconds(dist(name) / "student.zip", reference)
    print(f"\ncheck of the reference in the unpacked handout, this Python: "
          f"{', '.join(f'{s:.1f}' for s in seconds)} s wall (the first draws the examples)")
    print(summarise_lines(feedback_lines(name)))
    return run_scripts(name, "bench_*.py")


def cmd_plot(args):
    """Make the handout's figures: the assignment's own scripts, solutions/NAME/plot_*.py."""
    return run_scripts(assignment_name(args), "plot_*.py")


def run_scripts(name, pattern):
    """Run the scripts of ``solutions/NAME`` matching ``pattern``, in order; 1 if one failed, else 0."""
    failed = 0
    for script in sorted((ROOT / "solutions" / name).glob(pattern)):
        print(f"\n{_shown(script)}:", flush=True)
        failed |= subprocess.run([sys.executable, str(script)], cwd=ROOT).returncode != 0
    return int(failed)


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
    assignment = assignments.load(assignment_name(args))
    functions = [f for f in (args.functions or "").replace(",", " ").split() if f] or None
    output = Path(args.output or dist(assignment.name) / "grades.csv")
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

    assignment = assignments.load(assignment_name(args))
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
        written = scaffold(args.name, args.root or ROOT)
    except ValueError as error:
        raise UsageError(str(error)) from None
    for path in written:
        print(f"wrote {path}")
    print(f"next: edit them, then `make skeleton zips ASSIGNMENT={args.name}` and `make check "
          f"ASSIGNMENT={args.name} SUBMISSION=solutions/{args.name}/{args.name}.py` (README, \"Adding an assignment\")")
    return 0


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m autograder", description="The instructors' commands, and check.")
    commands = parser.add_subparsers(dest="command", required=True)
    check.add_command(commands)
    for name, function in (("skeleton", cmd_skeleton), ("zips", cmd_zips), ("demo", cmd_demo), ("audit", cmd_audit),
                           ("bench", cmd_bench), ("plot", cmd_plot), ("lock", cmd_lock)):
        command = commands.add_parser(name, help=function.__doc__.splitlines()[0])
        _assignment_option(command)
        command.set_defaults(run=function, verify=False)
        if name == "skeleton":
            command.add_argument("--verify", action="store_true", help="only check that it is current")
    grade_command = commands.add_parser("grade", help=cmd_grade.__doc__)
    grade_command.add_argument("submission")
    _assignment_option(grade_command)
    grade_command.add_argument("--output", help="folder for results.json (default dist/NAME/results)")
    grade_command.set_defaults(run=cmd_grade)
    grade_all = commands.add_parser("grade-all", help=cmd_grade_all.__doc__)
    grade_all.add_argument("submissions", nargs="?", help="a folder (one subfolder per student) or an export .zip")
    _assignment_option(grade_all)
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
    _assignment_option(replay_command)
    replay_command.set_defaults(run=cmd_replay)
    new = commands.add_parser("new", help=cmd_new.__doc__)
    new.add_argument("name", nargs="?", default="")
    new.add_argument("--root", help="the repository folder (default: this repository)")
    new.set_defaults(run=cmd_new)
    return parser


def _assignment_option(command):
    command.add_argument("--assignment", help="the assignment (default: the only one in assignments/, or "
                                              "[tool.autograder] assignment in pyproject.toml)")


def main(argv=None):
    return check.main(argv, build_parser())
