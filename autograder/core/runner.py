"""Run checks against a submission with Hypothesis, and collect verdicts with their evidence.

Hypothesis runs here, in the grader; only the calls to student functions cross into the worker.
Runs are reproducible: Hypothesis is seeded (the seed is part of every report), has no example
database, and shrinks every wrong answer to a minimal example, which is what the feedback shows (a
call that ends its function's grading, ``GivenUp``, is shown as it happened: see ``checks``).

Seeded, Hypothesis feeds a check the same examples in the same order whatever the submission
answers, until an answer fails: what it draws depends on the seed, the strategy and
``max_examples`` only. So the examples of a passing run are kept (``drawn_examples``: for the life
of the process; the autograder zip carries every check's, see ``examples``) and replayed for the
next submission: one that passes them all has passed the check as if Hypothesis had run, without
the cost of the search. At the first failure Hypothesis runs the check from the seed as before:
the examples already replayed get the answers they had (the submission is not called again), the
failure comes at the same example and is shrunk as before. Verdicts, feedback and the calls the
submission meets are those of Hypothesis alone (``tests/test_examples.py`` proves it).
"""

import contextlib
import copy
import functools
import tempfile
import weakref
from dataclasses import dataclass, field

import hypothesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.configuration import set_hypothesis_home_dir

from autograder.core.checks import Failed, GivenUp, NotImplementedYet, Student, same_value
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


def run_check(check, student, seed, oracle=None, examples=None, shrink=True):
    """Run one ``Check`` against ``student``; return its ``Verdict`` with the minimal failing example.

    ``oracle`` (name -> reference function) answers the nested calls that ``check.function`` makes
    to those names; the verdict then says so. ``examples``, the check's drawn examples for ``seed``,
    are replayed first (None: Hypothesis alone). With ``shrink=False`` a failure is not shrunk: the
    verdict is the same (Hypothesis settles it before shrinking), its example the first that failed.
    """
    student.grade_with(check.function, oracle or {})
    verdict = _run_check(check, student, seed, examples, shrink)
    if student.substituted:
        said = f"graded with the reference {', '.join(sorted(student.substituted))} in place of yours"
        verdict.message = f"{verdict.message}\n({said})" if verdict.message and not verdict.passed \
            else "; ".join(filter(None, [verdict.message, said]))
    return verdict


def seeded(check, seed, shrink=True):
    """Decorate ``test(example)`` into the Hypothesis run of ``check``: seeded, no database, every
    failure shrunk (unless ``shrink`` is False). Grading and ``draw_examples`` run checks only through it."""
    phases = [Phase.explicit, Phase.generate] + ([Phase.shrink] if shrink else [])

    def decorate(test):
        return settings(
            max_examples=check.max_examples, database=None, deadline=None, derandomize=False,
            phases=phases, report_multiple_bugs=False,
            suppress_health_check=list(HealthCheck), print_blob=False,
            verbosity=hypothesis.Verbosity.quiet,
        )(hypothesis.seed(seed)(given(example=check.inputs)(test)))
    return decorate


_DRAWN = weakref.WeakKeyDictionary()  # check -> {seed: the examples of a run where every one passed}


def drawn_examples(check, seed):
    """The examples Hypothesis feeds ``check`` with ``seed`` while every one passes, in order, if this
    process has seen them (a passing run, or ``draw_examples``); None if not."""
    return _DRAWN.get(check, {}).get(seed)


def draw_examples(check, seed):
    """Draw the examples of ``check`` for ``seed``: run Hypothesis on a property that always holds."""
    if drawn_examples(check, seed) is None:
        with _hypothesis_as_graded():
            _keep_examples_of(check, seed, lambda example: None)()
    return drawn_examples(check, seed)


def _keep_examples_of(check, seed, property_holds, shrink=True):
    """The Hypothesis run of ``property_holds`` that keeps the examples it is fed if it passes."""
    fed = []

    def recorded(example):
        fed.append(copy.deepcopy(example))
        property_holds(example)

    def run():
        seeded(check, seed, shrink)(recorded)()
        _DRAWN.setdefault(check, {})[seed] = fed  # not reached if it failed
    return run


