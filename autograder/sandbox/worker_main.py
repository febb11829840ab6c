"""The student side of the sandbox: import one submission and serve calls to its functions.

Run only by ``autograder.sandbox.worker.Worker``, as ``python -I -B worker_main.py LIMITS SUBMISSION MODULE``,
from a private folder holding copies of this file, ``wire.py`` and the
submission. It is the only process that ever executes student code; the grader never imports it.
On Linux it is run once per grading process as ``worker_main.py --fork-server FD`` instead
(``serve_forks``), and each worker is a fork of that process, which becomes what the command above
would have started and runs the same ``main`` (``become_worker``).

Order matters: the limits are set before the student's module is imported, so its code runs with
them already in force (an unprivileged process can lower its hard limits but never raise them).
Where the kernel has Landlock (Linux 5.13+), the worker also confines itself before the import:
it may read only the Python installation and system folders, write only in its own folder, open
no TCP connection (Linux 6.7+), and signal no process outside the sandbox (Linux 6.12+). This holds
whatever the uid, so also when the grader is not root, and whatever else is world-readable.
Requests and replies are ``wire`` messages on the pipes the worker starts with as stdin and stdout
(the only kind of pipe every OS hands to a child the same way); it keeps private copies of them and
points its stdin at the null device and its stdout at its stderr, the pipe where the grader reads
the student's prints and truncates them. Every limit is best effort where the OS lacks it (no
``resource`` on Windows; macOS may refuse RLIMIT_AS): the grader's time limits hold everywhere.

Request: ``{"call": name, "args": [...], "kwargs": {...}, "oracle": [names], "refuse": [names]}``.
For the duration of the call, the module's functions named in ``oracle`` are replaced by stubs: a
nested call to one sends ``{"status": ORACLE, "call": name, "args", "kwargs"}`` on the reply pipe
and waits on the request pipe for ``{"answer": value}`` (the reference's result, computed by the
grader) or ``{"oracle_error": text}`` (raised as ``ReferenceAnswerError``). The reference never comes
here, only its answers. Those named in ``refuse`` (functions the grader gave up on) are replaced by
stubs that end the call at once. Replies (``status`` says which, a word of ``wire.OutcomeStatus``):

- RETURNED: ``value``, plus ``args`` and ``kwargs`` as they are after the call (to spot mutation);
- RAISED: ``error`` ("ValueError: ..."), ``where`` (the last line of the submission involved);
- NOT_IMPLEMENTED: NotImplementedError was raised, in the body of ``function``;
- MISSING: the module has no such function;
- UNSENDABLE: the function returned something other than plain data (``error`` says what);
- REFUSED: it called ``function``, which the request refused.

Loading the file is answered once, before any request: READY (with the Landlock ABI it confined
itself with, and ``calls``: for each of the graded functions named on its command line, the other
graded functions its definition names, read from the file's syntax tree here, under the worker's
limits, before any of its code runs: the grader never parses a submission itself) or IMPORT_FAILED
(``error``, ``where``).

Every reply also says the CPU seconds the call took (``cpu_seconds``), which the grader uses only
where it cannot measure them itself (no /proc).
"""

import ast
import ctypes
import importlib.util
import json
import math
import os
import struct
import sys
import time
import traceback
from pathlib import Path

try:
    import resource  # POSIX only
except ImportError:
    resource = None


