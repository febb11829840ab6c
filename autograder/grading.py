"""Grade a submission: run an assignment's checks and turn verdicts into points per function.

Each function's points (``POINTS`` in the assignment's grading module) are shared among its hidden
checks by weight, so partial credit follows which properties hold. Public checks carry no points:
they are the feedback students get before they hand in, and graders show them too.
"""

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.runner import NOT_IMPLEMENTED, PASSED, run_checks


@dataclass
class FunctionResult:
    """The verdicts of one function's checks and the points they earn."""

    function: str
    public: list
    hidden: list
    possible: float = 0.0

    @property
    def verdicts(self):
        return self.public + self.hidden

    @property
    def points(self):
        total = sum(v.check.weight for v in self.hidden)
        earned = sum(v.check.weight for v in self.hidden if v.passed)
        return self.possible * earned / total if total else 0.0

    @property
    def status(self):
        """passed, not implemented, or failed: the word the per-function table shows."""
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
        from autograder.notebook import module_source

        source, notes = module_source(submission)
        with tempfile.TemporaryDirectory() as folder:
            module = Path(folder) / f"{assignment.module_name}.py"
            module.write_text(source, encoding="utf-8")
            report = grade(assignment, module, hidden, functions, public)
        report.notes = notes
        return report
    functions = functions or assignment.functions
    checks = [c for c in assignment.public_checks if c.function in functions] if public else []
    if hidden:
        checks += [c for c in assignment.hidden_checks if c.function in functions]
    verdicts = run_checks(checks, submission, assignment.module_name, assignment.seed,
                          assignment.call_seconds)
    public = set(map(id, assignment.public_checks))
    results = [
        FunctionResult(
            function,
            public=[v for v in verdicts if v.check.function == function and id(v.check) in public],
            hidden=[v for v in verdicts if v.check.function == function and id(v.check) not in public],
            possible=float(assignment.points.get(function, 0.0)) if hidden else 0.0,
        )
        for function in functions
    ]
    return Report(assignment.name, assignment.seed, results)
