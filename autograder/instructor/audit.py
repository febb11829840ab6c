"""Prove the hidden tests' strength and fairness: grade a corpus of buggy, unfinished and correct submissions.

The corpus of assignment NAME lives in ``tests/corpus/NAME/``: ``bugs/*.py`` and ``correct/*.py``
are patches over the reference (see ``autograder.instructor.patching``) whose docstring's first line
names the function they change (``all`` for a complete alternative). Work in progress is made, not
stored: every graded function that another graded function calls (in the reference, or in a
correct alternative that calls its own functions differently) is left unfinished three ways: as
the skeleton, stuck in an endless loop, raising on every call (``patching.leave_unfinished``).

What each kind of entry must show, graded as Gradescope grades (public and hidden checks):

- a **bug** is caught: its own function loses points; no other function loses points outside its
  integration checks (which run the student's functions together by design: the callers are
  graded without them, to save time), and ``check`` (the public checks) marks no other function
  as failed: a check of another function that ran the buggy one waits on it;
- an **unfinished** function loses exactly its own points; the others lose nothing outside their
  integration checks, at most those checks' points (the declared integration share); ``check``
  marks no other function as failed;
- a **correct** alternative loses nothing and fails no public check.

Graded: the functions an entry may affect (``callgraph.affected``: those it rewrites and those
calling them), and on their public checks only, the functions whose public checks call those
directly (``public_callers``); every other function is the reference's own, word for word, and
grades as the reference does.
Entries are graded in parallel, one process per core. A bug's failures are not shrunk: the audit
needs verdicts, which Hypothesis settles before shrinking, not the smallest examples a student's
feedback shows (a correct alternative's are, should it fail: they are shown). Endless loops are
stopped after ``LOOP_CPU_SECONDS`` of CPU time instead of the usual limit: the same mechanism,
a shorter fuse.
"""

import copy
import functools
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from autograder.core import assignment as assignments
from autograder.core import examples
from autograder.core.callgraph import affected, calls
from autograder.core.feedback import format_table, render_verdict
from autograder.core.grading import SHARE_DECIMALS, as_checked, choose, grade, plan
from autograder.core.outcomes import Status
from autograder.core.repository import ROOT
from autograder.instructor.patching import UNFINISHED, apply_patch, describe_patch, leave_unfinished
from autograder.sandbox.worker import Limits

LOOP_CPU_SECONDS = 1.0


@dataclass
class AuditCase:
    kind: str  # "bug", "unfinished" or "correct"
    path: Path  # the patch; for work in progress, the submission it is made from (reference or patch)
    function: str  # the function the entry changes, or "all"
    description: str
    how: str = ""  # work in progress: a key of ``patching.UNFINISHED``
    graded: list = None  # the functions graded: those the entry may affect
    lost: dict = None  # function -> points lost in the checks that ran
    possible: dict = None  # function -> its points
    elsewhere: float = 0.0  # points other functions lost outside their integration checks
    integration: float = 0.0  # points other functions lost in their integration checks
    blamed: list = None  # other functions ``check`` marks as failed
    public_failures: int = 0  # public checks that did not pass (correct alternatives: must be 0)
    failures: list = None  # the explanations of the checks that failed
    grader_errors: list = None  # checks that broke on this submission: bugs of the grader

    @property
    def name(self):
        stem = self.path.stem
        return f"{self.function}_{self.how}" + ("" if stem == self.path.parent.name else f"_over_{stem}") \
            if self.kind == "unfinished" else stem

    @property
    def flagged(self):
        """A bug: caught by its own function's checks. Work in progress: its function loses all its
        points. A correct alternative: penalised somewhere."""
        if self.kind == "bug":
            return self.lost.get(self.function, 0) > 0
        if self.kind == "unfinished":
            return self.lost.get(self.function, 0) == self.possible.get(self.function)
        return bool(self.lost) or bool(self.public_failures)

    @property
    def fair(self):
        """Charged where it should be: no points lost elsewhere, no other function failed in ``check``."""
        return not self.elsewhere and not self.blamed


