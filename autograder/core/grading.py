"""Grade a submission: run an assignment's checks and turn verdicts into points per function.

Each function's points (``POINTS`` in the assignment's grading module) are shared among its hidden
checks by weight, so partial credit follows which properties hold. Public checks carry no points:
they are the feedback students get before they hand in, and graders show them too. Which checks a
function has, who sees them and what each is worth is its ``FunctionPlan`` (``plan``): local grading
and the generated Otter test files both read it.
"""

import enum
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.core import examples
from autograder.core.callgraph import calls
from autograder.core.outcomes import Status
from autograder.core.runner import drawn_examples, run_checks

SHARE_DECIMALS = 2  # points per check are multiples of 0.01


def point_shares(points, weights):
    """``points`` split among checks in proportion to ``weights``: round numbers that sum exactly.

    Each share is a whole number of units, the unit being the coarsest of 1, 0.1 and 0.01 at which
    every share is exact (20 points by weights 2, 1, 1, 1: 8, 4, 4, 4), else 0.01 with largest-
    remainder rounding: the floor of each quota, then the units left over to the largest remainders
    (the first check wins a tie). ``plan`` gives them to local grading and the Otter test files.
    """
    total = sum(weights)
    if not weights or total <= 0:
        return [0.0] * len(weights)
    for decimals in range(SHARE_DECIMALS + 1):
        scale = 10**decimals
        units = round(points * scale)
        quotas = [units * weight / total for weight in weights]
        if decimals == SHARE_DECIMALS or all(quota == int(quota) for quota in quotas):
            break
    shares = [int(quota) for quota in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (shares[i] - quotas[i], i))
    for i in by_remainder[:units - sum(shares)]:
        shares[i] += 1
    return [share / scale for share in shares]


class Visibility(enum.Enum):
    """Who sees a check's result, and when."""

    PUBLIC = "public"  # students run it before they hand in (``make check``); it carries no points
    HIDDEN = "hidden"  # graded; its result is shown once grades are published
    SHOWN = "shown"  # graded, and shown at once: it reveals nothing hidden (``Check.visible``)


@dataclass(frozen=True)
class PlannedCheck:
    """A check as the plan places it: who sees it, and what it is worth."""

    check: object  # a ``Check``
    visibility: Visibility
    points: float  # its share of the function's points (0 for a public check)

    @property
    def graded(self):
        return self.visibility is not Visibility.PUBLIC


@dataclass(frozen=True)
class FunctionPlan:
    """One function's checks in the order they run (public first), with visibility and points."""

    function: str
    points: float
    checks: tuple  # of ``PlannedCheck``


def plan(assignment):
    """``{function: FunctionPlan}`` for every function of ``assignment``, in handout order."""
    plans = {}
    for function in assignment.functions:
        public = [c for c in assignment.public_checks if c.function == function]
        hidden = [c for c in assignment.hidden_checks if c.function == function]
        points = float(assignment.points.get(function, 0.0))
        shares = point_shares(points, [c.weight for c in hidden])
        plans[function] = FunctionPlan(function, points, tuple(
            [PlannedCheck(c, Visibility.PUBLIC, 0.0) for c in public]
            + [PlannedCheck(c, Visibility.SHOWN if c.visible else Visibility.HIDDEN, share)
               for c, share in zip(hidden, shares)]))
    return plans


@dataclass
class FunctionResult:
    """The verdicts of one function's checks (``planned``, in the same order) and the points they earn."""

    function: str
    planned: list  # the ``PlannedCheck`` of each verdict
    verdicts: list
    possible: float = 0.0
    loaded: bool = True  # False: the file could not be loaded, so no check ran

    @property
    def public(self):
        return [v for p, v in zip(self.planned, self.verdicts) if not p.graded]

    @property
    def hidden(self):
        return [v for p, v in zip(self.planned, self.verdicts) if p.graded]

    @property
    def shares(self):
        """``(points, verdict)`` of each graded check."""
        return [(p.points, v) for p, v in zip(self.planned, self.verdicts) if p.graded]

    @property
    def points(self):
        return round(sum(share for share, v in self.shares if v.passed), SHARE_DECIMALS)

    @property
    def status(self):
        """The ``Status`` the per-function table shows: passed, not implemented, failed or not graded."""
        if not self.loaded:
            return Status.NOT_GRADED
        if all(v.passed for v in self.verdicts):
            return Status.PASSED
        if all(v.status is Status.NOT_IMPLEMENTED for v in self.verdicts):
            return Status.NOT_IMPLEMENTED
        return Status.FAILED


