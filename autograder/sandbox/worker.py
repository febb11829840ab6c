"""The grader's side of the sandbox: a worker process that runs student code, and how to call it.

The grader never imports a submission. ``Worker`` copies it into a private folder, starts
``worker_main.py`` there in a new session (as an unprivileged user of its own when the grader is
root: ``accounts``; on Linux as a fork of a process that has imported numpy already:
``forkserver``), and talks to it over pipes (read by ``pipes``) in the ``wire`` format: plain
arrays and numbers both ways, no pickles. A call may name functions the reference answers for
(the "oracle") when the student's function calls them: the worker sends each such call back here,
the reference computes it in a process of its own (``oracle``), within what is left of the call's
time, and only its result crosses into the worker. A call comes back as an ``Outcome`` whose
``OutcomeStatus`` is a word of the wire.
Every call has a wall-clock and CPU budget, and every function a total budget over all its calls;
a worker that overruns them, uses too much memory over all its processes, crashes or sends garbage
is killed with SIGKILL (its whole session, and when it runs as its own uid, every process of that
uid), and the next call starts a fresh one. Nothing in a reply is trusted: its size is capped,
it is decoded as plain data, and its text is cut short before it can reach feedback.

The same code runs on students' machines (``python -m autograder check``): on macOS and Windows
there is no /proc (the worker then reports each call's CPU time itself), Windows has no rlimits,
no select() on pipes (threads read them) and no sessions (``taskkill /T`` ends the worker's
processes); the time limits hold everywhere.
"""

import enum
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder.sandbox import accounts, forkserver, pipes, procfs, wire
from autograder.sandbox.printable import printable
from autograder.sandbox.wire import CALL_REPLIES, WORKER_REPLIES, OutcomeStatus

try:
    import resource  # POSIX only: Windows has no rlimits
except ImportError:
    resource = None

MAX_TEXT = 1_000  # characters kept of any string from the worker (error messages, returned text)
_HERE = Path(__file__).resolve().parent
# What the worker's folder gets of this package: the worker runs worker_main.py as a script (``-I``, no
# package on its path) and that loads wire.py beside it; nothing else of the grader, not even the rest
# of this package, belongs where student code runs (tests/test_layout.py checks the list against both files).
WORKER_FILES = ("worker_main.py", "wire.py")
_SCAN_SECONDS = 0.25  # how often the grader sums CPU time and memory over all sandbox processes
_WATCH_SECONDS = 0.05  # how often the grader reads the worker's CPU time while it waits for a reply


@dataclass(frozen=True)
class Limits:
    """Resource limits for student code: times per call, per function and in all; memory and
    processes per worker (the sum over its processes, and each process)."""

    call_seconds: float = 5.0
    call_cpu_seconds: float = 5.0
    import_seconds: float = 10.0
    memory_bytes: int = 512 * 2**20  # address space per process, and resident memory of all its processes
    processes: int = 64  # processes and threads the worker may start
    file_bytes: int = 16 * 2**20
    output_bytes: int = 10_000  # student prints kept per call; the rest is dropped
    reply_bytes: int = 32 * 2**20  # the largest reply the grader reads
    function_seconds: float = 30.0  # wall time of all calls of one function (at least 4 calls' worth)
    total_seconds: float = 180.0  # wall time of all calls and worker starts: any upload graded within 4 minutes


class Limit(enum.Enum):
    """The time limit a call ran into (the words come from whoever reports it)."""

    CPU = "CPU seconds of the call"
    WALL = "wall-clock seconds of the call"
    BUDGET = "wall-clock seconds of all calls of the function, or of the file"


