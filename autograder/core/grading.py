"""Grade a submission: run an assignment's checks and turn verdicts into points per function.

Each function's points (``POINTS`` in the assignment's grading module) are shared among its hidden
checks by weight, so partial credit follows which properties hold. Public checks carry no points:
they are the feedback students get before they hand in, and graders show them too. Which checks a
function has, who sees them and what each is worth is its ``FunctionPlan`` (``plan``): local grading
and the generated Otter test files both read it.
"""

import dataclasses
import enum
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.core import examples, notebook
from autograder.core.outcomes import Reason, Status
from autograder.core.runner import CheckRun, run_checks
from autograder.sandbox.worker import Limits

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
        """The ``Status`` the per-function table shows. Failures of its own come first: failed, else
        not implemented (grader errors count as failed: the instructor must look); a function whose
        only failures wait on other functions is WAITING (``waiting_on`` says on which)."""
        if not self.loaded:
            return Status.NOT_GRADED
        own = [v.status for v in self.verdicts if not v.passed and not v.waiting_on]
        if not own:
            return Status.WAITING if self.waiting_on else Status.PASSED
        if all(status is Status.NOT_IMPLEMENTED for status in own):
            return Status.NOT_IMPLEMENTED
        return Status.FAILED

    @property
    def waiting_on(self):
        """The other functions this one's failed checks wait on, in order of their names."""
        return tuple(sorted({name for v in self.verdicts if not v.passed for name in v.waiting_on}))


@dataclass
class Report:
    assignment: str
    seed: int
    results: list
    load_failure: object = None  # the worker's Outcome when the file could not be loaded
    cpu_seconds: dict = field(default_factory=dict)  # function -> the most CPU seconds one call used
    notebook: object = None  # the ``notebook.NotebookModule`` a notebook submission became

    @property
    def left_out(self):
        """What was left out of a notebook, one line each."""
        return self.notebook.notes if self.notebook is not None else []

    @property
    def points(self):
        return sum(r.points for r in self.results)

    @property
    def possible(self):
        return sum(r.possible for r in self.results)

    @property
    def passed(self):
        """The file loaded and every function chosen passed all its checks."""
        return self.load_failure is None and all(r.status is Status.PASSED for r in self.results)

    def result(self, function):
        return next(r for r in self.results if r.function == function)


def choose(assignment, functions=None, public=True, hidden=True, without_integration=(), public_only=()):
    """The checks to run, ``{function: its PlannedChecks}``, in handout order: the public and (with
    ``hidden``) the graded checks of ``functions`` (default: all), but the integration checks of the
    functions in ``without_integration`` and any graded check of those in ``public_only`` (the audit
    grades a bug's callers only to see that nothing is charged to them)."""
    def wanted(function, planned):
        if not planned.graded:
            return public
        return hidden and function not in public_only and not (planned.check.integration
                                                               and function in without_integration)
    plans = plan(assignment)
    return {f: [p for p in plans[f].checks if wanted(f, p)] for f in functions or assignment.functions}


def grade(assignment, submission, chosen=None, *, feed_drawn=True, shrink=True, limits=Limits()):
    """Run the ``chosen`` checks (see ``choose``; default: every check of every function) against
    ``submission``; return a ``Report``.

    Every check is first fed the examples drawn for it before (``examples``); ``feed_drawn=False``
    leaves the search to Hypothesis alone, with the same verdicts, only slower; ``shrink=False`` does
    not shrink failures (the same verdicts, each with the first example that failed: for callers that
    need verdicts, not feedback); ``limits`` are the sandbox's. A notebook (``.ipynb``) is first
    turned into a module (``grade_notebook``).
    """
    chosen = choose(assignment) if chosen is None else chosen
    if Path(submission).suffix == ".ipynb":
        return grade_notebook(assignment, notebook.read(submission), chosen, feed_drawn=feed_drawn, shrink=shrink,
                              limits=limits)
    runs = check_runs(assignment, chosen, feed_drawn)
    reference = assignment.reference.__file__ if assignment.reference is not None else None
    verdicts, fed, load_failure, cpu_seconds = run_checks(
        runs, submission, assignment.module_name, assignment.seed, assignment.call_seconds, limits, shrink,
        assignment.functions, reference)
    examples.remember(assignment, {run.check: drawn for run, drawn in zip(runs, fed) if drawn is not None})
    by_check = {run.check.key: verdict for run, verdict in zip(runs, verdicts)}
    for planned in (p for checks in chosen.values() for p in checks):
        by_check[planned.check.key].graded = planned.graded
    points = {f: p.points for f, p in plan(assignment).items()}
    results = [FunctionResult(f, planned, [by_check[p.check.key] for p in planned],
                              possible=points[f] if any(p.graded for p in planned) else 0.0,
                              loaded=load_failure is None)
               for f, planned in chosen.items()]
    if load_failure is None:
        mark_waiting(results)
        withhold_rules(results)
    return Report(assignment.name, assignment.seed, results, load_failure, cpu_seconds)