def _run_check(check, student, seed, examples, shrink):
    last_failure, note, grader_errors = {}, {}, []

    def property_holds(example, verify=check.verify):
        try:
            said = verify(student, example)
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

    if examples is None:  # Hypothesis alone, keeping the examples for the next grading if they all pass
        return _hypothesis_verdict(_keep_examples_of(check, seed, property_holds, shrink), check, last_failure,
                                   note, grader_errors)
    answered = []  # (example, a stand-in for verify that does again what it did) for each example replayed

    def remembering(student, example):
        try:
            said = check.verify(student, example)
        except BaseException as error:
            answered.append((example, functools.partial(_raise, error)))
            raise
        answered.append((example, lambda *_: said))
        return said

    try:
        for example in examples:
            property_holds(copy.deepcopy(example), remembering)
        return Verdict(check, None, note.get("text", ""))
    except GivenUp:  # where Hypothesis would have stopped too: the same example, the same words
        return _failure_verdict(check, last_failure)
    except Exception:  # noqa: BLE001 - a failure: Hypothesis runs the check from the seed, and shrinks it
        pass
    # Hypothesis is fed the replayed examples first, in the same order; they get the answers they had,
    # without calling the submission again, so the submission meets exactly the calls of Hypothesis
    # alone (code that answers differently the second time included).
    for record in (last_failure, note):
        record.clear()
    grader_errors.clear()

    def property_as_replayed(example):
        if answered and same_value(answered[0][0], example):
            return property_holds(example, answered.pop(0)[1])
        answered.clear()  # not fed as replayed (never seen): from here on, every call is made
        return property_holds(example)
    return _hypothesis_verdict(seeded(check, seed, shrink)(property_as_replayed), check, last_failure, note,
                               grader_errors)


def _raise(error, *_):
    raise error


def _hypothesis_verdict(run, check, last_failure, note, grader_errors):
    """The verdict of ``run``, a Hypothesis run of ``check`` that records into the other arguments."""
    try:
        run()
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


def run_checks(checks, submission, module_name, seed, call_seconds=None, limits=Limits(), oracles=None,
               examples=None, shrink=True):
    """Run ``checks`` in order against one submission file, with one sandboxed worker at a time.

    ``oracles[i]`` gives the reference functions that answer nested calls in ``checks[i]`` (see
    ``run_check``; default: none), ``examples[i]`` the examples to replay first (default: none,
    Hypothesis alone); ``shrink=False`` leaves failures unshrunk (see ``run_check``). Whatever a
    worker was told by the oracle stays with the function it graded: the worker is replaced before
    the next function's checks when the oracle answered it anything.

    Returns ``(verdicts, load_failure, cpu_peaks)``: when the file cannot be loaded (``load_failure``,
    the worker's ``Outcome``), no check runs and every verdict's reason is NOT_LOADED (explained
    once, from ``load_failure``); ``cpu_peaks`` maps each function called to the most CPU seconds
    one call used.
    """
    with _hypothesis_as_graded(), Worker(submission, module_name, limits) as worker:
        load_failure = worker.load()
        if load_failure is not None:
            return [Verdict(check, Reason.NOT_LOADED) for check in checks], load_failure, {}
        student, verdicts = Student(worker, call_seconds), []
        for check, oracle, drawn in zip(checks, oracles or [None] * len(checks), examples or [None] * len(checks)):
            if verdicts and check.function != verdicts[-1].check.function and worker.oracle_answers:
                worker.close()  # a fresh process (and folder) for the next function
            verdicts.append(run_check(check, student, seed, oracle, drawn, shrink))
        return verdicts, None, student.cpu_peaks


@contextlib.contextmanager
def _hypothesis_as_graded():
    """Hypothesis as grading runs it, the same in every process.

    Hypothesis keeps caches in ``.hypothesis/`` of the working folder, even with no database: they
    go to a temporary folder, so that nothing is left beside the student's work. And now and then it
    draws a constant found in the source of the modules loaded in the process (its "local
    constants"); which modules are loaded differs between ``make check``, Otter's kernel and the
    build of the zip, so grading draws none: one seed, the same examples everywhere.
    """
    with tempfile.TemporaryDirectory(prefix="hypothesis-") as folder, _no_local_constants():
        set_hypothesis_home_dir(folder)
        try:
            yield
        finally:
            set_hypothesis_home_dir(None)


@contextlib.contextmanager
def _no_local_constants():
    try:  # Hypothesis internals, of recent versions; a version without them has nothing to turn off
        from hypothesis.internal.conjecture import providers
        found, constants = providers._get_local_constants, providers.Constants()
        forget_allowed = providers.CONSTANTS_CACHE.cache.clear  # worked out with the local constants
    except (ImportError, AttributeError, TypeError):
        yield
        return
    providers._get_local_constants = lambda: constants
    forget_allowed()
    try:
        yield
    finally:
        providers._get_local_constants = found
        forget_allowed()
