"""Command line: ``python -m autograder COMMAND``; the Makefiles call these.

Every command reports bad input in one line on stderr and exits 2; graded failures exit 1.
"""

import argparse
import sys
from pathlib import Path

from autograder import assignment as assignments
from autograder.feedback import render_report
from autograder.grading import grade


class UsageError(Exception):
    """Bad input from the command line: reported in one line, exit status 2."""


def existing_file(path):
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"no such file: {path}")
    if file.suffix != ".py":
        raise UsageError(f"{path} is not a Python file (.py)")
    return file


def cmd_check(args):
    """Public checks only: what students run before handing in."""
    assignment = assignments.load(args.assignment)
    submission = existing_file(args.submission or f"assignments/{assignment.name}/{assignment.name}.py")
    print(f"Checking {submission} (public checks of assignment {assignment.name})\n")
    report = grade(assignment, submission, hidden=False)
    print(render_report(report))
    passed = all(r.status == "passed" for r in report.results)
    print("\nAll public checks pass." if passed else "\nSome checks did not pass yet.")
    return 0 if passed else 1


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="run the public checks on a submission")
    check.add_argument("submission", nargs="?", help="the file to check (default: the skeleton)")
    check.add_argument("--assignment", default="cnn")
    check.set_defaults(run=cmd_check)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (UsageError, assignments.UnknownAssignment) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
