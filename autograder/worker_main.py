"""The student side of the sandbox: import one submission and serve calls to its functions.

Run only by ``autograder.worker.Worker``, as ``python -I -B worker_main.py LIMITS SUBMISSION MODULE
REQUEST_FD REPLY_FD``, from a private folder holding copies of this file, ``wire.py`` and the
submission. It is the only process that ever executes student code; the grader never imports it.

Order matters: the limits are set before the student's module is imported, so its code runs with
them already in force (an unprivileged process can lower its hard limits but never raise them).
Requests and replies are ``wire`` messages on two pipes; the student's own stdout and stderr go to a
third pipe that the grader reads and truncates.

Request: ``{"call": name, "args": [...], "kwargs": {...}}``. Replies (``status`` says which):

- ``returned``: ``value``, plus ``args`` and ``kwargs`` as they are after the call (to spot mutation);
- ``raised``: ``error`` ("ValueError: ..."), ``where`` (the last line of the submission involved);
- ``not_implemented``: the function raised NotImplementedError;
- ``missing``: the module has no such function;
- ``unsendable``: the function returned something other than plain data (``error`` says what).
"""

import ctypes
import importlib.util
import json
import os
import resource
import sys
import traceback
from pathlib import Path


def _load_wire():
    spec = importlib.util.spec_from_file_location("wire", Path(__file__).with_name("wire.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


wire = _load_wire()


def apply_limits(limits):
    """Cap memory, CPU seconds, processes and file size; ask the kernel to kill us with our parent."""
    for name, value in limits.items():
        resource.setrlimit(getattr(resource, name), (value, value))
    try:  # PR_SET_PDEATHSIG = 1: a grader that dies takes this worker with it
        ctypes.CDLL(None, use_errno=True).prctl(1, 9)
    except (OSError, AttributeError):
        pass


def describe_exception(error, submission):
    """One line naming the exception and the last line of the submission it passed through."""
    where = ""
    if isinstance(error, SyntaxError) and error.lineno:
        where = f"line {error.lineno} of {Path(submission).name}: {(error.text or '').strip()}"
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename == submission:
            where = f"line {frame.lineno} of {Path(submission).name}, in {frame.name}: {frame.line}"
            break
    message = str(error).splitlines()[0][:300] if str(error) else ""
    return f"{type(error).__name__}: {message}" if message else type(error).__name__, where


def import_submission(submission, module_name):
    spec = importlib.util.spec_from_file_location(module_name, submission)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def answer(module, request, submission):
    function = getattr(module, request["call"], None)
    if not callable(function):
        return {"status": "missing"}
    args, kwargs = request["args"], request["kwargs"]
    try:
        value = function(*args, **kwargs)
    except NotImplementedError:
        return {"status": "not_implemented"}
    except BaseException as error:  # noqa: BLE001 - sys.exit and friends are student errors too
        error_text, where = describe_exception(error, submission)
        return {"status": "raised", "error": error_text, "where": where}
    return {"status": "returned", "value": value, "args": args, "kwargs": kwargs}


def main(limits_json, submission, module_name, request_fd, reply_fd):
    apply_limits(json.loads(limits_json))
    requests = os.fdopen(int(request_fd), "rb")
    replies = os.fdopen(int(reply_fd), "wb")

    def read_exactly(n):
        data = requests.read(n)
        if len(data) != n:
            raise SystemExit(0)  # the grader closed the pipe: we are done
        return data

    try:
        module = import_submission(submission, module_name)
    except BaseException as error:  # noqa: BLE001 - report every import failure, even SystemExit
        error_text, where = describe_exception(error, submission)
        wire.write_message(replies, {"status": "import_failed", "error": error_text, "where": where})
        return
    wire.write_message(replies, {"status": "ready"})
    while True:
        request = wire.decode(wire.read_message_bytes(read_exactly))
        reply = answer(module, request, submission)
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            wire.write_message(replies, reply)  # encodes fully before writing a byte
        except wire.WireError as error:
            wire.write_message(replies, {"status": "unsendable", "error": str(error)})


if __name__ == "__main__":
    main(*sys.argv[1:])