def grade_notebook(assignment, module, chosen=None, **options):
    """``grade`` the module a notebook defines (a ``notebook.NotebookModule``); the report keeps it
    (``Report.notebook``: what was left out, and where each line of the module is in the cells)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{assignment.module_name}.py"
        path.write_text(module.source, encoding="utf-8")
        report = grade(assignment, path, chosen, **options)
    report.notebook = module
    return report


def check_runs(assignment, chosen, feed_drawn=True):
    """The ``CheckRun``s of the chosen checks (function -> ``PlannedCheck``s), in the order they run.

    Every public check first, then the graded ones: what hidden checks send the worker (their inputs,
    the oracle's answers) never reaches the feedback of a public check, which students see at once.
    A graded check that students see at once (``visible``) or that runs their functions together
    (``integration``) gets a worker of its own, so that nothing a hidden check left in the worker
    reaches it either. Reference answers for nested calls are given in graded checks only: public
    ones run without, as on students' machines.
    """
    ordered = [p for graded in (False, True) for planned in chosen.values() for p in planned if p.graded is graded]
    drawn = examples.examples_for(assignment, [p.check for p in ordered]) if feed_drawn else [None] * len(ordered)
    return [CheckRun(p.check, assignment.oracle_for(p.check) if p.graded else (), found,
                     fresh_worker=p.graded and (p.check.integration or p.visibility is Visibility.SHOWN))
            for p, found in zip(ordered, drawn)]


def as_checked(report):
    """The report ``check`` gives for the same file: the public verdicts of ``report`` only, their
    waits worked out among themselves. Exact, because public checks run before the graded ones."""
    results = []
    for result in report.results:
        public = [(p, dataclasses.replace(v, waiting_on=())) for p, v in zip(result.planned, result.verdicts)
                  if not p.graded]
        results.append(FunctionResult(result.function, [p for p, _ in public], [v for _, v in public],
                                      loaded=result.loaded))
    if report.load_failure is None:
        mark_waiting(results)
    return dataclasses.replace(report, results=results)


def withhold_rules(results):
    """A rule check (``Check.rule``: types and dtypes, which a wrong function keeps as easily as a
    right one) earns its share only with right values: where a function passes none of its other
    hidden checks, its passed rule checks fail too (``Reason.VALUES_FIRST``), so a function that
    is wrong everywhere earns nothing, and one right in some cases keeps its points for the rules."""
    for result in results:
        graded = [(p.check, v) for p, v in zip(result.planned, result.verdicts) if p.graded]
        values = [v for check, v in graded if not check.rule]
        if values and not any(v.passed for v in values):
            for check, verdict in graded:
                if check.rule and verdict.passed:
                    verdict.reason = Reason.VALUES_FIRST


def mark_waiting(results):
    """Charge each failure to the function that has it: a failed check of ``f`` that ran another
    function failing its own checks *waits on* that function (``Verdict.waiting_on``), and is not
    ``f``'s failure (its points, if any, are still lost: the reference did not stand in).

    A check waits on the functions at the root of the trouble: those with a failure of their own (a
    check that ran no other failing function). A function failing only because it waits on others
    passes them on: a check of ``train`` that ran a ``loss_and_grads`` waiting on ``conv_backward``
    waits on ``conv_backward``. Two functions that only ever fail together have no root: neither is
    excused, so both are charged.
    """
    failures = [(r.function, v) for r in results for v in r.verdicts
                if not v.passed and v.status is not Status.GRADER_ERROR]
    failing = {function for function, _ in failures}
    others = [(function, v, (v.involved - {function}) & failing) for function, v in failures]
    own = {function for function, _, names in others if not names}
    roots = {function: {function} if function in own else set() for function in failing}

    def roots_of(names, function):
        return set().union(*(roots[name] for name in names)) - {function}

    changed = True
    while changed:  # a function with no failure of its own takes on the roots of those it waits on
        changed = False
        for function, _, names in others:
            found = roots_of(names, function)
            if function not in own and not found <= roots[function]:
                roots[function] |= found
                changed = True
    for function, verdict, names in others:
        verdict.waiting_on = tuple(sorted(roots_of(names, function)))
