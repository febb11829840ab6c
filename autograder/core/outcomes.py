"""What can become of a check, and of a function's checks together, as data.

A verdict has a ``Reason`` when its check did not pass (None when it passed): the sandbox's outcome
of a call (timed out, crashed, raised ...), or the check's own judgement (wrong value, changed its
arguments), or the grader's trouble. Its ``Status`` follows from the reason, unless the check did
not pass because another function it uses fails its own checks: then it is WAITING on that
function (``Verdict.waiting_on``), charged to neither. A function's row in the table has a
``Status`` too. Words for them are chosen at the edge (``feedback``, the Otter
glue, the instructor tools), never parsed back from text.
"""

import enum


class Status(str, enum.Enum):
    """A verdict's or a function's status; the value is the word stored in records and results.json."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_IMPLEMENTED = "not implemented"
    GRADER_ERROR = "grader error"  # the check itself broke: a bug to fix, never the student's fault
    NOT_GRADED = "not graded"  # the file could not be loaded, so no check ran
    WAITING = "waiting"  # it did not pass because another function it uses fails its own checks


class Reason(enum.Enum):
    """Why a check did not pass; the value is the word stored in records."""

    NOT_LOADED = "not loaded"  # the file could not be loaded, so no check ran
    IMPORT_FAILED = "import failed"  # it loaded once, but not again in a fresh worker
    NOT_IMPLEMENTED = "not implemented"  # a function it calls still raises NotImplementedError
    MISSING = "missing"  # a function it calls is not in the file
    TIMED_OUT = "timed out"
    CRASHED = "crashed"  # a call stopped the process running it
    RAISED = "raised"  # a call raised an exception
    UNSENDABLE = "unsendable"  # a call returned something other than numbers and arrays
    GARBLED = "garbled"  # the worker's answer could not be read
    CHANGED_ARGUMENTS = "changed its arguments"
    WRONG_VALUE = "wrong value"  # the check's judgement of what came back
    VALUES_FIRST = "values first"  # a rule check that held, unearned: every check of the values failed
    GRADER_ERROR = "grader error"  # the check itself broke


def status_of(reason):
    """The status of a verdict with ``reason`` (None: it passed)."""
    if reason is None:
        return Status.PASSED
    return {Reason.NOT_LOADED: Status.NOT_GRADED, Reason.NOT_IMPLEMENTED: Status.NOT_IMPLEMENTED,
            Reason.MISSING: Status.NOT_IMPLEMENTED, Reason.GRADER_ERROR: Status.GRADER_ERROR}.get(reason, Status.FAILED)