def _load_wire():
    spec = importlib.util.spec_from_file_location("wire", Path(__file__).with_name("wire.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


wire = _load_wire()


def apply_limits(limits, own_folder):
    """Cap memory, CPU seconds, processes and file size; ask the kernel to kill us with our parent.

    Returns the Landlock ABI version the worker confined itself with, writing in ``own_folder``
    only (0: none, see ``confine``).
    """
    for name, value in limits.items() if resource else ():
        try:
            resource.setrlimit(getattr(resource, name), (value, value))
        except (AttributeError, ValueError, OSError):  # no such limit here, or refused (RLIMIT_AS on macOS)
            continue
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, 9)  # PR_SET_PDEATHSIG: a grader that dies takes this worker with it
            libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS: no setuid program gives privileges back
        except (OSError, AttributeError):
            pass
    return confine(own_folder)


# -- Landlock: what the worker may touch at all, whatever its uid ------------------------------------

_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446  # the same numbers on every architecture
_PATH_BENEATH = 1
_EXECUTE, _WRITE_FILE, _READ_FILE, _READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_FS_ABI_1 = (1 << 13) - 1  # execute, write, read, read dir, remove, make char/dir/reg/sock/fifo/block/sym
_FS_LATER = {2: 1 << 13, 3: 1 << 14, 5: 1 << 15}  # refer, truncate, ioctl on devices
_FILE_RIGHTS = _EXECUTE | _WRITE_FILE | _READ_FILE | 1 << 14 | 1 << 15  # those a rule on a file may hold
_NET_TCP = (1 << 0) | (1 << 1)  # bind and connect (ABI 4)
_SCOPES = (1 << 0) | (1 << 1)  # abstract unix sockets and signals outside the sandbox (ABI 6)
_SYSTEM_FOLDERS = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc", "/proc", "/sys", "/dev")


def readable_folders():
    """Where the worker may read and execute: the Python installation(s) and system folders.

    Python's prefixes, not ``sys.path``: a ``.pth`` file (an editable install) may put a source
    checkout on ``sys.path``, and that must stay out of reach.
    """
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    return sorted(p for p in {*prefixes, *_SYSTEM_FOLDERS} if p and os.path.isdir(p) and p != "/")


def confine(own_folder):
    """Landlock this process and its children: read the folders above, write only ``own_folder``.

    Best effort (older kernels have no Landlock; then only the uid and the rlimits confine the
    worker). Returns the Landlock ABI version used, 0 when none.
    """
    if not sys.platform.startswith("linux"):
        return 0
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        syscall = libc.syscall
        syscall.restype = ctypes.c_long
        abi = syscall(ctypes.c_long(_CREATE_RULESET), None, ctypes.c_long(0), ctypes.c_long(1))
    except (OSError, AttributeError):
        return 0
    if abi < 1:
        return 0
    everything = _FS_ABI_1 | sum(bit for version, bit in _FS_LATER.items() if abi >= version)
    fields = [everything] + ([_NET_TCP] if abi >= 4 else []) + ([_SCOPES] if abi >= 6 else [])
    attr = ctypes.create_string_buffer(struct.pack(f"{len(fields)}Q", *fields), 8 * len(fields))
    ruleset = syscall(ctypes.c_long(_CREATE_RULESET), attr, ctypes.c_long(len(attr)), ctypes.c_long(0))
    if ruleset < 0:
        return 0
    try:
        read = _EXECUTE | _READ_FILE | _READ_DIR
        rules = [(folder, read) for folder in readable_folders()]
        rules += [("/dev/null", _READ_FILE | _WRITE_FILE | 1 << 14 | 1 << 15), (str(own_folder), everything)]
        for path, access in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                if not os.path.isdir(path):
                    access &= _FILE_RIGHTS
                rule = ctypes.create_string_buffer(struct.pack("=Qi", access & everything, fd), 12)
                if syscall(ctypes.c_long(_ADD_RULE), ctypes.c_long(ruleset), ctypes.c_long(_PATH_BENEATH),
                           rule, ctypes.c_long(0)) < 0:
                    return 0
            finally:
                os.close(fd)
        if libc.prctl(38, 1, 0, 0, 0) != 0:  # no_new_privs, which Landlock requires of the unprivileged
            return 0
        if syscall(ctypes.c_long(_RESTRICT_SELF), ctypes.c_long(ruleset), ctypes.c_long(0)) < 0:
            return 0
        return abi
    finally:
        os.close(ruleset)


def describe_exception(error, submission):
    """``{"error": one line naming the exception, "where": the last line of the submission it passed
    through, in words, "line": that line's number (0: none)}``."""
    where, line = "", 0
    if isinstance(error, SyntaxError) and error.lineno:
        where, line = f"line {error.lineno} of {Path(submission).name}: {(error.text or '').strip()}", error.lineno
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename == submission:
            where = f"line {frame.lineno} of {Path(submission).name}, in {frame.name}: {frame.line}"
            line = frame.lineno or 0
            break
    message = str(error).splitlines()[0][:300] if str(error) else ""
    return {"error": f"{type(error).__name__}: {message}" if message else type(error).__name__, "where": where,
            "line": line}


def import_submission(tree, submission, module_name):
    """Run the submission's syntax tree ``tree`` as module ``module_name`` (its file: ``submission``)."""
    spec = importlib.util.spec_from_file_location(module_name, submission)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    exec(compile(tree, submission, "exec"), module.__dict__)  # what the worker is for: it runs nothing else
    return module


def status_record(status, **fields):
    """A message to the grader: ``status`` (a ``wire.OutcomeStatus``) as its word, then ``fields``."""
    return {"status": status.value, **fields}


class ReferenceAnswerError(Exception):
    """The grader's reference could not answer a nested call (e.g. arguments it does not accept)."""


def oracle_stub(name, ask):
    """A stand-in for the module's function ``name``: the grader answers with the reference's result."""
    def stub(*args, **kwargs):
        try:
            reply = ask(status_record(wire.OutcomeStatus.ORACLE, call=name, args=list(args), kwargs=kwargs))
        except wire.WireError as error:
            raise TypeError(f"the reference {name} (called in place of yours) takes numbers and arrays: "
                            f"{error}") from None
        if "oracle_error" in reply:
            raise ReferenceAnswerError(f"the reference {name} (called in place of yours) raised "
                                       f"{reply['oracle_error']}")
        return reply["answer"]
    stub.__name__ = stub.__qualname__ = name
    return stub


class Refused(BaseException):
    """A call of a function the grader refused (not an Exception: student code rarely catches it)."""


def refused_stub(name):
    """A stand-in for the module's function ``name`` that ends the call: the grader gave up on it."""
    def stub(*args, **kwargs):
        raise Refused(name)
    stub.__name__ = stub.__qualname__ = name
    return stub


def calls_among(tree, graded):
    """{function: the other graded functions it names} for each graded function of the module whose
    syntax tree is ``tree``: in its own definition, or in those of the module's other (helper)
    functions it names, and theirs."""
    uses = {node.name: {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    found = {}
    for function in uses.keys() & graded:
        seen, todo = {function}, [function]
        while todo:  # through helpers, not through other graded functions: those have entries of their own
            for name in uses[todo.pop()] - seen:
                seen.add(name)
                if name in uses and name not in graded:
                    todo.append(name)
        found[function] = sorted((seen & graded) - {function})
    return found


def raised_in(error, submission):
    """The name of the submission's function in whose body ``error`` was raised (the innermost), or None."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == submission]
    return frames[-1].name if frames else None


def answer(module, request, submission, ask):
    function = getattr(module, request["call"], None)
    if not callable(function):
        return status_record(wire.OutcomeStatus.MISSING)
    args, kwargs = request["args"], request["kwargs"]
    stubs = {name: oracle_stub(name, ask) for name in request.get("oracle", [])}
    stubs.update({name: refused_stub(name) for name in request.get("refuse", []) if name not in stubs})
    replaced = {name: module.__dict__.get(name) for name in stubs}
    module.__dict__.update(stubs)
    try:
        value = function(*args, **kwargs)
    except Refused as refused:
        return status_record(wire.OutcomeStatus.REFUSED, function=str(refused.args[0]))
    except NotImplementedError as error:
        return status_record(wire.OutcomeStatus.NOT_IMPLEMENTED, function=raised_in(error, submission))
    except BaseException as error:  # noqa: BLE001 - sys.exit and friends are student errors too
        return status_record(wire.OutcomeStatus.RAISED, **describe_exception(error, submission))
    finally:  # the student's own functions again, for calls that do not use the oracle
        for name, own in replaced.items():
            if own is None:
                module.__dict__.pop(name, None)
            else:
                setattr(module, name, own)
    return status_record(wire.OutcomeStatus.RETURNED, value=value, args=args, kwargs=kwargs)


def limit_cpu_time(used, seconds):
    """Let the kernel stop this call after ``seconds`` more of CPU time (SIGXCPU), where the grader
    cannot watch our CPU time itself (no /proc: macOS) and only its wall-clock backstop would.
    RLIMIT_CPU counts whole seconds; the grader reads SIGXCPU as "too slow"."""
    if resource is None or not isinstance(seconds, (int, float)) or seconds <= 0:
        return
    try:
        hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
        soft = math.ceil(used + seconds)
        resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
    except (ValueError, OSError):
        pass


def take_over_stdio():
    """The request and reply pipes (our stdin and stdout), as private files; then stdin reads
    nothing and stdout goes where stderr goes, so student prints cannot garble a reply."""
    requests, replies = os.fdopen(os.dup(0), "rb"), os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    for stream in (sys.stdout, sys.stderr):  # UTF-8 whatever the OS's code page (Windows: cp1252)
        stream.reconfigure(encoding="utf-8", errors="replace")
    return requests, replies


def main(limits_json, submission, module_name, graded=""):
    requests, replies = take_over_stdio()
    limits = json.loads(limits_json)
    mark_output = limits.pop("mark_output_end", False)
    reply_bytes = limits.pop("reply_bytes", wire.MAX_MESSAGE_BYTES)
    landlock = apply_limits(limits, os.getcwd())  # the grader starts us in our own folder

    def send(encoded):  # a reply, as ``wire.encode`` made it
        sys.stdout.flush()
        sys.stderr.flush()
        if mark_output:
            os.write(2, wire.END_OF_OUTPUT)
        wire.write_encoded(replies, encoded)

    def read_exactly(n):
        data = requests.read(n)
        if len(data) != n:
            raise SystemExit(0)  # the grader closed the pipe: we are done
        return data

    try:  # read once, before any of its code runs: which function calls which, then the module
        with open(submission, "rb") as file:
            tree = ast.parse(file.read(), submission)
        calls = calls_among(tree, set(filter(None, graded.split(","))))
        module = import_submission(tree, submission, module_name)
    except BaseException as error:  # noqa: BLE001 - report every import failure, even SystemExit
        send(wire.encode(status_record(wire.OutcomeStatus.IMPORT_FAILED, **describe_exception(error, submission))))
        return

    def ask(question):  # a nested call answered by the grader (see oracle_stub)
        wire.write_message(replies, question)
        return wire.decode(wire.read_message_bytes(read_exactly))

    send(wire.encode(status_record(wire.OutcomeStatus.READY, landlock=landlock, calls=calls)))
    while True:
        request = wire.decode(wire.read_message_bytes(read_exactly))
        started = time.process_time()
        limit_cpu_time(started, request.get("cpu_seconds"))
        reply = answer(module, request, submission, ask)
        reply["cpu_seconds"] = time.process_time() - started
        encoded = encode_reply(reply, reply_bytes)
        del reply  # what the call returned must not take memory from the next call
        send(encoded)


def encode_reply(reply, reply_bytes):
    """The reply encoded whole before a byte is written; if it is not plain data or is larger than
    the grader reads (it would stop reading and replace this process), a reply saying so instead."""
    try:
        encoded = wire.encode(reply)
    except (wire.WireError, MemoryError) as error:
        reason = str(error) if isinstance(error, wire.WireError) else "it is too large to send"
        return wire.encode(status_record(wire.OutcomeStatus.UNSENDABLE, error=reason))
    if len(encoded) > reply_bytes:
        return wire.encode(status_record(wire.OutcomeStatus.UNSENDABLE, error=wire.too_large(reply_bytes)))
    return encoded


# -- the fork server: workers forked from a process that has imported what every worker imports -------

def serve_forks(control):
    """Start workers on request, each a fork of this process (Linux; ``sandbox.forkserver`` is the
    grader's side). A worker started as a script spends most of its start importing numpy; this
    process has imported it once, so a fork starts with it, in a millisecond rather than a fifth of
    a second of CPU. It holds nothing of any grading: it never imports a submission or the reference.

    ``control`` is a SOCK_SEQPACKET socket to the grader. A request is
    ``{"argv": [...], "folder": ..., "env": {...}, "uid": ..., "gid": ..., "drop_groups": bool}``
    with the worker's stdin, stdout and stderr passed along (SCM_RIGHTS); the answer is ``{"started": pid}``
    (or ``{"error": text}``). A worker that ends is reported as ``{"exited": pid, "code": code}``
    (``code`` as ``subprocess`` gives it: minus the signal that killed it) but stays a zombie, its pid
    taken, until the grader's ``{"reap": pid}``, as an unwaited child of the grader would: the grader
    may signal its session until then. When the grader goes, this process goes.
    """
    import select
    import socket

    ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG: a grader that dies takes this with it
    exiting = {}  # pidfd -> pid of a worker that runs
    while True:
        for ready in select.select([control, *exiting], [], [])[0]:
            if ready is not control:
                pid = exiting.pop(ready)
                os.close(ready)
                control.send(json.dumps({"exited": pid, "code": _exit_code(pid)}).encode())
                continue
            try:
                message, fds, _, _ = socket.recv_fds(control, 1 << 20, 3)
            except OSError:
                return
            if not message:  # the grader is gone
                return
            request = json.loads(message)
            if "reap" in request:
                os.waitpid(request["reap"], 0)
                continue
            try:
                pid = os.fork()
            except OSError as error:
                control.send(json.dumps({"error": str(error)}).encode())
                pid = None
            if pid == 0:
                control.close()
                for pidfd in exiting:
                    os.close(pidfd)
                become_worker(request, fds)  # never returns
            for fd in fds:
                os.close(fd)
            if pid:
                exiting[os.pidfd_open(pid)] = pid
                control.send(json.dumps({"started": pid}).encode())


def _exit_code(pid):
    """How worker ``pid``, which has ended, ended (as ``subprocess`` says it), leaving it unreaped."""
    info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
    return info.si_status if info.si_code == os.CLD_EXITED else -info.si_status


def become_worker(request, fds):
    """In a fresh fork: become what ``Worker`` would have started as a script (its session, user,
    folder, standard streams and environment), run ``main`` and exit as the interpreter would."""
    code = 1
    try:
        os.setsid()
        if request.get("uid") is not None:
            if request.get("drop_groups"):
                os.setgroups([])
            os.setgid(request["gid"])
            os.setuid(request["uid"])
            ctypes.CDLL(None, use_errno=True).prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE, as after an exec
        os.chdir(request["folder"])
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # nothing of the server's (other workers' pipes) stays
        # Python's streams over them, made as the interpreter makes them at start (the server's were
        # over the null device).
        sys.stdin = sys.__stdin__ = open(0, closefd=False)  # noqa: SIM115 - open for the process's life
        sys.stdout = sys.__stdout__ = open(1, "w", closefd=False)  # noqa: SIM115
        sys.stderr = sys.__stderr__ = open(2, "w", 1, closefd=False, errors="backslashreplace")  # noqa: SIM115
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = [str(Path(request["folder"]) / "worker_main.py"), *request["argv"]]
        main(*request["argv"])
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (stop.code is not None)
    except BaseException:  # noqa: BLE001 - as the interpreter would: the traceback on stderr
        traceback.print_exc()
    finally:
        import atexit

        atexit._run_exitfuncs()  # what the student registered, as at any interpreter's exit
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--fork-server"]:  # started by ``sandbox.forkserver``, with its socket's number
        import socket

        serve_forks(socket.socket(fileno=int(sys.argv[2])))
    else:
        main(*sys.argv[1:])