def corpus(name):
    """The corpus entries of assignment ``name``: its bugs, its work in progress, its correct alternatives."""
    folder = ROOT / "tests" / "corpus" / name
    cases = []
    for kind, sub in (("bug", "bugs"), ("correct", "correct")):
        for path in sorted((folder / sub).glob("*.py")):
            function, description = describe_patch(path.read_text())
            cases.append(AuditCase(kind, path, function, description))
    return [c for c in cases if c.kind == "bug"] + unfinished_cases(name) \
        + [c for c in cases if c.kind == "correct"]


def unfinished_cases(name):
    """Every graded function another graded function calls, left unfinished in every way: in the
    reference, and in each correct alternative where it has callers the reference does not give it."""
    assignment = assignments.load(name)
    reference = _reference(name)
    seen, cases = set(), []
    for path in [reference] + sorted((ROOT / "tests" / "corpus" / name / "correct").glob("*.py")):
        source = _source(name, path)
        uses = calls(source)
        for function in assignment.functions:
            callers = frozenset(f for f in assignment.functions if f != function and function in uses.get(f, ()))
            if callers and (function, callers) not in seen:
                seen.add((function, callers))
                cases += [AuditCase("unfinished", path, function, f"left {how}, called by {', '.join(sorted(callers))}",
                                    how) for how in UNFINISHED]
    return cases


def _reference(name):
    return ROOT / "solutions" / name / f"{name}.py"


def _source(name, path):
    """The submission a corpus file stands for: the reference itself, or the reference patched."""
    reference = _reference(name).read_text()
    return reference if path == _reference(name) else apply_patch(reference, path.read_text())


def audit_case(name, case):
    """Grade one corpus entry as Gradescope does; return it with what each function lost."""
    assignment = assignments.load(name)
    reference = _reference(name).read_text()
    if case.kind == "unfinished":
        source = leave_unfinished(_source(name, case.path), case.function, case.how)
    else:
        source = apply_patch(reference, case.path.read_text())
    changed = affected(reference, source)
    involving = public_callers(name)
    case.graded = [f for f in assignment.functions if f in changed or involving.get(f, set()) & changed]
    chosen = choose(assignment, case.graded, public_only=[f for f in case.graded if f not in changed],
                    without_integration=[f for f in case.graded if f != case.function] if case.kind == "bug" else ())
    limits = Limits(call_cpu_seconds=LOOP_CPU_SECONDS) if case.how == "loop" else Limits()
    with tempfile.TemporaryDirectory() as folder:
        submission = Path(folder) / f"{name}.py"
        submission.write_text(source)
        report = grade(assignment, submission, chosen, shrink=case.kind == "correct", limits=limits)
    lost = {r.function: round(sum(share for share, v in r.shares if not v.passed), SHARE_DECIMALS)
            for r in report.results}
    case.lost = {function: points for function, points in lost.items() if points}
    case.possible = {r.function: r.possible for r in report.results}
    others = [r for r in report.results if r.function != case.function]
    case.elsewhere = sum(share for r in others for share, v in r.shares if not v.passed and not v.check.integration)
    case.integration = sum(share for r in others for share, v in r.shares if not v.passed and v.check.integration)
    case.blamed = [r.function for r in as_checked(report).results
                   if r.function != case.function and r.status is Status.FAILED]
    case.public_failures = sum(not v.passed for r in report.results for v in r.public)
    case.failures = [render_verdict(v) for r in report.results for v in r.verdicts if not v.passed]
    case.grader_errors = [render_verdict(v) for r in report.results for v in r.verdicts
                          if v.status is Status.GRADER_ERROR]
    return case


@functools.cache
def public_callers(name):
    """{function: the other graded functions its public checks call directly}, found by running each
    public check once, in this process, on the reference and the check's first example."""
    assignment = assignments.load(name)
    checks = assignment.public_checks
    found = {}
    for check, drawn in zip(checks, examples.examples_for(assignment, checks)):
        if drawn is None or not drawn.examples:
            continue
        first = drawn.examples[0]
        student = _Recorder(assignment.reference)
        try:
            check.verify(student, copy.deepcopy(first))
        except Exception:  # noqa: BLE001 - a check of the reference that fails is the audit's to report
            pass
        found.setdefault(check.function, set()).update(student.called - {check.function})
    return found


class _Recorder:
    """The reference, called in this process, noting which functions a check calls."""

    def __init__(self, reference):
        self._reference, self.called, self.last_cpu_seconds = reference, set(), 0.0

    def call(self, function, *args, **kwargs):
        self.called.add(function)
        return getattr(self._reference, function)(*args, **kwargs)

    def __getattr__(self, function):
        if function.startswith("_"):
            raise AttributeError(function)
        return functools.partial(self.call, function)


