"""The grader's side of the sandbox: a worker process that runs student code, and how to call it.

The grader never imports a submission. ``Worker`` copies it into a private folder, starts
``worker_main.py`` there in a new session (as an unprivileged user when the grader is root), and
talks to it over pipes in the ``wire`` format: plain arrays and numbers both ways, no pickles.
A call may name reference functions (the "oracle") that answer the nested calls the student's
function makes to those names: the worker sends each such call back here, the reference runs here
(under a memory cap), and only its result crosses into the worker.
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

import copy
import enum
import functools
import json
import math
import os
import queue
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder.sandbox import procfs, wire
from autograder.sandbox.procfs import cpu_and_memory, pids, stat_fields

try:
    import resource  # POSIX only: Windows has no rlimits
except ImportError:
    resource = None

SANDBOX_UID_BASE = 1_000_000
MAX_TEXT = 1_000  # characters kept of any string from the worker (error messages, returned text)
_HERE = Path(__file__).resolve().parent
_SCAN_SECONDS = 0.25  # how often the grader sums CPU time and memory over all sandbox processes
_WATCH_SECONDS = 0.05  # how often the grader reads the worker's CPU time while it waits for a reply
SELECT_ON_PIPES = os.name == "posix"  # Windows' select() takes sockets only: there, threads read the pipes


@dataclass(frozen=True)
class Limits:
    """Resource limits for student code: times per call, per function and in all; memory and
    processes per worker (the sum over its processes, and each process)."""

    call_seconds: float = 5.0
    call_cpu_seconds: float = 5.0
    import_seconds: float = 10.0
    memory_bytes: int = 2**30  # address space per process, and resident memory of all its processes
    processes: int = 64  # processes and threads the worker may start
    file_bytes: int = 16 * 2**20
    output_bytes: int = 10_000  # student prints kept per call; the rest is dropped
    reply_bytes: int = 32 * 2**20  # the largest reply the grader reads
    function_seconds: float = 30.0  # wall time of all calls of one function (at least 4 calls' worth)
    total_seconds: float = 480.0  # wall time of all calls: results.json in time for Gradescope's 10 minutes


class OutcomeStatus(str, enum.Enum):
    """What became of a call, or of loading the file; the values are the words of the wire.

    The worker answers a call with RETURNED, RAISED, NOT_IMPLEMENTED, MISSING, UNSENDABLE or REFUSED, the
    loading of the file with READY or IMPORT_FAILED, and asks for a nested call with ORACLE; the
    grader decides TIMEOUT, CRASHED and GARBLED itself, when the worker could not answer properly.
    """

    RETURNED = "returned"
    RAISED = "raised"
    NOT_IMPLEMENTED = "not_implemented"  # it raised NotImplementedError (the skeleton's body)
    MISSING = "missing"  # the module has no such function
    UNSENDABLE = "unsendable"  # it returned something other than plain data
    READY = "ready"  # the file loaded (never an outcome of ``Worker.call``)
    IMPORT_FAILED = "import_failed"
    ORACLE = "oracle"  # a nested call for the reference to answer (never an outcome of ``Worker.call``)
    REFUSED = "refused"  # it called a function the grader refused to run (``Outcome.function`` names it)
    TIMEOUT = "timeout"  # over a time limit: ``Outcome.limit`` says which
    CRASHED = "crashed"  # the worker died, or its processes used too much memory together
    GARBLED = "garbled"  # the worker's reply was unreadable, too big or out of turn


# What a worker may answer a call with.
CALL_REPLIES = frozenset({OutcomeStatus.RETURNED, OutcomeStatus.RAISED, OutcomeStatus.NOT_IMPLEMENTED,
                          OutcomeStatus.MISSING, OutcomeStatus.UNSENDABLE, OutcomeStatus.REFUSED})
WORKER_REPLIES = CALL_REPLIES | {OutcomeStatus.READY, OutcomeStatus.IMPORT_FAILED, OutcomeStatus.ORACLE}


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
    used), ``where`` is the line of the student's file it happened at.
    """

    status: OutcomeStatus
    value: object = None
    args: list = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)
    error: str = ""
    where: str = ""
    output: str = ""
    cpu_seconds: float = 0.0
    substituted: tuple = ()  # the functions the oracle answered for during this call
    limit: Limit = None  # for a timeout: which limit
    function: str = None  # NOT_IMPLEMENTED: the function whose body raised it; REFUSED: the function refused


