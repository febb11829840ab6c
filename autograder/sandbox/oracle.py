"""Answering the worker's nested calls with the reference, in the grader, under a memory cap.

While a function is graded, the worker may send back the calls the student's function makes to
the other functions the oracle stands in for (see ``worker_main``); ``answer`` runs the reference
on copies of the arguments and makes the message that goes back: ``{"answer": value}``, or
``{"oracle_error": "ValueError: ..."}`` when the reference raised (arguments it does not accept).
Which names may be answered, and sending the message, is the worker's business (``Worker``).
"""

import copy
import os

try:
    import resource  # POSIX only: Windows has no rlimits
except ImportError:
    resource = None


def answer(reference, args, kwargs, memory_bytes):
    """The message answering ``reference(*args, **kwargs)``, computed on copies of the arguments with
    at most ``memory_bytes`` more memory than the grader uses now."""
    try:
        with _memory_cap(memory_bytes):
            return {"answer": reference(*copy.deepcopy(args), **copy.deepcopy(kwargs))}
    except Exception as error:  # noqa: BLE001 - bad arguments from the student: the stub raises it there
        text = str(error).splitlines()[0][:300] if str(error) else ""
        return {"oracle_error": f"{type(error).__name__}: {text}".rstrip(": ")}


class _memory_cap:
    """Lower this process's address-space limit to what it uses now plus ``extra`` bytes, for the block:
    a reference answering absurd arguments (a padding of 10**5) raises MemoryError instead of
    exhausting the grader. Where RLIMIT_AS or /proc is missing, no cap."""

    def __init__(self, extra):
        self._extra = extra
        self._saved = None

    def __enter__(self):
        try:
            with open("/proc/self/statm") as statm:
                used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
            self._saved = resource.getrlimit(resource.RLIMIT_AS)
            hard = self._saved[1]
            cap = used + self._extra
            resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
        except (OSError, ValueError, AttributeError):
            self._saved = None

    def __exit__(self, *exc_info):
        if self._saved is not None:
            resource.setrlimit(resource.RLIMIT_AS, self._saved)
