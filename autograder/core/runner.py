"""Run checks against a submission with Hypothesis, and collect verdicts with their evidence.

Hypothesis runs here, in the grader; only the calls to student functions cross into the worker.
Runs are reproducible: Hypothesis is seeded (the seed is part of every report), has no example
database, and shrinks every wrong answer to a minimal example, which is what the feedback shows (a
call that ends its function's grading, ``GivenUp``, is shown as it happened: see ``checks``).

Seeded, Hypothesis feeds a check the same examples in the same order whatever the submission
answers, until an answer fails: what it draws depends on the seed, the strategy and
``max_examples`` only. So a check can be given the examples it was fed before (``Drawn``;
``examples`` keeps them: the autograder zip carries every check's, a process and a checkout keep
those of passing runs): they are fed first, and a submission that passes them all has passed the
check as if Hypothesis had run, without the cost of the search. At the first failure Hypothesis
runs the check from the seed as before: the examples already fed get the answers they had (the
submission is not called again), the failure comes at the same example and is shrunk as before.
Verdicts, feedback and the calls the submission meets are those of Hypothesis alone
(``tests/test_examples.py`` proves it), but where Hypothesis is known to stop at the failing
example, which is then the verdict without running Hypothesis again:

- where failures are not shrunk (the audit);
- at the first example of a check whose first example Hypothesis cannot shrink
  (``Drawn.first_is_final``: most checks, whose first example is the simplest their strategy
  draws). Hypothesis would call the submission twice more on that example (to confirm the failure,
  then to report it); code that answers the same every time gets the same words either way.
"""

import contextlib
import copy
import functools
import tempfile
import time
from dataclasses import dataclass, field

import hypothesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.configuration import set_hypothesis_home_dir

from autograder.core.checks import Failed, GivenUp, Student, same_value
from autograder.core.outcomes import Reason, Status, status_of
from autograder.sandbox.oracle import shared as shared_oracle
from autograder.sandbox.worker import Limits, Worker


@dataclass(frozen=True)
class CheckCost:
    """What running one check cost: wall-clock seconds, and CPU seconds of the grader (Hypothesis, the
    reference's expected values, the grader's side of each call), of the student's code and of the
    reference answering its nested calls; ``fed``: its examples were fed from those drawn before
    (else Hypothesis drew them)."""

    wall: float = 0.0
    grader: float = 0.0
    student: float = 0.0
    oracle: float = 0.0
    fed: bool = False

    @property
    def cpu(self):
        """CPU seconds of the grader, the student's code and the reference together."""
        return self.grader + self.student + self.oracle


@dataclass
class Verdict:
    """The outcome of one check: ``reason`` says why it did not pass (None: it passed).

    ``message`` is the check's own words on a failure (empty when a call itself went wrong: then
    ``call`` says which function's call, and what the worker reported); for a passed check it is
    what the check measured, if anything. ``example`` is the smallest input Hypothesis found on
    which it fails (the input that was running when a call hung or crashed). The rest is data for
    the words ``feedback`` chooses: ``graded``, whether the check carries points (set by ``grading``);
    ``stood_in``, the graded functions the reference answered for;
    ``involved``, the graded functions the check ran (its own, those it called, and those they use
    in the submission, but for those the reference answered); ``again``, the check in which the
    function at fault went wrong first, when this one was refused because of it; ``waiting_on``,
    set by ``grading``: other functions involved that fail their own checks, which this check waits
    on; ``rule``, the rule of the handout a wrong value breaks (``checks.Rule``), if the check named
    one; ``cost``, what running it cost (``CheckCost``, for ``make bench``).
    """

    check: object
    reason: Reason = None
    message: str = ""
    example: dict = field(default_factory=dict)
    call: object = None  # a ``checks.FailedCall``
    graded: bool = False
    stood_in: tuple = ()
    involved: frozenset = frozenset()
    again: str = ""
    waiting_on: tuple = ()
    rule: object = None
    cost: CheckCost = None

    @property
    def status(self):
        """The ``Status`` of this verdict: WAITING when it waits on another function, else what ``reason`` means."""
        return Status.WAITING if self.waiting_on and not self.passed else status_of(self.reason)

    @property
    def passed(self):
        return self.reason is None

    @property
    def at_fault(self):
        """The student function whose code this failure shows: the one a failed call named, else the check's."""
        return self.call.function if self.call is not None else self.check.function


@dataclass(frozen=True)
class Drawn:
    """What Hypothesis feeds a check from one seed while every answer passes: ``examples``, in order
    (dicts of argument values, as the check's strategy draws them); and ``first_is_final``, whether
    a failure at the first of them is where Hypothesis would stop: it shrinks that example no
    further (None where not known: the examples of a passing run)."""

    examples: list
    first_is_final: bool = None