def sandbox_account():
    """The (uid, gid) student code runs as: None when unprivileged (our own) or when no other id exists.

    As root, each grading process gets a uid of its own, 1,000,000 plus its pid (unique among live
    processes; no /etc/passwd entry needed). So "kill every process of the sandbox user" reaches
    exactly this grader's student code, also when several graders run side by side. In a container
    whose user namespace maps only some ids (``/proc/self/uid_map``), the id is chosen among those
    mapped and unused; where only our own id is mapped there is none to switch to (see
    ``sandbox_notice``).
    """
    if not hasattr(os, "geteuid") or os.geteuid() != 0:  # Windows has no uids
        return None
    return _account_for(os.getpid())


@functools.cache
def _account_for(pid):
    """The account of grading process ``pid`` (cached by pid: a forked grader chooses its own)."""
    preferred = SANDBOX_UID_BASE + pid
    uid = _free_mapped_id("/proc/self/uid_map", preferred, _ids_in_use("Uid"))
    gid = _free_mapped_id("/proc/self/gid_map", preferred, _ids_in_use("Gid"))
    if uid is None or gid is None:
        return None
    _let_others_reach_python()
    return uid, gid


def sandbox_notice():
    """One sentence for the results when student code could not get a user of its own, else None."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or sandbox_account() is not None:
        return None
    return ("Note: this grading container maps no second user id, so your code ran as the grading user, "
            "confined by Landlock (where the kernel has it), resource limits and time limits.")


def mapped_ranges(map_file):
    """The id ranges a user-namespace map file makes usable, as ``range`` objects (inside ids).

    Each line of ``/proc/self/uid_map`` reads ``inside outside count``; without the file (not
    Linux, or no user namespaces) every 32-bit id counts as mapped, as in the initial namespace.
    """
    try:
        lines = Path(map_file).read_text().splitlines()
    except OSError:
        return [range(0, 2**32 - 1)]
    ranges = []
    for line in lines:
        fields = line.split()
        if len(fields) == 3 and all(f.isdigit() for f in fields):
            ranges.append(range(int(fields[0]), int(fields[0]) + int(fields[2])))
    return ranges


def _free_mapped_id(map_file, preferred, in_use, lowest=1000):
    """``preferred`` if the namespace maps it, else the highest mapped id >= ``lowest`` that no process
    uses (system accounts lie below ``lowest``); None when there is none."""
    ranges = mapped_ranges(map_file)
    if any(preferred in r for r in ranges) and preferred not in in_use:
        return preferred
    for ids in sorted(ranges, key=lambda r: r.stop, reverse=True):
        candidate = ids.stop - 1
        while candidate >= max(ids.start, lowest):
            if candidate not in in_use and candidate != os.getuid():
                return candidate
            candidate -= 1
            if ids.stop - candidate > 4096:  # a range this crowded is no place to look further
                break
    return None


def _ids_in_use(field_name):
    """The real uids (``Uid``) or gids (``Gid``) of every live process, read from /proc."""
    used = {os.getuid() if field_name == "Uid" else os.getgid()}
    for pid in pids():
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith(field_name + ":"):
                        used.add(int(line.split()[1]))
                        break
        except (OSError, ValueError, IndexError):
            continue
    return used


@functools.cache
def _let_others_reach_python():
    """Add search (x) permission for others on the folders above the interpreter and its libraries.

    Python often lives under /root (pyenv here; Miniforge on Gradescope), which is mode 700, so the
    sandbox user could not start it. Search permission lets it open paths it already knows without
    listing any folder; files keep their own permissions.
    """
    for start in {os.path.realpath(sys.executable), sys.prefix, sys.base_prefix}:
        for folder in Path(start).parents:
            mode = folder.stat().st_mode
            if not mode & stat.S_IXOTH:
                folder.chmod(mode | stat.S_IXOTH)


class Worker:
    """A sandboxed process that imports ``submission`` as module ``module_name`` and serves calls.

    Use as a context manager, or call ``close()``. ``call`` never raises for anything the student
    code does: every failure comes back as an ``Outcome`` with a status.
    """

    def __init__(self, submission, module_name, limits=Limits(), graded=()):
        self.submission = Path(submission).resolve()
        self.module_name = module_name
        self.limits = limits
        self.graded = sorted(graded)  # the functions whose calls of each other the worker reports (``calls_of``)
        self.calls_of = {}  # function -> the other graded functions it names, as the worker read the file
        self.account = sandbox_account()
        self.landlock = 0  # the Landlock ABI the last worker confined itself with (0: none)
        self._process = None
        self._stat = None  # the worker's /proc/PID/stat, kept open (where there is a /proc)
        self._folder = None
        self._import_failure = None
        self._spent = {}  # wall seconds used so far by each function, over all its calls
        self._last_scan = 0.0
        self._oracle = {}  # name -> reference function answering nested calls, during one call
        self._answered = set()  # names the oracle answered during the current call
        self.oracle_answers = 0  # answers this worker process received: restart it before it grades another function

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def call(self, function, args=(), kwargs=None, *, seconds=None, cpu_seconds=None, oracle=None, refuse=(),
             budget=None):
        """Call ``function(*args, **kwargs)`` in the worker; return an ``Outcome``.

        ``oracle`` maps names of other functions of the module to reference functions: while this
        call runs, nested calls to those names are answered by them, here in the grader (never for
        ``function`` itself). The time the grader spends answering counts in the call's wall time.
        Nested calls of the functions named in ``refuse`` end the call at once (REFUSED, naming the
        function). ``budget`` is the key of the time budget the call draws on (default: ``function``).
        """
        seconds = seconds or self.limits.call_seconds
        budget_key = function if budget is None else budget
        budget = max(self.limits.function_seconds, 4 * seconds)
        left = min(budget - self._spent.get(budget_key, 0.0), self.limits.total_seconds - sum(self._spent.values()))
        if left <= 0:
            return Outcome(OutcomeStatus.TIMEOUT, error=self._budget_words(budget_key, budget), limit=Limit.BUDGET)
        if self.load() is not None:
            return self._import_failure
        self._oracle = {name: answer for name, answer in (oracle or {}).items() if name != function}
        self._answered = set()
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
            self._oracle = {}
        outcome.substituted = tuple(sorted(self._answered))
        self._spent[budget_key] = self._spent.get(budget_key, 0.0) + time.monotonic() - started
        if outcome.limit is Limit.WALL and left < seconds:  # the wall clock stopped it early: the budget's
            outcome.error, outcome.limit = self._budget_words(budget_key, budget), Limit.BUDGET
        if outcome.status in (OutcomeStatus.READY, OutcomeStatus.IMPORT_FAILED):
            return self._fail(OutcomeStatus.GARBLED, f"the worker answered out of turn ({outcome.status.value!r})")
        return outcome

    def load(self):
        """Start the worker (importing the submission) unless it runs; return the import failure
        (an ``Outcome`` with status IMPORT_FAILED) or None. A file that failed once is not tried again."""
        if self._process is None and self._import_failure is None:
            self._start()
        return self._import_failure

    def _budget_words(self, function, budget):
        if self._spent.get(function, 0.0) >= budget:
            return f"did not finish within {budget:g} s over all its calls"
        return f"did not finish: all calls of this file together used up {self.limits.total_seconds:g} s"

    def close(self):
        """Kill the worker and everything it started; remove its folder, and what it left elsewhere."""
        if self._process is not None:
            self._kill()
            self._process = None
        self._remove_folder()
        if self.account:
            _remove_files_of(self.account[0])

    def _remove_folder(self):
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    # -- starting ---------------------------------------------------------------------------

    def _start(self):
        self.oracle_answers = 0
        self._remove_folder()  # a previous worker's folder, which its student code could write to
        self._folder = Path(tempfile.mkdtemp(prefix="worker-"))
        # Named, not the whole package: the worker runs worker_main.py as a script (``-I``, no
        # package on its path) and it loads wire.py beside it; nothing else of the grader, not even
        # the rest of this package, belongs where student code runs.
        for name in ("worker_main.py", "wire.py"):
            shutil.copyfile(_HERE / name, self._folder / name)
        submission_copy = self._folder / f"{self.module_name}.py"
        shutil.copyfile(self.submission, submission_copy)
        if self.account:
            for path in [self._folder, *self._folder.iterdir()]:
                os.chown(path, *self.account)
        # Requests go down the worker's stdin and replies come up its stdout (the worker moves both
        # out of the student's way at once); the student's prints reach us through its stderr.
        self._process = subprocess.Popen(
            [sys.executable, "-I", "-B", str(self._folder / "worker_main.py"), self._rlimits_json(),
             str(submission_copy), self.module_name, ",".join(self.graded)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            cwd=self._folder, env=self._environment(),
            start_new_session=True,
            user=self.account[0] if self.account else None,
            group=self.account[1] if self.account else None,
            extra_groups=[] if self.account and _may_set_groups() else None,
        )
        self._requests = self._process.stdin
        self._stat = _stat_file(self._process.pid)
        self._output = _OutputCollector(self._process.stderr, self.limits.output_bytes)
        self._replies = _ReplyReader(self._process.stdout, self._output)
        ready = self._await_reply(self.limits.import_seconds, self.limits.import_seconds, 0.0)
        if ready.status is not OutcomeStatus.READY:
            if ready.status in CALL_REPLIES:
                ready.error = f"the worker answered out of turn ({ready.status.value!r})"
            failed_itself = ready.status is OutcomeStatus.IMPORT_FAILED
            error = ready.error if failed_itself else f"importing it failed: {ready.error}"
            self._import_failure = Outcome(OutcomeStatus.IMPORT_FAILED, error=error, where=ready.where,
                                           output=ready.output)
            self._kill()
            self._process = None

    def _rlimits_json(self):
        limits = {
            "mark_output_end": not SELECT_ON_PIPES,  # not a limit: see _OutputCollector
            "reply_bytes": self.limits.reply_bytes,  # not a limit there: the worker refuses larger replies itself
            "RLIMIT_AS": self.limits.memory_bytes,
            "RLIMIT_FSIZE": self.limits.file_bytes,
            "RLIMIT_CORE": 0,
        }
        if self.account:  # RLIMIT_NPROC counts every process (and thread) of the user
            limits["RLIMIT_NPROC"] = self.limits.processes
        elif resource is not None:  # sharing our uid: allow what the user runs already, plus the worker's share
            processes = _tasks_of(os.getuid())
            hard = resource.getrlimit(resource.RLIMIT_NPROC)[1]
            if processes is not None:
                wanted = processes + self.limits.processes
                limits["RLIMIT_NPROC"] = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        return json.dumps(limits)

    def _environment(self):
        threads = "1"  # one BLAS thread: calls are small, and the CPU budget stays honest
        return {
            "PATH": "/usr/bin:/bin", "HOME": str(self._folder), "LANG": "C.UTF-8",
            "OMP_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads, "MKL_NUM_THREADS": threads,
            "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": str(self._folder),
            "TEMP": str(self._folder), "TMP": str(self._folder),
            **{name: os.environ[name] for name in ("SYSTEMROOT", "WINDIR") if name in os.environ},  # Windows needs them
        }

    # -- waiting for replies ------------------------------------------------------------------

    def _await_reply(self, seconds, cpu_seconds, cpu_before):
        deadline = time.monotonic() + seconds
        self._others_at_start = None  # CPU seconds of the worker's other processes, at the first scan
        others = 0.0
        watched = time.monotonic()  # when its CPU time was last read (``cpu_before``)
        buffer = bytearray()
        needed = 8
        while True:
            now = time.monotonic()
            if now - self._last_scan >= _SCAN_SECONDS:
                others, memory = self._scan_sandbox()
                if memory > self.limits.memory_bytes:
                    mebibytes = self.limits.memory_bytes / 2**20
                    return self._fail(OutcomeStatus.CRASHED, f"its processes used more than {mebibytes:g} MiB of "
                                                             f"memory together, so they were stopped")
            if now - watched >= _WATCH_SECONDS:  # not on every chunk: most replies come in far less
                watched = now
                cpu = self._cpu_seconds() - cpu_before + others
                if cpu > cpu_seconds:
                    return self._fail(OutcomeStatus.TIMEOUT, f"too slow: used {cpu:.1f} s of CPU, the limit is "
                                                             f"{cpu_seconds:g} s", Limit.CPU)
            remaining = deadline - time.monotonic()  # after the scan and the reading, as they take time
            if remaining <= 0:
                return self._fail(OutcomeStatus.TIMEOUT, f"did not finish within {seconds:g} s (waiting, or an "
                                                         f"endless loop?)", Limit.WALL)
            chunk = self._replies.read(min(needed - len(buffer), 1 << 20), min(remaining, _WATCH_SECONDS))
            if chunk is None:  # nothing yet
                continue
            if not chunk:
                if self._killed_by(getattr(signal, "SIGXCPU", None)):  # its RLIMIT_CPU, set per call
                    return self._fail(OutcomeStatus.TIMEOUT, f"too slow: used {cpu_seconds:.1f} s of CPU, the "
                                                             f"limit is {cpu_seconds:g} s", Limit.CPU)
                return self._fail(OutcomeStatus.CRASHED, self._exit_description())
            buffer += chunk
            if len(buffer) == 8 and needed == 8:
                length = int.from_bytes(buffer, "big")
                if length > min(self.limits.reply_bytes, wire.MAX_MESSAGE_BYTES):
                    return self._fail(OutcomeStatus.GARBLED, wire.too_large(self.limits.reply_bytes))
                needed = 8 + length
            if len(buffer) >= needed:
                reply = self._decode(bytes(buffer[8:needed]), self._cpu_seconds() - cpu_before)
                if reply.status is not OutcomeStatus.ORACLE:
                    return reply
                failure = self._answer_oracle(reply)  # a nested call: answer it, then wait on
                if failure is not None:
                    return failure
                buffer, needed = bytearray(), 8

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
            output=output, cpu_seconds=cpu_seconds,
            function=reply["function"] if reply.get("function") in self.graded else None,
        )

    def _answer_oracle(self, request):
        """Answer a nested call from a stub in the worker with the reference's result (computed here,
        on copies, with at most ``limits.memory_bytes`` more memory); None when answered, else the
        failed ``Outcome``. Only the names this call allows are answered: never the function under test."""
        name, args, kwargs = request.value, request.args, request.kwargs
        if not isinstance(name, str) or name not in self._oracle or not isinstance(args, list) \
                or not isinstance(kwargs, dict):
            return self._fail(OutcomeStatus.GARBLED, _short(f"it asked the grader to answer a call of {name!r}, "
                                                            f"which the grader does not answer while this function "
                                                            f"is graded"))
        try:
            with _memory_cap(self.limits.memory_bytes):
                answer = {"answer": self._oracle[name](*copy.deepcopy(args), **copy.deepcopy(kwargs))}
        except Exception as error:  # noqa: BLE001 - bad arguments from the student: the stub raises it there
            text = str(error).splitlines()[0][:300] if str(error) else ""
            answer = {"oracle_error": f"{type(error).__name__}: {text}".rstrip(": ")}
        try:
            wire.write_message(self._requests, answer)
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
            return cpu_and_memory(self._stat.fields())[0]
        except (OSError, IndexError, ValueError, AttributeError):
            return 0.0

    def _scan_sandbox(self):
        """CPU seconds the worker's other processes used since the call's first scan, and the memory
        resident in all its processes. Processes of the sandbox uid (as root; this catches those that
        left the session), or of the worker's session."""
        self._last_scan = time.monotonic()
        main = self._process.pid
        cpu, memory = {}, 0
        for pid in pids():
            try:
                if self.account and os.stat(f"/proc/{pid}").st_uid != self.account[0]:
                    continue
                fields = stat_fields(pid)
                if not self.account and int(fields[3]) != main:
                    continue
                seconds, resident = cpu_and_memory(fields)
            except (OSError, IndexError, ValueError):
                continue
            memory += resident
            if pid != main:
                cpu[pid] = seconds
        if self._others_at_start is None:
            self._others_at_start = cpu
        return sum(seconds - self._others_at_start.get(pid, 0.0) for pid, seconds in cpu.items()), memory

    def _kill(self):
        """SIGKILL the worker's session, and as root every process of the sandbox user."""
        process = self._process
        if process is None:
            return
        for pipe in (getattr(self, "_requests", None),):
            try:
                pipe.close()
            except (OSError, AttributeError):
                pass
        _kill_tree(process)
        if self.account:
            _kill_every_process_of(self.account)
        process.wait()
        if self._stat is not None:
            self._stat.close()
            self._stat = None
        self._replies.close()
        self._output.close()
        self._process = None
        self._remove_folder()


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