@dataclass
class Outcome:
    """What happened when the grader asked the worker to call one function (or to load the file).

    ``status`` is an ``OutcomeStatus``; a timeout says in ``limit`` which limit it ran into.
    ``error`` describes a failure in words for the student (the exception, the limit and the time
    used), ``where`` is the line of the student's file it happened at (``line``: its number, 0 for none).
    """

    status: OutcomeStatus
    value: object = None
    args: list = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)
    error: str = ""
    where: str = ""
    line: int = 0
    output: str = ""
    cpu_seconds: float = 0.0
    oracle_seconds: float = 0.0  # CPU seconds the reference used answering the call's nested calls
    substituted: tuple = ()  # the functions the oracle answered for during this call
    limit: Limit = None  # for a timeout: which limit
    function: str = None  # NOT_IMPLEMENTED: the function whose body raised it; REFUSED: the function refused


class Worker:
    """A sandboxed process that imports ``submission`` as module ``module_name`` and serves calls.

    Use as a context manager, or call ``close()``. ``call`` never raises for anything the student
    code does: every failure comes back as an ``Outcome`` with a status.
    """

    def __init__(self, submission, module_name, limits=Limits(), graded=(), oracle=None, trusted=False):
        self.submission = Path(submission).resolve()
        self.module_name = module_name
        self.limits = limits
        self.graded = sorted(graded)  # the functions whose calls of each other the worker reports (``calls_of``)
        self.calls_of = {}  # function -> the other graded functions it names, as the worker read the file
        self.oracle = oracle  # the ``oracle.Oracle`` answering nested calls (None: none are answered)
        # The grader's own code (the reference, for the oracle) runs as the grader's user, never the sandbox's.
        self.account = None if trusted else accounts.sandbox_account()
        self.landlock = 0  # the Landlock ABI the last worker confined itself with (0: none)
        self._process = None
        self._starting = False  # started (``start_soon``), its reply to the import not read yet
        self._stat = None  # the worker's /proc/PID/stat, kept open (where there is a /proc)
        self._folder = None
        self._import_failure = None
        self._spent = {}  # wall seconds used so far by each function, over all its calls
        self._last_scan = 0.0
        self._oracle = ()  # the names the oracle answers during the current call
        self._answered = set()  # names the oracle answered during the current call
        self._oracle_cpu = 0.0  # CPU seconds the oracle used answering the current call
        self._unread = bytearray()  # bytes the worker sent after its last reply (read ahead)
        self.oracle_answers = 0  # answers this worker process received: restart it before it grades another function

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def call(self, function, args=(), kwargs=None, *, seconds=None, cpu_seconds=None, oracle=None, refuse=(),
             budget=None):
        """Call ``function(*args, **kwargs)`` in the worker; return an ``Outcome``.

        ``oracle`` names other functions of the module: while this call runs, nested calls to those
        names are answered by the reference (``self.oracle``; never for ``function`` itself). Its
        answers count in the call's wall-clock and CPU time, and in its function's budget.
        Nested calls of the functions named in ``refuse`` end the call at once (REFUSED, naming the
        function). ``budget`` is the key of the time budget the call draws on (default: ``function``).
        """
        seconds = seconds or self.limits.call_seconds
        budget_key = function if budget is None else budget
        budget = max(self.limits.function_seconds, 4 * seconds)
        if self._budget_left(budget_key, budget) <= 0:
            return Outcome(OutcomeStatus.TIMEOUT, error=self._budget_words(budget_key, budget), limit=Limit.BUDGET)
        starting = time.monotonic()  # a worker started (or restarted) for this call: its import is on the budget
        failed = self.load()
        self._spend(budget_key, time.monotonic() - starting)
        if failed is not None:
            return failed
        left = self._budget_left(budget_key, budget)
        if left <= 0:
            return Outcome(OutcomeStatus.TIMEOUT, error=self._budget_words(budget_key, budget), limit=Limit.BUDGET)
        self._oracle = tuple(name for name in oracle or () if name != function) if self.oracle else ()
        self._answered, self._oracle_cpu = set(), 0.0
        cpu_seconds = cpu_seconds or self.limits.call_cpu_seconds
        request = {"call": function, "args": list(args), "kwargs": dict(kwargs or {}), "oracle": sorted(self._oracle),
                   "refuse": [name for name in refuse if name != function and name not in self._oracle]}
        if not procfs.available():  # we cannot watch its CPU time: the worker's kernel stops it (RLIMIT_CPU)
            request["cpu_seconds"] = cpu_seconds
        cpu_before = self._cpu_seconds()
        started = time.monotonic()
        try:
            wire.write_message(self._requests, request)
        except (BrokenPipeError, OSError):
            return self._fail(OutcomeStatus.CRASHED, "the worker process died before the call")
        try:
            outcome = self._await_reply(min(seconds, left), cpu_seconds, cpu_before)
        finally:
            self._oracle = ()
        outcome.substituted, outcome.oracle_seconds = tuple(sorted(self._answered)), self._oracle_cpu
        self._spend(budget_key, time.monotonic() - started)
        if outcome.limit is Limit.WALL and left < seconds:  # the wall clock stopped it early: the budget's
            outcome.error, outcome.limit = self._budget_words(budget_key, budget), Limit.BUDGET
        if outcome.status in (OutcomeStatus.READY, OutcomeStatus.IMPORT_FAILED):
            return self._fail(OutcomeStatus.GARBLED, f"the worker answered out of turn ({outcome.status.value!r})")
        return outcome

    def load(self):
        """Start the worker (importing the submission) unless it runs; return the import failure
        (an ``Outcome`` with status IMPORT_FAILED) or None. A file that failed once is not tried again."""
        self.start_soon()
        if self._starting:
            self._starting = False
            self._await_ready()
        return self._import_failure

    def start_soon(self):
        """Start the worker's process unless it runs, without waiting for its import: ``load`` (or the
        first call) waits for it. For the grader's own code only (the oracle), so that its import
        overlaps other work: student code is never started before the grader needs it."""
        if self._process is None and self._import_failure is None:
            self._spawn()
            self._starting = True

    def _budget_left(self, key, budget):
        """Wall-clock seconds left to calls on budget ``key``, and to the file's calls together."""
        return min(budget - self._spent.get(key, 0.0), self.limits.total_seconds - sum(self._spent.values()))

    def _spend(self, key, seconds):
        self._spent[key] = self._spent.get(key, 0.0) + seconds

    def _budget_words(self, function, budget):
        if self._spent.get(function, 0.0) >= budget:
            return f"did not finish within {budget:g} s over all its calls"
        return f"did not finish: all calls of this file together used up {self.limits.total_seconds:g} s"

    def forget_if_ended(self):
        """If the worker's process has ended since its last reply, clean up after it: the next call
        starts a fresh one. For the grader's own code (the oracle), whose process ending is never the
        student's doing; a student's worker that ended is reported by the next call instead."""
        if self._process is not None and self._process.poll() is not None:
            self._kill()

    def close(self):
        """Kill the worker and everything it started; remove its folder, and what it left elsewhere:
        the next call starts a fresh one, which nothing of this one reaches. (The oracle is not this
        worker's: whoever made it closes it.)"""
        if self._process is not None:
            self._kill()
            self._process = None
        self._remove_folder()
        if self.account:
            accounts.remove_files_of(self.account[0])

    def _remove_folder(self):
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    # -- starting ---------------------------------------------------------------------------

    def _spawn(self):
        self.oracle_answers = 0
        self._remove_folder()  # a previous worker's folder, which its student code could write to
        self._folder = Path(tempfile.mkdtemp(prefix="worker-"))
        for name in WORKER_FILES:  # a fork has them loaded already, but has the same folder as a script
            shutil.copyfile(_HERE / name, self._folder / name)
        submission_copy = self._folder / f"{self.module_name}.py"
        shutil.copyfile(self.submission, submission_copy)
        if self.account:
            for path in [self._folder, *self._folder.iterdir()]:
                os.chown(path, *self.account)
        # Requests go down the worker's stdin and replies come up its stdout (the worker moves both
        # out of the student's way at once); the student's prints reach us through its stderr.
        argv = [self._rlimits_json(), str(submission_copy), self.module_name, ",".join(self.graded)]
        self._process = self._forked(argv) or self._started_as_script(argv)
        self._requests = self._process.stdin
        self._stat = _stat_file(self._process.pid)
        self._output = pipes.OutputCollector(self._process.stderr, self.limits.output_bytes)
        self._replies = pipes.ReplyReader(self._process.stdout, self._output)

    def _forked(self, argv):
        """The worker as a fork of this process's fork server (``forkserver``: Linux), or None."""
        forks = forkserver.server(sys.executable, _environment, WORKER_FILES) if forkserver.usable() else None
        try:
            return forks and forks.start(argv, self._folder, _environment(self._folder), self.account,
                                         self._drop_groups())
        except OSError:  # the server is gone, or could not fork: started as a script, then
            return None

    def _started_as_script(self, argv):
        """The worker as a process of its own, running ``worker_main.py`` from its folder."""
        return subprocess.Popen(
            [sys.executable, "-I", "-B", str(self._folder / "worker_main.py"), *argv],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            cwd=self._folder, env=_environment(self._folder),
            start_new_session=True,
            user=self.account[0] if self.account else None,
            group=self.account[1] if self.account else None,
            extra_groups=[] if self._drop_groups() else None,
        )

    def _drop_groups(self):
        """Whether the worker is left no supplementary groups (as its own user, where we may set them)."""
        return bool(self.account) and accounts.may_set_groups()

    def _await_ready(self):
        ready = self._await_reply(self.limits.import_seconds, self.limits.import_seconds, 0.0)
        if ready.status is not OutcomeStatus.READY:
            if ready.status in CALL_REPLIES:
                ready.error = f"the worker answered out of turn ({ready.status.value!r})"
            failed_itself = ready.status is OutcomeStatus.IMPORT_FAILED
            error = ready.error if failed_itself else f"importing it failed: {ready.error}"
            self._import_failure = Outcome(OutcomeStatus.IMPORT_FAILED, error=error, where=ready.where, line=ready.line,
                                           output=ready.output)
            self._kill()
            self._process = None

    def _rlimits_json(self):
        limits = {
            "mark_output_end": not pipes.SELECT_ON_PIPES,  # not a limit: see pipes.OutputCollector
            "reply_bytes": self.limits.reply_bytes,  # not a limit there: the worker refuses larger replies itself
            "RLIMIT_AS": self.limits.memory_bytes,
            "RLIMIT_FSIZE": self.limits.file_bytes,
            "RLIMIT_CORE": 0,
        }
        if self.account:  # RLIMIT_NPROC counts every process (and thread) of the user
            limits["RLIMIT_NPROC"] = self.limits.processes
        elif resource is not None:  # sharing our uid: allow what the user runs already, plus the worker's share
            processes = accounts.tasks_of(os.getuid())
            hard = resource.getrlimit(resource.RLIMIT_NPROC)[1]
            if processes is not None:
                wanted = processes + self.limits.processes
                limits["RLIMIT_NPROC"] = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        return json.dumps(limits)

    # -- waiting for replies ------------------------------------------------------------------

    def _await_reply(self, seconds, cpu_seconds, cpu_before):
        deadline = time.monotonic() + seconds
        self._others_at_start = None  # CPU seconds of the worker's other processes, at the first scan
        others = 0.0
        watched = time.monotonic()  # when its CPU time was last read (``cpu_before``)
        buffer, self._unread = self._unread, bytearray()
        length = None  # of the message whose bytes ``buffer`` holds, once its 8-byte header is in
        while True:
            if length is None and len(buffer) >= 8:
                length = int.from_bytes(buffer[:8], "big")
                if length > min(self.limits.reply_bytes, wire.MAX_MESSAGE_BYTES):
                    return self._fail(OutcomeStatus.GARBLED, wire.too_large(self.limits.reply_bytes))
            if length is not None and len(buffer) >= 8 + length:
                message, buffer, length = bytes(buffer[8:8 + length]), buffer[8 + length:], None
                reply = self._decode(message, self._cpu_seconds() - cpu_before)
                if reply.status is not OutcomeStatus.ORACLE:
                    self._unread = buffer  # sent after the reply, out of turn: the next call finds it first
                    return reply
                cpu = self._cpu_seconds() - cpu_before + others + self._oracle_cpu
                failure = self._answer_oracle(reply, deadline - time.monotonic(), cpu_seconds - cpu)
                if failure is not None:  # a nested call: answered within what is left of the call, then wait on
                    return failure
                continue
            now = time.monotonic()
            if now - self._last_scan >= _SCAN_SECONDS:
                others, memory = self._scan_sandbox()
                if memory > self.limits.memory_bytes:
                    mebibytes = self.limits.memory_bytes / 2**20
                    return self._fail(OutcomeStatus.CRASHED, f"its processes used more than {mebibytes:g} MiB of "
                                                             f"memory together, so they were stopped")
            if now - watched >= _WATCH_SECONDS:  # not on every chunk: most replies come in far less
                watched = now
                cpu = self._cpu_seconds() - cpu_before + others + self._oracle_cpu
                if cpu > cpu_seconds:
                    return self._fail(OutcomeStatus.TIMEOUT, f"too slow: used {cpu:.1f} s of CPU, the limit is "
                                                             f"{cpu_seconds:g} s", Limit.CPU)
            remaining = deadline - time.monotonic()  # after the scan and the reading, as they take time
            if remaining <= 0:
                return self._fail(OutcomeStatus.TIMEOUT, f"did not finish within {seconds:g} s (waiting, or an "
                                                         f"endless loop?)", Limit.WALL)
            # As much as has come, up to 64 KiB or the rest of a longer message: a reply and its header in one read.
            wanted = max(8 + (length or 0) - len(buffer), 1 << 16)
            chunk = self._replies.read(min(wanted, 1 << 20), min(remaining, _WATCH_SECONDS))
            if chunk is None:  # nothing yet
                continue
            if not chunk:
                if self._killed_by(getattr(signal, "SIGXCPU", None)):  # its RLIMIT_CPU, set per call
                    return self._fail(OutcomeStatus.TIMEOUT, f"too slow: used {cpu_seconds:.1f} s of CPU, the "
                                                             f"limit is {cpu_seconds:g} s", Limit.CPU)
                return self._fail(OutcomeStatus.CRASHED, self._exit_description())
            buffer += chunk

    def _decode(self, message, cpu_seconds):
        try:
            reply = wire.decode(message)
            if not isinstance(reply, dict) or not isinstance(reply.get("status"), str):
                raise wire.WireError("the reply is not a status record")
        except (wire.WireError, ValueError, TypeError, RecursionError, MemoryError) as error:
            return self._fail(OutcomeStatus.GARBLED, _short(f"the worker sent something unreadable ({error})"))
        status = _status_of(reply["status"])
        if status not in WORKER_REPLIES:
            return self._fail(OutcomeStatus.GARBLED, _short(f"the worker answered out of turn ({reply['status']!r})"))
        if status is OutcomeStatus.ORACLE:  # the call goes on: its output stays to be taken with the reply
            return Outcome(status, value=reply.get("call"), args=reply.get("args"), kwargs=reply.get("kwargs"))
        output = self._output.take(call_ended=True)
        if status is OutcomeStatus.READY:
            if isinstance(reply.get("landlock"), int):
                self.landlock = reply["landlock"]
            self.calls_of = _calls_among(reply.get("calls"), self.graded)
        reported = reply.get("cpu_seconds")
        if not procfs.available() and isinstance(reported, float) and math.isfinite(reported) and reported >= 0:
            cpu_seconds = reported  # no /proc (macOS, Windows): the worker's own count, on the student's machine
        return Outcome(
            status=status, value=_bounded(reply.get("value")),
            args=_bounded(reply.get("args")) if isinstance(reply.get("args"), list) else [],
            kwargs=_bounded(reply.get("kwargs")) if isinstance(reply.get("kwargs"), dict) else {},
            error=_short(reply.get("error", "")), where=_short(reply.get("where", "")),
            line=reply["line"] if type(reply.get("line")) is int else 0,
            output=output, cpu_seconds=cpu_seconds,
            function=reply["function"] if reply.get("function") in self.graded else None,
        )

    def _answer_oracle(self, request, seconds, cpu_seconds):
        """Answer a nested call from a stub in the worker with the reference's result (``self.oracle``,
        within ``seconds`` of wall-clock and ``cpu_seconds`` of CPU time, what is left of the call);
        None when answered, else the failed ``Outcome``. Only the names this call allows are answered:
        never the function under test."""
        name, args, kwargs = request.value, request.args, request.kwargs
        if not isinstance(name, str) or name not in self._oracle or not isinstance(args, list) \
                or not isinstance(kwargs, dict):
            return self._fail(OutcomeStatus.GARBLED, _short(f"it asked the grader to answer a call of {name!r}, "
                                                            f"which the grader does not answer while this function "
                                                            f"is graded"))
        answer = self.oracle.answer(name, args, kwargs, seconds, cpu_seconds)
        self._oracle_cpu += answer.cpu_seconds
        if answer.timeout is not None:  # the student's function asked for more than its call has left
            limit = answer.timeout.limit if answer.timeout.limit is not Limit.BUDGET else Limit.WALL
            words = (f"too slow: its call of {name}, answered by the reference, used up the CPU time the call "
                     f"had left" if limit is Limit.CPU else
                     f"did not finish within its time: its call of {name}, answered by the reference, took too long")
            return self._fail(OutcomeStatus.TIMEOUT, words, limit)
        try:
            wire.write_message(self._requests, answer.message)
        except (BrokenPipeError, OSError):
            return self._fail(OutcomeStatus.CRASHED, "the worker process died while the grader answered it")
        self._answered.add(name)
        self.oracle_answers += 1
        return None

    def _fail(self, status, error, limit=None):
        output = self._output.take() if self._process else ""
        self._kill()
        return Outcome(status=status, error=error, output=output, limit=limit)

    def _killed_by(self, signal_number):
        try:
            return signal_number is not None and self._process.wait(timeout=1) == -signal_number
        except subprocess.TimeoutExpired:
            return False

    def _exit_description(self):
        try:
            code = self._process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            return "the worker process stopped answering"
        if code < 0 and -code in signal.valid_signals():
            name = signal.Signals(-code).name
            hint = " (out of memory?)" if name in ("SIGKILL", "SIGSEGV") else ""
            return f"the worker process was killed by {name}{hint}"
        return f"the worker process exited with code {code} (os._exit or a crash?)"

    def _cpu_seconds(self):
        """CPU time of the worker process so far (and of children it waited for), read by us from /proc."""
        try:
            return procfs.cpu_and_memory(self._stat.fields())[0]
        except (OSError, IndexError, ValueError, AttributeError):
            return 0.0

    def left_others_running(self):
        """Whether a process the worker started still runs beside it. Every call is charged the CPU
        time and memory of all the sandbox's processes, so what one function's calls leave running
        must end before another function's calls (``runner.run_checks`` replaces the worker then)."""
        if self._process is None:
            return False
        return any(pid != self._process.pid and fields[0] != "Z" for pid, fields in self._sandbox_processes())

    def _scan_sandbox(self):
        """CPU seconds the worker's other processes used since the call's first scan, and the memory
        resident in all its processes."""
        self._last_scan = time.monotonic()
        cpu, memory = {}, 0
        for pid, fields in self._sandbox_processes():
            try:
                seconds, resident = procfs.cpu_and_memory(fields)
            except (IndexError, ValueError):
                continue
            memory += resident
            if pid != self._process.pid:
                cpu[pid] = seconds
        if self._others_at_start is None:
            self._others_at_start = cpu
        return sum(seconds - self._others_at_start.get(pid, 0.0) for pid, seconds in cpu.items()), memory

    def _sandbox_processes(self):
        """``(pid, procfs.stat_fields)`` of every process of the sandbox, the worker's among them: of
        the sandbox uid (as root; this catches those that left the session), or of the worker's session."""
        main = self._process.pid
        for pid in procfs.pids():
            try:
                if self.account and os.stat(f"/proc/{pid}").st_uid != self.account[0]:
                    continue
                fields = procfs.stat_fields(pid)
                if self.account or int(fields[3]) == main:
                    yield pid, fields
            except (OSError, IndexError, ValueError):
                continue

    def _kill(self):
        """SIGKILL the worker's session, and as root every process of the sandbox user."""
        process = self._process
        if process is None:
            return
        self._unread = bytearray()
        for pipe in (getattr(self, "_requests", None),):
            try:
                pipe.close()
            except (OSError, AttributeError):
                pass
        _kill_tree(process)
        if self.account:
            accounts.kill_every_process_of(self.account)
        process.wait()
        if self._stat is not None:
            self._stat.close()
            self._stat = None
        self._replies.close()
        self._output.close()
        self._process, self._starting = None, False
        self._remove_folder()


