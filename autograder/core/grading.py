"""Grade a submission: run an assignment's checks and turn verdicts into points per function.

Each function's points (``POINTS`` in the assignment's grading module) are shared among its hidden
checks by weight, so partial credit follows which properties hold. Public checks carry no points:
they are the feedback students get before they hand in, and graders show them too.
"""

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.core.callgraph import calls
from autograder.core.runner import FAILED, NOT_GRADED, NOT_IMPLEMENTED, PASSED, run_checks

SHARE_DECIMALS = 2  # points per check are multiples of 0.01


def point_shares(points, weights):
    """``points`` split among checks in proportion to ``weights``: round numbers that sum exactly.

    Each share is a whole number of units, the unit being the coarsest of 1, 0.1 and 0.01 at which
    every share is exact (20 points by weights 2, 1, 1, 1: 8, 4, 4, 4), else 0.01 with largest-
    remainder rounding: the floor of each quota, then the units left over to the largest remainders
    (the first check wins a tie). The same numbers locally and in the Otter test files.
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


@dataclass
class FunctionResult:
    """The verdicts of one function's checks and the points they earn."""

    function: str
    public: list
    hidden: list
    possible: float = 0.0
    loaded: bool = True  # False: the file could not be loaded, so no check ran

    @property
    def verdicts(self):
        return self.public + self.hidden

    @property
    def points(self):
        shares = point_shares(self.possible, [v.check.weight for v in self.hidden])
        return round(sum(share for share, v in zip(shares, self.hidden) if v.passed), SHARE_DECIMALS)

    @property
    def status(self):
        """passed, not implemented, failed or not graded: the word the per-function table shows."""
        if not self.loaded:
            return NOT_GRADED
        if all(v.passed for v in self.verdicts):
            return PASSED
        if all(v.status == NOT_IMPLEMENTED for v in self.verdicts):
            return NOT_IMPLEMENTED
        return "failed"


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


def grade(assignment, submission, hidden=True, functions=None, public=True):
    """Run the public and (with ``hidden``) the hidden checks; return a ``Report``.

    ``functions`` limits grading to some of the assignment's functions (default: all). A notebook
    (``.ipynb``) is first turned into a module (``notebook.module_source``), here in the grader;
    what was left out of it is in ``Report.notes``.
    """
    if Path(submission).suffix == ".ipynb":
        from autograder.core.notebook import module_source

        source, notes = module_source(submission)
        with tempfile.TemporaryDirectory() as folder:
            module = Path(folder) / f"{assignment.module_name}.py"
            module.write_text(source, encoding="utf-8")
            report = grade(assignment, module, hidden, functions, public)
        report.notes = notes
        return report
    functions = functions or assignment.functions
    chosen = (assignment.public_checks if public else []) + (assignment.hidden_checks if hidden else [])
    checks = [c for function in functions for c in chosen if c.function == function]  # function by function
    public = set(map(id, assignment.public_checks))

    def oracle(check):  # reference answers in hidden checks only: public ones run without the reference too
        return {} if id(check) in public else assignment.oracle_for(check)

    verdicts, load_failure, cpu_seconds = run_checks(checks, submission, assignment.module_name, assignment.seed,
                                        assignment.call_seconds, oracle=oracle)
    results = [
        FunctionResult(
            function,
            public=[v for v in verdicts if v.check.function == function and id(v.check) in public],
            hidden=[v for v in verdicts if v.check.function == function and id(v.check) not in public],
            possible=float(assignment.points.get(function, 0.0)) if hidden else 0.0,
            loaded=load_failure is None,
        )
        for function in functions
    ]
    point_at_failing_callees(results, submission)
    return Report(assignment.name, assignment.seed, results, load_failure, cpu_seconds)


def point_at_failing_callees(results, submission):
    """Where a check that runs the student's own functions together (public and integration checks)
    fails in a function that calls other failing graded functions, say so first: the bug is likely
    there ("loss_and_grads uses relu_backward, which fails its own checks: fix it first")."""
    try:
        uses = calls(Path(submission).read_text(errors="replace"))
    except OSError:
        return
    failing = {r.function for r in results if r.status == FAILED}
    for result in results:
        callees = sorted(f for f in uses.get(result.function, ()) if f in failing and f != result.function)
        if not callees:
            continue
        said = (f"{result.function} uses {', '.join(callees)}, which "
                f"{'fails its' if len(callees) == 1 else 'fail their'} own checks: fix "
                f"{'it' if len(callees) == 1 else 'them'} first.")
        for verdict in result.public + [v for v in result.hidden if v.check.integration]:
            if verdict.status == FAILED:
                verdict.message = f"{said}\n{verdict.message}"