def _may_set_groups():
    """False inside a user namespace that denies setgroups(2) (``/proc/self/setgroups`` says deny)."""
    try:
        return Path("/proc/self/setgroups").read_text().strip() != "deny"
    except OSError:
        return True


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


def _remove_files_of(uid):
    """Delete what the sandbox user created in the world-writable folders (where Landlock is missing,
    it can write there); symlinks are removed, never followed."""
    for folder in {tempfile.gettempdir(), "/tmp", "/var/tmp", "/dev/shm"}:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                continue


def _short(text):
    """A string from the worker, cut to ``MAX_TEXT`` characters."""
    text = text if isinstance(text, str) else str(text)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + f"... ({len(text) - MAX_TEXT} more characters)"


def _bounded(value):
    """A decoded value with every string in it cut short (arrays and numbers stay as they are)."""
    if isinstance(value, str):
        return _short(value)
    if isinstance(value, list):
        return [_bounded(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_bounded(item) for item in value)
    if isinstance(value, dict):
        return {_short(key): _bounded(item) for key, item in value.items()}
    return value


def _tasks_of(uid):
    """How many processes and threads ``uid`` runs (what RLIMIT_NPROC counts), or None without /proc."""
    if not procfs.available():
        return None
    count = 0
    for pid in pids():
        try:
            if os.stat(f"/proc/{pid}").st_uid == uid:
                count += len(os.listdir(f"/proc/{pid}/task"))
        except OSError:
            continue
    return count


def _kill_every_process_of(account):
    """Catch processes that left the session (setsid, double fork): kill(-1) as that user."""
    child = os.fork()
    if child == 0:
        try:
            os.setgid(account[1])
            os.setuid(account[0])
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(child, 0)


def _read_in_thread(fd, deliver):
    """Start a daemon thread passing each chunk read from ``fd`` to ``deliver`` (b"" at the end)."""
    def run():
        while True:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                chunk = b""
            deliver(chunk)
            if not chunk:
                return
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


class _ReplyReader:
    """The pipe the worker replies on, read without waiting longer than asked.

    With ``select`` on pipes (POSIX) it also drains the output pipe while it waits; elsewhere
    (Windows) a thread reads the replies into a small queue, so a flood holds little memory.
    """

    def __init__(self, pipe, output):
        self._pipe = pipe
        self.fd = fd = pipe.fileno()
        self._output = output
        self._pending = b""
        self._chunks = None if SELECT_ON_PIPES else queue.Queue(maxsize=16)
        self._thread = None if SELECT_ON_PIPES else _read_in_thread(fd, self._put)

    def _put(self, chunk):
        while (chunks := self._chunks) is not None:  # None once closed: then the chunk is dropped
            try:
                chunks.put(chunk, timeout=0.1)
                return
            except queue.Full:
                continue

    def read(self, most, timeout):
        """Up to ``most`` bytes; b"" when the worker closed the pipe; None if nothing came in ``timeout``."""
        if self._thread is None:
            watched = [self.fd] + ([self._output.fd] if self._output.open else [])
            readable, _, _ = select.select(watched, [], [], timeout)
            if self._output.fd in readable:
                self._output.read_available()
            return os.read(self.fd, most) if self.fd in readable else None
        if not self._pending:
            try:
                self._pending = self._chunks.get(timeout=timeout)
            except queue.Empty:
                return None
            if not self._pending:
                self._chunks.put(b"")  # the end stays the end
                return b""
        chunk, self._pending = self._pending[:most], self._pending[most:]
        return chunk

    def close(self):
        self._chunks = None  # lets the thread's put give up
        if self._thread is not None:
            self._thread.join(timeout=1)
        if self._thread is None or not self._thread.is_alive():
            self._pipe.close()


class _OutputCollector:
    """The student's stdout and stderr (one pipe), keeping at most ``limit`` bytes per call.

    Read when ``select`` says so (POSIX), or by a thread of its own (Windows). A reply arriving
    does not tell the thread's reader that the output before it was read: there the worker ends
    each call's output with ``wire.END_OF_OUTPUT``, which ``take`` waits for and removes."""

    def __init__(self, pipe, limit):
        self._pipe = pipe
        self.fd = fd = pipe.fileno()
        self._limit = limit
        self._kept = bytearray()
        self._dropped = 0
        self._lock = threading.Lock()
        self._ends = threading.Condition(self._lock)  # thread mode: END_OF_OUTPUT seen and not taken
        self._ends_seen = 0
        self._carry = b""  # thread mode: bytes that may be the start of END_OF_OUTPUT
        self.open = True
        if SELECT_ON_PIPES:
            os.set_blocking(fd, False)
            self._thread = None
        else:
            self._thread = _read_in_thread(fd, self._keep_marked)

    def _keep(self, chunk):
        with self._lock:
            self._store(chunk)

    def _store(self, chunk):
        if not chunk:
            self.open = False  # the student closed its output: stop watching it
        room = max(self._limit - len(self._kept), 0)
        self._kept += chunk[:room]
        self._dropped += len(chunk) - len(chunk[:room])

    def _keep_marked(self, chunk):
        """Thread mode: keep ``chunk`` without the END_OF_OUTPUT marks in it, and count them."""
        mark = wire.END_OF_OUTPUT
        with self._lock:
            pieces = (self._carry + chunk).split(mark)
            tail, self._carry = pieces[-1], b""
            if chunk:  # hold back an end that may be the start of a mark split across two reads
                held = next((n for n in range(min(len(mark) - 1, len(tail)), 0, -1) if tail.endswith(mark[:n])), 0)
                pieces[-1], self._carry = tail[:len(tail) - held], tail[len(tail) - held:]
            if b"".join(pieces):
                self._store(b"".join(pieces))
            if not chunk:
                self._store(b"")  # the end of the pipe
            self._ends_seen += len(pieces) - 1
            self._ends.notify_all()

    def read_available(self, chunks=16):
        """Read what the pipe holds now, without blocking: at most ``chunks`` reads of 64 KiB, so that
        a process that keeps printing cannot keep the grader here."""
        for _ in range(chunks):
            try:
                chunk = os.read(self.fd, 1 << 16)
            except (BlockingIOError, OSError):
                return
            self._keep(chunk)
            if not chunk:
                return

    def take(self, call_ended=False):
        """The output since the last ``take``, truncated, as text. ``call_ended``: the worker replied,
        so all the output of the call is written (thread mode: wait for its mark, at most 1 s)."""
        if self._thread is None:
            self.read_available()  # the worker flushes before it replies, so this is all of it
        with self._lock:
            if self._thread is not None and call_ended:
                self._ends.wait_for(lambda: self._ends_seen or not self.open, timeout=1.0)
                self._ends_seen = max(self._ends_seen - 1, 0)
            text = self._kept.decode(errors="replace")
            if self._dropped:
                text += f"\n... ({self._dropped} more bytes of output dropped)"
            self._kept.clear()
            self._dropped = 0
        return text

    def close(self):
        if self._thread is not None:
            self._thread.join(timeout=1)
        if self._thread is None or not self._thread.is_alive():
            self._pipe.close()