@dataclass(frozen=True)
class CheckRun:
    """One check to run: the functions the reference answers for when the check's function calls them
    (``oracle``), its ``Drawn`` examples to feed first (None: Hypothesis alone), and whether it needs
    a worker no other check has used."""

    check: object
    oracle: tuple = ()
    drawn: Drawn = None
    fresh_worker: bool = False


def run_check(check, student, seed, oracle=None, drawn=None, shrink=True):
    """Run one ``Check`` against ``student``; return ``(verdict, fed)``.

    ``oracle`` names the functions the reference answers for when ``check.function`` calls them.
    ``drawn``, the check's ``Drawn`` examples for ``seed``, are fed first (None: Hypothesis
    alone). ``fed`` is the ``Drawn`` examples Hypothesis fed a passing run by itself (for
    ``examples`` to keep), else None. With ``shrink=False`` a failure is not shrunk: the verdict is
    the same (Hypothesis settles it before shrinking), its example the first that failed.
    """
    started, grader_started = time.perf_counter(), time.process_time()
    student.grade_with(check.key, check.function, oracle or ())
    verdict, fed = _run_check(check, student, seed, drawn, shrink)
    verdict.stood_in = tuple(sorted(student.stood_in))
    verdict.involved = _involved(student, check, oracle or (), verdict)
    verdict.cost = CheckCost(time.perf_counter() - started, time.process_time() - grader_started,
                             student.cpu_seconds, student.oracle_seconds, drawn is not None)
    return verdict, fed


def _involved(student, check, oracle, verdict):
    """The graded functions ``check`` ran: its function, those it called (and a callee found refused
    or not implemented), and what they use in the submission; not what the reference answered for."""
    found = {check.function} | student.called | ({verdict.call.function} if verdict.call else set())
    todo = list(found)
    while todo:
        function = todo.pop()
        callees = student.callees(function) - (set(oracle) if function == check.function else set())
        todo += callees - found
        found |= callees
    return frozenset(found)


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


def draw_examples(check, seed, fed=None):
    """The ``Drawn`` examples of ``check`` for ``seed``: those Hypothesis feeds a property that always
    holds (unless ``fed`` gives them: a passing run's), and whether it stops at the first when the
    property always fails (``first_is_final``)."""
    failing = []

    def fails(example):
        failing.append(copy.deepcopy(example))
        raise AssertionError("fails everywhere")

    with _hypothesis_as_graded():
        if fed is None:
            fed = []
            seeded(check, seed)(lambda example: fed.append(copy.deepcopy(example)))()
        with contextlib.suppress(AssertionError):
            seeded(check, seed)(fails)()
    # Every call with the first example (found failing, confirmed, reported): the shrinker tried no
    # other. What it tries depends on the strategy and the seed alone, never on the answers, as
    # long as none of its candidates is run: so Hypothesis stops there whatever fails that example.
    first_is_final = bool(fed) and all(same_value(example, fed[0]) for example in failing)
    return Drawn(fed, first_is_final)


def _run_check(check, student, seed, drawn, shrink):
    last_failure, note, grader_errors = {}, {}, []

    def property_holds(example, verify=check.verify):
        try:
            said = verify(student, example)
            if said:  # a check may report what it measured, e.g. the accuracy a training run reached
                note["text"] = said
        except Failed as error:
            # Hypothesis replays the minimal example last, so the last failure recorded is it.
            last_failure.update(example=example, error=error, again="")
            raise
        except GivenUp as stop:  # not an Exception: Hypothesis stops at once, without shrinking
            last_failure.update(example={} if stop.again else example, error=stop.error, again=stop.again)
            raise
        except Exception as error:  # noqa: BLE001 - a bug of the grader or the check, not the student's
            grader_errors.append(error)
            raise

    if drawn is None:  # Hypothesis alone, keeping what it fed for the next grading if they all pass
        fed = []

        def recorded(example):
            fed.append(copy.deepcopy(example))
            property_holds(example)
        verdict = _hypothesis_verdict(seeded(check, seed, shrink)(recorded), check, last_failure, note, grader_errors)
        return verdict, (Drawn(fed) if verdict.passed else None)
    answered = []  # (example, a stand-in for verify that does again what it did) for each example fed first

    def remembering(student, example):
        try:
            said = check.verify(student, example)
        except BaseException as error:
            answered.append((example, functools.partial(_raise, error)))
            raise
        answered.append((example, lambda *_: said))
        return said

    try:
        for example in drawn.examples:
            property_holds(copy.deepcopy(example), remembering)
        return Verdict(check, None, note.get("text", "")), None
    except GivenUp:  # where Hypothesis would have stopped too: the same example, the same words
        return _failure_verdict(check, last_failure), None
    except Exception:  # noqa: BLE001 - a failure: Hypothesis runs the check from the seed, and shrinks it
        final = not shrink or (len(answered) == 1 and drawn.first_is_final)
        verdict = _failed_verdict(check, last_failure, grader_errors) if final else None
        if verdict is not None:  # Hypothesis would stop at this very example: the verdict is known
            return verdict, None
    # Hypothesis is fed the same examples first, in the same order; they get the answers they had,
    # without calling the submission again, so the submission meets exactly the calls of Hypothesis
    # alone (code that answers differently the second time included).
    for record in (last_failure, note):
        record.clear()
    grader_errors.clear()

    def property_as_fed(example):
        if answered and same_value(answered[0][0], example):
            return property_holds(example, answered.pop(0)[1])
        answered.clear()  # not fed as before (never seen): from here on, every call is made
        return property_holds(example)
    return _hypothesis_verdict(seeded(check, seed, shrink)(property_as_fed), check, last_failure, note,
                               grader_errors), None