def integration_share(assignment):
    """The points of every integration check together: what work in progress may cost elsewhere."""
    return sum(p.points for f in plan(assignment).values() for p in f.checks if p.check.integration)


def run_audit(name, workers=None):
    cases = corpus(name)
    public_callers(name)  # drawn once here: the worker processes start from it
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
        return list(pool.map(audit_case, [name] * len(cases), cases))


def render_audit(cases, functions, share):
    """Per function: bugs caught, work in progress charged exactly, what either cost elsewhere, the
    functions ``check`` wrongly failed, correct alternatives penalised; then every entry at fault."""
    rows = [("function", "bugs caught", "unfinished charged exactly", "points lost elsewhere",
             "integration points lost", "other functions failed in check", "correct alternatives penalised")]
    for function in functions + ["all"]:
        mine = [c for c in cases if c.function == function and c.kind != "correct"]
        bugs = [c for c in mine if c.kind == "bug"]
        unfinished = [c for c in mine if c.kind == "unfinished"]
        correct = [c for c in cases if c.kind == "correct"
                   and (c.function == "all" if function == "all" else function in c.graded)]
        penalised = [c for c in correct if function in c.lost or (function == "all" and c.flagged)]
        if function == "all" and not mine and not correct:
            continue
        rows.append((function, f"{sum(c.flagged for c in bugs)}/{len(bugs)}",
                     f"{sum(c.flagged for c in unfinished)}/{len(unfinished)}" if unfinished else "-",
                     f"{sum(c.elsewhere for c in mine):g}", f"{max((c.integration for c in mine), default=0):g}",
                     str(sum(len(c.blamed) for c in mine)), f"{len(penalised)}/{len(correct)}"))
    lines = [format_table(rows)]
    lines += [f"MISSED bug {c.name}: {c.description}" for c in cases if c.kind == "bug" and not c.flagged]
    lines += [f"NOT CHARGED EXACTLY {c.name}: lost {c.lost}" for c in cases if c.kind == "unfinished" and not c.flagged]
    lines += [f"CHARGED ELSEWHERE {c.kind} {c.name}: lost {c.lost}" for c in cases if c.elsewhere]
    lines += [f"OVER THE INTEGRATION SHARE {c.name}: {c.integration:g} > {share:g}"
              for c in cases if c.integration > share]
    lines += [f"CHECK FAILS {', '.join(c.blamed)} FOR {c.kind} {c.name}" for c in cases if c.blamed]
    lines += [f"PENALISED correct {c.name}: lost {c.lost}\n" + "\n".join(c.failures)
              for c in cases if c.kind == "correct" and c.flagged]
    lines += [f"GRADER ERROR on {c.name}:\n" + "\n".join(c.grader_errors) for c in cases if c.grader_errors]
    return "\n".join(lines)


def summary(cases, share):
    """The audit's figures over the whole corpus, in one paragraph."""
    kinds = {kind: [c for c in cases if c.kind == kind] for kind in ("bug", "unfinished", "correct")}
    return (f"{sum(c.flagged for c in kinds['bug'])}/{len(kinds['bug'])} bugs caught; "
            f"{sum(c.flagged for c in kinds['unfinished'])}/{len(kinds['unfinished'])} unfinished functions charged "
            f"exactly their own points; points lost elsewhere (integration checks aside): "
            f"{sum(c.elsewhere for c in cases):g}; integration points lost by work in progress: at most "
            f"{max((c.integration for c in kinds['unfinished']), default=0):g} of the declared {share:g}; "
            f"functions marked failed by check for another's bug or work in progress: "
            f"{sum(len(c.blamed) for c in cases if c.kind != 'correct')}; correct alternatives penalised: "
            f"{sum(c.flagged for c in kinds['correct'])}/{len(kinds['correct'])}")


def at_fault(case, share):
    """Whether ``case`` shows the autograder at fault (a missed bug, an unfair charge, a penalised
    correct alternative, a grader error)."""
    if case.kind == "correct":
        return case.flagged or bool(case.grader_errors)
    over = case.kind == "unfinished" and case.integration > share
    return not case.flagged or not case.fair or over or bool(case.grader_errors)
