"""The oracle: the reference answering a student function's nested calls, from a process of its own.

While a function is graded, the worker may send back the calls the student's function makes to
the other functions the oracle stands in for (see ``worker_main``). ``Oracle.answer`` has the
reference compute them in a worker of its own: the grader's own code, run as the grader's user
(never as the sandbox's, which could read it), under the same memory cap as student code and
within what is left of the student's call: its wall-clock time and its CPU time (the reference's
CPU seconds count as the call's). So absurd arguments (a padding of 10**5, a filter of 3000 x 3000)
cost the student's call its time or raise MemoryError there; they can neither hang nor exhaust the
grader. The reference's process serves every grading of the process that made it (``shared``: it
holds nothing of a submission's but the answers it computes) and is replaced when it fails, or
when it has ended since its last answer: that is never the student's doing.
"""

import dataclasses
import functools
import math
import multiprocessing.util
import os

from autograder.sandbox.wire import OutcomeStatus
from autograder.sandbox.worker import Limits, Worker


@dataclasses.dataclass
class Answer:
    """What the oracle says: the message for the stub in the worker (``{"answer": value}`` or
    ``{"oracle_error": "MemoryError: ..."}``), or, when the reference ran out of the call's time,
    ``timeout`` (the ``Outcome`` saying so) and no message; and the CPU seconds it used."""

    message: dict = None
    timeout: object = None
    cpu_seconds: float = 0.0


def shared(reference, module_name, limits=Limits()):
    """The ``Oracle`` of ``reference`` for every grading of this process, closed when the process ends.

    A forked process (``instructor.bulk`` grades each upload in one) makes its own rather than
    write to the pipes of its parent's, and closes it as it ends (as ``forkserver.server`` does).
    """
    return _shared(os.getpid(), reference, module_name, limits)


@functools.cache
def _shared(pid, reference, module_name, limits):
    oracle = Oracle(reference, module_name, limits)
    multiprocessing.util.Finalize(oracle, oracle.close, exitpriority=0)  # run by process ``pid`` alone
    return oracle


class Oracle:
    """The reference module at ``reference`` (imported as ``module_name``), answering nested calls."""

    def __init__(self, reference, module_name, limits=Limits()):
        # No budget over calls: each answer is bounded by what is left of the student's call instead.
        limits = dataclasses.replace(limits, function_seconds=math.inf, total_seconds=math.inf)
        self._worker = Worker(reference, module_name, limits, trusted=True)

    def start_soon(self):
        """Have the reference's process start importing now, while the grader does other work."""
        self._worker.start_soon()

    def answer(self, name, args, kwargs, seconds, cpu_seconds):
        """The reference's ``name(*args, **kwargs)``, within ``seconds`` of wall-clock and ``cpu_seconds``
        of CPU time, as an ``Answer``."""
        self._worker.forget_if_ended()  # it went between answers (with its fork server, say): a fresh one answers
        outcome = self._worker.call(name, args, kwargs, seconds=max(seconds, 0.01), cpu_seconds=max(cpu_seconds, 0.01))
        used = outcome.cpu_seconds
        if outcome.status is OutcomeStatus.RETURNED:
            return Answer({"answer": outcome.value}, cpu_seconds=used)
        if outcome.status is OutcomeStatus.TIMEOUT:
            return Answer(timeout=outcome, cpu_seconds=used)
        if outcome.status is OutcomeStatus.RAISED:  # arguments it does not accept: the stub raises it there
            return Answer({"oracle_error": outcome.error}, cpu_seconds=used)
        return Answer({"oracle_error": f"MemoryError: {outcome.error}" if outcome.status is OutcomeStatus.CRASHED
                       else f"it could not answer ({outcome.error or outcome.status.value})"}, cpu_seconds=used)

    def close(self):
        self._worker.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