def _raise(error, *_):
    raise error


def _hypothesis_verdict(run, check, last_failure, note, grader_errors):
    """The verdict of ``run``, a Hypothesis run of ``check`` that records into the other arguments."""
    try:
        run()
    except GivenUp:
        return _failure_verdict(check, last_failure)
    except Exception:  # noqa: BLE001 - sorted out below
        verdict = _failed_verdict(check, last_failure, grader_errors)
        if verdict is None:
            raise
        return verdict
    return Verdict(check, None, note.get("text", ""))


def _failed_verdict(check, last_failure, grader_errors):
    """The verdict of a run of ``check`` that failed, from what it recorded; None if it recorded nothing."""
    if grader_errors:  # one broken check must not cost the student every other check
        return Verdict(check, Reason.GRADER_ERROR, f"the grader could not run this check ({grader_errors[0]!r}); "
                                            f"please tell your instructor", last_failure.get("example", {}))
    return _failure_verdict(check, last_failure)


def _failure_verdict(check, last_failure):
    """The verdict for the failure Hypothesis found, or None if nothing was recorded."""
    error = last_failure.get("error")
    if error is None:
        return None
    return Verdict(check, error.reason, error.message, last_failure["example"], call=error.call,
                   again=last_failure["again"], rule=error.rule)


def run_checks(runs, submission, module_name, seed, call_seconds=None, limits=Limits(), shrink=True, graded=(),
               reference=None):
    """Run ``runs`` (``CheckRun``s) in order against one submission file, one sandboxed worker at a time.

    ``graded`` names the assignment's graded functions (which of the submission's functions call
    which is read among them); ``reference`` is the file of the module answering for the functions
    the runs' ``oracle`` names (see ``sandbox.oracle``); ``shrink=False`` leaves failures unshrunk
    (see ``run_check``).
    Whatever a worker was told by the oracle, and whatever a function's calls left running (every
    call is charged the CPU time and memory of all the worker's processes), stays with the function
    it graded: the worker is replaced before the next function's checks when the oracle answered it
    anything or a process it started still runs, and before every run that asks for a fresh one.

    Returns ``(verdicts, fed, load_failure, cpu_peaks)``: ``fed[i]`` is the ``Drawn``
    examples Hypothesis fed ``runs[i]`` in a passing run by itself (else None); when the file cannot be loaded
    (``load_failure``, the worker's ``Outcome``), no check runs and every verdict's reason is
    NOT_LOADED (explained once, from ``load_failure``); ``cpu_peaks`` maps each function called to
    the most CPU seconds one call used.
    """
    oracle = shared_oracle(str(reference), module_name, limits) if reference and any(run.oracle for run in runs) \
        else None
    if oracle is not None:
        oracle.start_soon()  # its import overlaps the public checks (on a second core, if any)
    with _hypothesis_as_graded(), Worker(submission, module_name, limits, graded, oracle) as worker:
        load_failure = worker.load()
        if load_failure is not None:
            return [Verdict(run.check, Reason.NOT_LOADED) for run in runs], [None] * len(runs), load_failure, {}
        student, verdicts, fed, previous = Student(worker, call_seconds, graded), [], [], None
        for run in runs:
            next_function = previous is not None and run.check.function != previous.function
            if run.fresh_worker or (next_function and (worker.oracle_answers or worker.left_others_running())):
                worker.close()  # a fresh process (and folder): nothing it was told or shown stays
            verdict, drawn = run_check(run.check, student, seed, run.oracle, run.drawn, shrink)
            verdicts.append(verdict)
            fed.append(drawn)
            previous = run.check
        return verdicts, fed, None, student.cpu_peaks


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
