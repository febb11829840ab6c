"""Prove the hidden tests' strength: grade a corpus of buggy and correct submissions.

The corpus of assignment NAME lives in ``tests/corpus/NAME/``: ``bugs/*.py`` and ``correct/*.py``
are patches over the reference (see ``autograder.instructor.patching``) whose docstring's first line names
the function they change (``all`` for a complete alternative). A bug is caught when its own function
loses points; it is charged elsewhere when a function that calls it (graded with it, without its
integration checks, which run the student's functions together by design) loses points (goal: never:
the oracle answers such nested calls). A correct alternative is penalised when any function it may
affect loses points or fails a public check (the functions it leaves alone, callers included, are
the reference's own). Submissions are graded in parallel, one worker process per core, with the
same machinery as ``make grade``. A bug's failures are not shrunk: the audit needs its verdicts,
which Hypothesis settles before shrinking, not the smallest examples a student's feedback shows (a
correct alternative's are, should it fail: they are shown). That halves the audit's time, and
every check's verdict stays the same.
"""

import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from autograder.core import assignment as assignments
from autograder.core.callgraph import affected
from autograder.core.feedback import format_table, render_verdict
from autograder.core.grading import SHARE_DECIMALS, grade
from autograder.core.outcomes import Status
from autograder.instructor.patching import apply_patch, describe_patch

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class AuditCase:
    kind: str  # "bug" or "correct"
    path: Path
    function: str  # the function the patch changes, or "all"
    description: str
    graded: list = None  # the functions graded: those the patch may affect
    lost: dict = None  # function -> points lost in the checks that ran
    elsewhere: float = 0.0  # points a bug cost the functions that call it (integration checks aside)
    public_failures: int = 0  # public checks that did not pass (correct alternatives: must be 0)
    failures: list = None  # the explanations of the checks that failed
    grader_errors: list = None  # checks that broke on this submission: bugs of the grader

    @property
    def flagged(self):
        """A bug: caught by its own function's checks. A correct alternative: penalised somewhere."""
        if self.kind == "bug":
            return self.lost.get(self.function, 0) > 0
        return bool(self.lost) or bool(self.public_failures)


def corpus(name):
    folder = ROOT / "tests" / "corpus" / name
    cases = []
    for kind, sub in (("bug", "bugs"), ("correct", "correct")):
        for path in sorted((folder / sub).glob("*.py")):
            function, description = describe_patch(path.read_text())
            cases.append(AuditCase(kind, path, function, description))
    return cases


def audit_case(name, case):
    """Grade one corpus entry; return it with the points each function lost.

    Graded: the functions the patch may affect (``callgraph.affected``: those it rewrites and
    those calling them); every other function is the reference's own, word for word, and grades
    as the reference does. A bug's function is graded with its callers (hidden checks; the callers
    without their integration checks); a correct alternative with public and integration checks.
    """
    assignment = assignments.load(name)
    reference = (ROOT / "solutions" / name / f"{name}.py").read_text()
    source = apply_patch(reference, case.path.read_text())
    changed = affected(reference, source)
    functions = case.graded = [f for f in assignment.functions if f in changed]
    with tempfile.TemporaryDirectory() as folder:
        submission = Path(folder) / f"{name}.py"
        submission.write_text(source)
        callers_only = [f for f in functions if f != case.function] if case.kind == "bug" else []
        report = grade(assignment, submission, public=case.kind == "correct", functions=functions,
                       without_integration=callers_only, shrink=case.kind == "correct")
    lost = {r.function: round(sum(share for share, v in r.shares if not v.passed), SHARE_DECIMALS)
            for r in report.results}
    case.lost = {function: points for function, points in lost.items() if points}
    case.elsewhere = sum(case.lost.get(f, 0) for f in callers_only)
    case.public_failures = sum(not v.passed for r in report.results for v in r.public)
    case.failures = [render_verdict(v) for r in report.results for v in r.verdicts if not v.passed]
    case.grader_errors = [render_verdict(v) for r in report.results for v in r.verdicts
                          if v.status is Status.GRADER_ERROR]
    return case


def run_audit(name, workers=None):
    cases = corpus(name)
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
        return list(pool.map(audit_case, [name] * len(cases), cases))


def render_audit(cases, functions):
    rows = [("function", "bugs caught", "points its bugs cost elsewhere", "correct alternatives penalised")]
    for function in functions + ["all"]:
        bugs = [c for c in cases if c.kind == "bug" and c.function == function]
        correct = [c for c in cases if c.kind == "correct"
                   and (c.function == "all" if function == "all" else function in c.graded)]
        penalised = [c for c in correct if function in c.lost or (function == "all" and c.flagged)]
        if function == "all" and not bugs and not correct:
            continue
        rows.append((function, f"{sum(c.flagged for c in bugs)}/{len(bugs)}",
                     f"{sum(c.elsewhere for c in bugs):g}", f"{len(penalised)}/{len(correct)}"))
    lines = [format_table(rows)]
    missed = [c for c in cases if c.kind == "bug" and not c.flagged]
    unfair = [c for c in cases if c.kind == "correct" and c.flagged]
    lines += [f"MISSED bug {c.path.name}: {c.description}" for c in missed]
    lines += [f"CHARGED ELSEWHERE bug {c.path.name}: lost {c.lost}" for c in cases if c.elsewhere]
    lines += [f"PENALISED correct {c.path.name}: lost {c.lost}\n" + "\n".join(c.failures) for c in unfair]
    lines += [f"GRADER ERROR on {c.path.name}:\n" + "\n".join(c.grader_errors) for c in cases if c.grader_errors]
    return "\n".join(lines)