def _environment(folder):
    """The environment of a worker whose folder is ``folder``."""
    threads = "1"  # one BLAS thread: calls are small, and the CPU budget stays honest
    return {
        "PATH": "/usr/bin:/bin", "HOME": str(folder), "LANG": "C.UTF-8",
        "OMP_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads, "MKL_NUM_THREADS": threads,
        "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": str(folder),
        "TEMP": str(folder), "TMP": str(folder),
        **{name: os.environ[name] for name in ("SYSTEMROOT", "WINDIR") if name in os.environ},  # Windows needs them
    }


def _calls_among(reported, graded):
    """{function: the graded functions it names}, from the worker's report, keeping graded names only."""
    if not isinstance(reported, dict):
        return {}
    return {function: frozenset(name for name in names if name in graded)
            for function, names in reported.items() if function in graded and isinstance(names, list)}


def _status_of(word):
    """The ``OutcomeStatus`` a reply names, or None for any other word."""
    try:
        return OutcomeStatus(word)
    except ValueError:
        return None


def _stat_file(pid):
    """The worker's /proc/PID/stat kept open (``procfs.StatFile``), or None without a /proc."""
    try:
        return procfs.StatFile(pid) if procfs.available() else None
    except OSError:
        return None


def _kill_tree(process):
    """SIGKILL the worker's session (POSIX); on Windows, the worker and the processes it started."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True)
            process.kill()
    except (ProcessLookupError, PermissionError, OSError):
        pass


def _short(text):
    """A string from the worker, cut to ``MAX_TEXT`` characters and made ``printable``."""
    text = text if isinstance(text, str) else str(text)
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT] + f"... ({len(text) - MAX_TEXT} more characters)"
    return printable(text)


def _bounded(value):
    """A decoded value with every string in it (dict keys too) ``_short`` (arrays and numbers stay as they are)."""
    if isinstance(value, (np.ndarray, float, int)) or value is None:  # most of what comes back: nothing to cut
        return value
    if isinstance(value, str):
        return _short(value)
    if isinstance(value, list):
        return [_bounded(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_bounded(item) for item in value)
    if isinstance(value, dict):
        return {_short(key): _bounded(item) for key, item in value.items()}
    return value
