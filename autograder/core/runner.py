"""Run checks against a submission with Hypothesis, and collect verdicts with their evidence.

Hypothesis runs here, in the grader; only the calls to student functions cross into the worker.
Runs are reproducible: Hypothesis is seeded (the seed is part of every report), has no example
database, and shrinks every wrong answer to a minimal example, which is what the feedback shows (a
call that ends its function's grading, ``GivenUp``, is shown as it happened: see ``checks``).
"""

import contextlib
import tempfile
from dataclasses import dataclass, field

import hypothesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.configuration import set_hypothesis_home_dir

from autograder.core.checks import Failed, GivenUp, NotImplementedYet, Student
from autograder.core.outcomes import Reason, status_of
from autograder.sandbox.worker import Limits, Worker


@dataclass
class Verdict:
    """The outcome of one check: ``reason`` says why it did not pass (None: it passed).

    ``message`` explains a failure; for a passed check it is what the check measured, if anything.
    ``example`` is the smallest input Hypothesis found on which it fails.
    """

    check: object
    reason: Reason = None
    message: str = ""
    example: dict = field(default_factory=dict)

    @property
    def status(self):
        """The ``Status`` that ``reason`` means: passed, failed, not implemented, grader error or not graded."""
        return status_of(self.reason)

    @property
    def passed(self):
        return self.reason is None


def run_check(check, student, seed, oracle=None):
    """Run one ``Check`` against ``student``; return its ``Verdict`` with the minimal failing example.

    ``oracle`` (name -> reference function) answers the nested calls that ``check.function`` makes
    to those names; the verdict then says so.
    """
    student.grade_with(check.function, oracle or {})
    verdict = _run_check(check, student, seed)
    if student.substituted:
        said = f"graded with the reference {', '.join(sorted(student.substituted))} in place of yours"
        verdict.message = f"{verdict.message}\n({said})" if verdict.message and not verdict.passed \
            else "; ".join(filter(None, [verdict.message, said]))
    return verdict


def _run_check(check, student, seed):
    last_failure, note, grader_errors = {}, {}, []

    @settings(
        max_examples=check.max_examples, database=None, deadline=None, derandomize=False,
        phases=[Phase.explicit, Phase.generate, Phase.shrink], report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck), print_blob=False,
        verbosity=hypothesis.Verbosity.quiet,
    )
    @hypothesis.seed(seed)
    @given(example=check.inputs)
    def property_holds(example):
        try:
            said = check.verify(student, example)
            if said:  # a check may report what it measured, e.g. the accuracy a training run reached
                note["text"] = said
        except Failed as error:
            # Hypothesis replays the minimal example last, so the last failure recorded is it.
            last_failure.update(example=example, error=error)
            raise
        except GivenUp as stop:  # not an Exception: Hypothesis stops at once, without shrinking
            error = stop.error
            if stop.again and isinstance(error, Failed):  # explained once, with the check where it happened
                error = Failed(f"{stop.function} was not called again: it went wrong in an earlier check "
                               f"(explained there)", error.reason)
            last_failure.update(example={} if stop.again else example, error=error)
            raise
        except Exception as error:  # noqa: BLE001 - a bug of the grader or the check, not the student's
            grader_errors.append(error)
            raise

    try:
        property_holds()
    except GivenUp:
        return _failure_verdict(check, last_failure)
    except Exception:  # noqa: BLE001 - sorted out below
        if grader_errors:  # one broken check must not cost the student every other check
            return Verdict(check, Reason.GRADER_ERROR, f"the grader could not run this check ({grader_errors[0]!r}); "
                                                f"please tell your instructor", last_failure.get("example", {}))
        verdict = _failure_verdict(check, last_failure)
        if verdict is None:
            raise
        return verdict
    return Verdict(check, None, note.get("text", ""))


def _failure_verdict(check, last_failure):
    """The verdict for the failure Hypothesis found, or None if nothing was recorded."""
    error = last_failure.get("error")
    if error is None:
        return None
    if isinstance(error, NotImplementedYet):
        missing = "is not in your file" if error.reason is Reason.MISSING else "is not implemented yet"
        uses = "" if error.function == check.function else f" (this check of {check.function} uses it)"
        return Verdict(check, error.reason, f"{error.function} {missing}{uses}")
    return Verdict(check, error.reason, str(error), last_failure["example"])


def run_checks(checks, submission, module_name, seed, call_seconds=None, limits=Limits(), oracles=None):
    """Run ``checks`` in order against one submission file, with one sandboxed worker at a time.

    ``oracles[i]`` gives the reference functions that answer nested calls in ``checks[i]`` (see
    ``run_check``; default: none). Whatever a worker was told by the oracle stays with the function it graded:
    the worker is replaced before the next function's checks when the oracle answered it anything.

    Returns ``(verdicts, load_failure, cpu_peaks)``: when the file cannot be loaded (``load_failure``,
    the worker's ``Outcome``), no check runs and every verdict's reason is NOT_LOADED (explained
    once, from ``load_failure``); ``cpu_peaks`` maps each function called to the most CPU seconds
    one call used.
    """
    with _hypothesis_files_elsewhere(), Worker(submission, module_name, limits) as worker:
        load_failure = worker.load()
        if load_failure is not None:
            return [Verdict(check, Reason.NOT_LOADED) for check in checks], load_failure, {}
        student, verdicts = Student(worker, call_seconds), []
        for check, oracle in zip(checks, oracles or [None] * len(checks)):
            if verdicts and check.function != verdicts[-1].check.function and worker.oracle_answers:
                worker.close()  # a fresh process (and folder) for the next function
            verdicts.append(run_check(check, student, seed, oracle))
        return verdicts, None, student.cpu_peaks


@contextlib.contextmanager
def _hypothesis_files_elsewhere():
    """Hypothesis keeps caches in ``.hypothesis/`` of the working folder, even with no database:
    point it at a temporary folder, so that nothing is left beside the student's work."""
    with tempfile.TemporaryDirectory(prefix="hypothesis-") as folder:
        set_hypothesis_home_dir(folder)
        try:
            yield
        finally:
            set_hypothesis_home_dir(None)