@dataclass
class Report:
    assignment: str
    seed: int
    results: list
    load_failure: object = None  # the worker's Outcome when the file could not be loaded
    cpu_seconds: dict = field(default_factory=dict)  # function -> the most CPU seconds one call used
    notes: list = field(default_factory=list)  # what was left out of a notebook, one line each

    @property
    def points(self):
        return sum(r.points for r in self.results)

    @property
    def possible(self):
        return sum(r.possible for r in self.results)

    def result(self, function):
        return next(r for r in self.results if r.function == function)


def grade(assignment, submission, hidden=True, functions=None, public=True, without_integration=(), replay=True,
          shrink=True):
    """Run the public and (with ``hidden``) the hidden checks; return a ``Report``.

    ``functions`` limits grading to some of the assignment's functions (default: all), and the
    functions in ``without_integration`` are graded without their integration checks (the audit
    grades a bug's callers only to see that nothing is charged to them). Each check replays its
    drawn examples first (``runner``); ``replay=False`` leaves the search to Hypothesis alone, with
    the same verdicts, only slower; ``shrink=False`` does not shrink failures (the same verdicts, each
    with the first example that failed: for callers that need verdicts, not feedback). A notebook
    (``.ipynb``) is first turned into a module (``notebook.module_source``), here in the grader;
    what was left out of it is in ``Report.notes``.
    """
    if Path(submission).suffix == ".ipynb":
        from autograder.core.notebook import module_source

        source, notes = module_source(submission)
        with tempfile.TemporaryDirectory() as folder:
            module = Path(folder) / f"{assignment.module_name}.py"
            module.write_text(source, encoding="utf-8")
            report = grade(assignment, module, hidden, functions, public, without_integration, replay, shrink)
        report.notes = notes
        return report
    functions = functions or assignment.functions
    plans = plan(assignment)
    chosen = {f: [p for p in plans[f].checks if (hidden if p.graded else public)
                  and not (p.check.integration and f in without_integration)] for f in functions}
    planned = [p for f in functions for p in chosen[f]]  # function by function
    # Reference answers for nested calls in graded checks only: public ones run without, as on students' machines.
    oracles = [assignment.oracle_for(p.check) if p.graded else {} for p in planned]
    kept = examples.kept(assignment) if replay else None
    replayed = [_examples(assignment, kept, p.check) for p in planned] if replay else None
    verdicts, load_failure, cpu_seconds = run_checks([p.check for p in planned], submission, assignment.module_name,
                                                     assignment.seed, assignment.call_seconds, oracles=oracles,
                                                     examples=replayed, shrink=shrink)
    if kept is not None:  # the examples of this grading's first passing runs, for other processes
        new = {p.check.key: drawn_examples(p.check, assignment.seed) for p in planned if p.check.key not in kept}
        new = {key: found for key, found in new.items() if found is not None}
        if new:
            examples.keep(assignment, new)
    in_order = iter(verdicts)
    results = [FunctionResult(f, chosen[f], [next(in_order) for _ in chosen[f]],
                              possible=plans[f].points if hidden else 0.0, loaded=load_failure is None)
               for f in functions]
    point_at_failing_callees(results, submission)
    return Report(assignment.name, assignment.seed, results, load_failure, cpu_seconds)


def _examples(assignment, kept, check):
    """The examples ``check`` replays: those the autograder zip carries, those kept in this checkout,
    or those of a passing run in this process (None: none yet)."""
    for found in (assignment.drawn.get(check.key), (kept or {}).get(check.key)):
        if found is not None:
            return found
    return drawn_examples(check, assignment.seed)


def point_at_failing_callees(results, submission):
    """Where a check that runs the student's own functions together (public and integration checks)
    fails in a function that calls other failing graded functions, say so first: the bug is likely
    there ("loss_and_grads uses relu_backward, which fails its own checks: fix it first")."""
    try:
        uses = calls(Path(submission).read_text(errors="replace"))
    except OSError:
        return
    failing = {r.function for r in results if r.status is Status.FAILED}
    for result in results:
        callees = sorted(f for f in uses.get(result.function, ()) if f in failing and f != result.function)
        if not callees:
            continue
        said = (f"{result.function} uses {', '.join(callees)}, which "
                f"{'fails its' if len(callees) == 1 else 'fail their'} own checks: fix "
                f"{'it' if len(callees) == 1 else 'them'} first.")
        for verdict in result.public + [v for v in result.hidden if v.check.integration]:
            if verdict.status is Status.FAILED:
                verdict.message = f"{said}\n{verdict.message}"
