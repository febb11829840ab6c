"""The worker runs student code in its own process and reports everything it does as an Outcome."""

import os
import shutil
import signal
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import REFERENCE, WORKER_PIPES, student_module
from hypothesis import strategies as st

from autograder.core.checks import Check
from autograder.core.grading import choose, grade
from autograder.core.outcomes import Reason
from autograder.core.runner import CheckRun, run_checks
from autograder.sandbox import forkserver, pipes, procfs, wire
from autograder.sandbox import worker as worker_module
from autograder.sandbox.oracle import Oracle
from autograder.sandbox.printable import PLACEHOLDER
from autograder.sandbox.wire import OutcomeStatus
from autograder.sandbox.worker import Limit, Limits, Worker

STUDENT = textwrap.dedent('''
    import time
    import numpy as np
    print("imported")

    def double(x):
        print("doubling")
        return 2 * x

    def mutate(x):
        x[0] = 99.0
        return x.copy()

    def todo(x):
        raise NotImplementedError

    def fails(x):
        return x[10]

    def spin(x):
        while True:
            pass

    def nap(x):
        import time
        time.sleep(1.5)
        return x

    def spin_ignoring_signals(x):
        import signal
        for sig in (signal.SIGTERM, signal.SIGALRM, signal.SIGINT):
            signal.signal(sig, signal.SIG_IGN)
        while True:
            pass

    def hard_exit(x):
        import os
        os._exit(0)

    def hog(x):
        return np.ones(2**31)

    def flood(x):
        print("y" * 1_000_000)
        return x

    def an_object(x):
        return object()

    def busy(x):
        t = time.process_time()
        while time.process_time() - t < 0.3:
            pass
        return x

    def fork_and_hide(x):
        import os
        if os.fork() == 0:
            os.setsid()
            while True:
                pass
        return x

    def escapes(x):
        print("\\x1b[2J\\x1b[Hcleared\\ttab\\r\\nnext \\x9b31mred\\x1b]0;title\\x07")
        return {"\\x1b[31mkey": "\\x1b]8;;link\\x1b\\\\text", "plain": x}

    def escapes_raised(x):
        raise ValueError("\\x1b[2J" + "x" * 5000)
''')


def without_proc_select_and_resource(monkeypatch):
    """What the grader sees on macOS and Windows, forced here: no /proc, no select() on pipes
    (threads read them), no ``resource`` module, no fork server (each worker started as a script)."""
    monkeypatch.setattr(forkserver, "usable", lambda: False)
    monkeypatch.setattr(pipes, "SELECT_ON_PIPES", False)
    monkeypatch.setattr(worker_module, "resource", None)
    monkeypatch.setattr(procfs, "available", lambda: False)
    monkeypatch.setattr(procfs, "pids", lambda: [])

    def no_proc(pid):
        raise FileNotFoundError(f"/proc/{pid}/stat")
    monkeypatch.setattr(procfs, "stat_fields", no_proc)


@pytest.fixture(params=["linux", "portable"])
def worker(request, tmp_path, monkeypatch):
    """A worker as on Linux, and as on a system without /proc, select() on pipes or rlimits."""
    if request.param == "portable":
        without_proc_select_and_resource(monkeypatch)
    limits = Limits(call_seconds=1, call_cpu_seconds=1, memory_bytes=2**30)
    with Worker(student_module(tmp_path, STUDENT), "student", limits) as worker:
        yield worker


def test_calls_return_values_arguments_and_output(worker):
    outcome = worker.call("double", [np.arange(3.0)])
    assert outcome.status == "returned"
    assert outcome.value.tolist() == [0.0, 2.0, 4.0]
    assert outcome.args[0].tolist() == [0.0, 1.0, 2.0]
    assert "doubling" in outcome.output


def test_mutated_arguments_come_back_mutated(worker):
    assert worker.call("mutate", [np.zeros(2)]).args[0].tolist() == [99.0, 0.0]


@pytest.mark.parametrize("function, status, words", [
    ("todo", "not_implemented", ""),
    ("missing_function", "missing", ""),
    ("fails", "raised", "IndexError"),
    ("an_object", "unsendable", "object"),
    ("hard_exit", "crashed", "exited with code 0"),
    ("hog", "raised", "MemoryError"),
])
def test_failures_become_statuses(worker, function, status, words):
    outcome = worker.call(function, [np.zeros(3)])
    assert outcome.status == status and words in outcome.error


@pytest.mark.parametrize("function", ["spin", "spin_ignoring_signals"])
def test_endless_loops_are_killed_and_the_next_call_gets_a_fresh_worker(worker, function):
    start = time.monotonic()
    assert worker.call(function, [np.zeros(1)]).status == "timeout"
    assert time.monotonic() - start < 3
    assert worker.call("double", [np.ones(1)]).value.tolist() == [2.0]


def test_output_is_truncated(worker):
    outcome = worker.call("flood", [np.zeros(1)])
    assert outcome.status == "returned"
    assert len(outcome.output) < 11_000 and "more bytes of output dropped" in outcome.output


def test_what_the_worker_sends_is_printable_and_short(worker):
    """Output, errors and the strings of values lose their escape sequences and control characters
    (each shown as one placeholder) but keep tabs and newlines; long text is cut first."""
    outcome = worker.call("escapes", [np.zeros(1)])
    assert outcome.status == "returned"
    assert "\x1b" not in outcome.output and f"{PLACEHOLDER}{PLACEHOLDER}cleared\ttab\nnext {PLACEHOLDER}red" \
        in outcome.output
    assert set(outcome.value) == {f"{PLACEHOLDER}key", "plain"} and outcome.value[f"{PLACEHOLDER}key"] == \
        f"{PLACEHOLDER}text"
    outcome = worker.call("escapes_raised", [np.zeros(1)])
    assert outcome.status == "raised" and outcome.error.startswith(f"ValueError: {PLACEHOLDER}xxx")
    assert len(outcome.error) < worker_module.MAX_TEXT + 100


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root: processes that leave the session are "
                    "caught by killing every process of the sandbox uid")
def test_processes_that_escape_the_session_die_with_the_worker(worker):
    worker.call("fork_and_hide", [np.zeros(1)])
    uid = worker.account[0]
    worker.close()
    time.sleep(0.2)
    assert uid not in running_uids()


def running_uids():
    """The uids of live processes (zombies are dead: they only wait for their parent to reap them)."""
    uids = set()
    for pid in procfs.pids():
        try:
            if procfs.stat_fields(pid)[0] != "Z":
                uids.add(os.stat(f"/proc/{pid}").st_uid)
        except (OSError, IndexError):
            continue
    return uids


@pytest.mark.parametrize("source, words", [
    ("def f(:\n", "SyntaxError"),
    ("raise ValueError('at import')\n", "ValueError: at import"),
    ("import sys\nsys.exit(3)\n", "SystemExit"),
    ("import os\nos._exit(1)\n", "exited with code 1"),
    ("while True:\n    pass\n", " 2 s"),  # CPU or wall-clock limit, whichever the load makes come first
])
def test_import_failures_are_reported_for_every_call(tmp_path, source, words):
    with Worker(student_module(tmp_path, source), "student", Limits(import_seconds=2)) as worker:
        for _ in range(2):
            outcome = worker.call("f", [])
            assert outcome.status == "import_failed" and words in outcome.error


ORACLE_STUDENT = WORKER_PIPES + textwrap.dedent('''
    import os, sys

    def inner(x):
        return x * 0  # the student's own, wrong

    def outer(x):
        return inner(x) + 1

    def forge(x):
        """Asks for the answer of the function under test by writing an oracle request itself."""
        sys.path.insert(0, os.getcwd())
        import wire
        with os.fdopen(worker_pipes()[1], "wb", closefd=False) as replies:
            wire.write_message(replies, {"status": "oracle", "call": "forge", "args": [x], "kwargs": {}})
        return x
''')


ORACLE_REFERENCE = textwrap.dedent('''
    import numpy as np

    def inner(x):
        return 2 * np.asarray(x, dtype=float)

    def outer(x):
        return x

    def forge(x):
        return x

    def endless(n):
        while True:
            n += 1
''')


@pytest.fixture
def oracle_worker(tmp_path):
    """A worker of ``ORACLE_STUDENT`` whose nested calls the reference ``ORACLE_REFERENCE`` may answer."""
    student = student_module(tmp_path, ORACLE_STUDENT + "\n\ndef asks_forever(n):\n    return endless(n)\n")
    (tmp_path / "reference.py").write_text(ORACLE_REFERENCE)
    limits = Limits(call_seconds=2, call_cpu_seconds=2)
    with Oracle(tmp_path / "reference.py", "student", limits) as oracle, \
            Worker(student, "student", limits, oracle=oracle) as worker:
        yield worker


def test_the_oracle_answers_nested_calls_never_the_function_under_test(oracle_worker):
    worker = oracle_worker
    own = worker.call("outer", [np.ones(2)])
    assert own.value.tolist() == [1.0, 1.0] and own.substituted == () and worker.oracle_answers == 0
    answered = worker.call("outer", [np.ones(2)], oracle=("inner", "forge", "outer"))
    assert answered.value.tolist() == [3.0, 3.0] and answered.substituted == ("inner",)
    assert worker.oracle_answers == 1
    assert worker.call("outer", [np.ones(2)]).value.tolist() == [1.0, 1.0]  # stubs last one call
    refused = worker.call("forge", [np.ones(2)], oracle=("inner", "forge", "outer"))
    assert refused.status == "garbled" and "does not answer" in refused.error
    raised = worker.call("outer", ["text"], oracle=("inner",))
    assert raised.status == "raised" and "the reference inner (called in place of yours) raised ValueError" \
        in raised.error


def test_a_reference_process_that_ended_between_answers_is_replaced_before_the_next(oracle_worker):
    """Its process may go between gradings (killed with the fork server it was forked from, say):
    that must not cost the next student call its answer."""
    worker = oracle_worker
    assert worker.call("outer", [np.ones(2)], oracle=("inner",)).value.tolist() == [3.0, 3.0]
    reference = worker.oracle._worker._process
    os.kill(reference.pid, signal.SIGKILL)
    reference.wait(timeout=10)
    answered = worker.call("outer", [np.ones(2)], oracle=("inner",))
    assert answered.status == "returned" and answered.value.tolist() == [3.0, 3.0], answered.error
    assert worker.oracle._worker._process.pid != reference.pid


def test_a_worker_started_early_answers_its_first_call_and_closes_cleanly(tmp_path):
    """``start_soon`` (the oracle's, to import the reference while the grader works): the process
    runs before any call; the first call waits for its import; one closed before it is used is gone."""
    (tmp_path / "reference.py").write_text(ORACLE_REFERENCE)
    with Worker(tmp_path / "reference.py", "reference", trusted=True) as early:
        early.start_soon()
        started = early._process
        assert started is not None and started.poll() is None
        assert early.call("inner", [np.ones(2)]).value.tolist() == [2.0, 2.0]
        assert early._process is started  # the same process: started once
    unused = Worker(tmp_path / "reference.py", "reference", trusted=True)
    unused.start_soon()
    process = unused._process
    unused.close()
    assert process.poll() is not None and unused.load() is None  # killed, and a later call starts afresh
    unused.close()


@pytest.mark.slow(3)
def test_the_oracle_answers_within_what_is_left_of_the_call(oracle_worker):
    """The reference runs in a process of its own, on the call's time: a nested call it cannot finish
    ends the student's call (too slow), not the grading."""
    started = time.monotonic()
    outcome = oracle_worker.call("asks_forever", [0], oracle=("endless",), seconds=2, cpu_seconds=1)
    assert outcome.status == "timeout" and "its call of endless, answered by the reference" in outcome.error
    assert time.monotonic() - started < 4
    assert oracle_worker.call("outer", [np.ones(2)], oracle=("inner",)).value.tolist() == [3.0, 3.0]  # a new one


@pytest.mark.slow(4)
def test_cpu_limit_words_and_a_wall_clock_backstop(worker):
    """A call may take longer than its CPU limit in wall time (a slow, shared machine); CPU is what counts."""
    started = time.monotonic()
    assert worker.call("nap", [np.zeros(1)], seconds=4, cpu_seconds=1).status == "returned"
    assert time.monotonic() - started >= 1.5
    spun = worker.call("spin", [np.zeros(1)], seconds=30, cpu_seconds=1)
    assert spun.status == "timeout" and "too slow: used 1." in spun.error and "the limit is 1 s" in spun.error
    assert spun.limit is Limit.CPU


@pytest.mark.slow(4)
def test_timeouts_say_which_limit_stopped_them(worker):
    """The wall clock of one call, then the wall-clock budget of all calls of the function (here 4 s)."""
    worker.limits = Limits(call_seconds=1, call_cpu_seconds=1, function_seconds=0)
    outcomes = [worker.call("nap", [np.zeros(1)]) for _ in range(5)]
    assert {o.status for o in outcomes} == {OutcomeStatus.TIMEOUT}
    assert outcomes[0].limit is Limit.WALL and "did not finish within 1 s" in outcomes[0].error
    assert outcomes[-1].limit is Limit.BUDGET and "within 4 s over all its calls" in outcomes[-1].error


def test_cpu_time_is_measured_or_reported(worker):
    """From /proc by the grader on Linux; without /proc, the worker's own count."""
    worker.limits = Limits(call_seconds=10, call_cpu_seconds=10)  # wall time is long on a loaded machine
    outcome = worker.call("busy", [np.zeros(1)])
    assert outcome.status == "returned" and 0.25 < outcome.cpu_seconds < 1.0


def python_that(folder, prelude):
    """An interpreter wrapper running ``prelude`` before worker_main.py: a system we do not have."""
    wrapper = folder / "python"
    wrapper.write_text(f"""#!/bin/sh
shift 2
exec {sys.executable} -I -B -c '{prelude}
import runpy, sys
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")' "$@"
""")
    wrapper.chmod(0o755)
    return str(wrapper)


@pytest.mark.slow(2)
@pytest.mark.parametrize("prelude", [
    # macOS: setrlimit(RLIMIT_AS) and friends refused
    "import resource\ndef refuse(*args): raise ValueError(\"current limit exceeds maximum limit\")\n"
    "resource.setrlimit = refuse",
    # Windows: no resource module at all
    "import sys\nsys.modules[\"resource\"] = None",
])
def test_reference_loads_and_passes_where_rlimits_fail(cnn, tmp_path, monkeypatch, prelude):
    shared = Path(tempfile.mkdtemp())  # not under pytest's private folder: the sandbox uid runs the wrapper
    shared.chmod(0o755)
    monkeypatch.setattr(sys, "executable", python_that(shared, prelude))
    without_proc_select_and_resource(monkeypatch)
    try:
        check_reference_and_endless_loop(cnn, tmp_path)
    finally:
        shutil.rmtree(shared)


def check_reference_and_endless_loop(cnn, tmp_path):
    report = grade(cnn, REFERENCE, choose(cnn, ["conv1d", "max_pool2d", "relu_forward"], hidden=False))
    assert [r.status for r in report.results] == ["passed"] * 3, [v.message for r in report.results
                                                                   for v in r.verdicts]
    with Worker(student_module(tmp_path, STUDENT), "student", Limits(call_seconds=1, call_cpu_seconds=1)) as worker:
        start = time.monotonic()
        assert worker.call("spin", [np.zeros(1)]).status == "timeout"
        assert time.monotonic() - start < 3
        assert worker.call("double", [np.ones(1)]).value.tolist() == [2.0]


def test_end_of_output_marks_are_found_wherever_the_reads_split_them(monkeypatch):
    """Thread mode: the mark after each call's output may arrive in pieces; it is never shown."""
    monkeypatch.setattr(pipes, "SELECT_ON_PIPES", False)
    stream = b"first" + wire.END_OF_OUTPUT + b"second\x00" + wire.END_OF_OUTPUT
    for cut in range(1, len(stream)):
        read_end, write_end = os.pipe()
        with os.fdopen(read_end, "rb") as pipe:
            output = pipes.OutputCollector(pipe, 1000)
            output._keep_marked(stream[:cut])
            output._keep_marked(stream[cut:])
            taken = output.take(call_ended=True), output.take(call_ended=True)
            assert taken == (f"firstsecond{PLACEHOLDER}", ""), cut  # the NUL is shown as a placeholder
            assert output._ends_seen == 0
            os.close(write_end)
            output._thread.join(timeout=1)


@pytest.mark.slow(3)
def test_starting_a_worker_counts_on_the_budget_of_the_call_that_needed_it(tmp_path):
    """A file slow to import pays for every restart out of its function's budget (here 1.6 s): the
    restarts end when the budget does."""
    path = tmp_path / "slow.py"
    path.write_text("import time\ntime.sleep(0.6)\n\ndef f():\n    return 1\n")
    with Worker(path, "slow", Limits(function_seconds=1.6, import_seconds=2)) as worker:
        outcomes = []
        for _ in range(4):
            worker.close()  # a fresh worker for every call: each imports the file again
            outcomes.append(worker.call("f", seconds=0.4))
    statuses = [o.status for o in outcomes]
    assert statuses[0] == "returned" and "timeout" in statuses  # the budget ran out, and stayed out
    assert all(o.status == "timeout" and o.limit is Limit.BUDGET for o in outcomes[statuses.index("timeout"):])


GARBLING = WORKER_PIPES + textwrap.dedent('''
    import os

    def conv1d(x, w, stride=1, padding=0):
        os.write(worker_pipes()[1], b"\\\\x00" * 8 + b"garbage")  # a reply out of the protocol
        return x
''')


def test_a_reply_out_of_protocol_gives_the_function_up_at_once(cnn, tmp_path, monkeypatch):
    """No retry and no shrinking: one worker for the first call, which is garbled; the function's
    other checks are refused without calling it, and say where it went wrong."""
    path = tmp_path / "cnn.py"
    path.write_text(REFERENCE.read_text() + GARBLING)
    starts = []
    start = worker_module.Worker._spawn
    monkeypatch.setattr(worker_module.Worker, "_spawn", lambda self: starts.append(1) or start(self))
    report = grade(cnn, path, choose(cnn, ["conv1d"]))
    verdicts = report.result("conv1d").verdicts
    assert len(starts) == 1  # loading the file: the garbled reply killed it, and nothing asked for another
    assert verdicts[0].reason is Reason.GARBLED and verdicts[0].again == ""
    assert all(v.reason is Reason.GARBLED and v.again == verdicts[0].check.key for v in verdicts[1:])


LEAVES_A_PROCESS = textwrap.dedent('''
    import os
    import time

    def leave(x):  # a child that outlives the call: a pool not closed, say
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)
        return os.getpid()

    def pid(x):
        return os.getpid()
''')


@pytest.mark.parametrize("first, replaced", [("leave", True), ("pid", False)])
def test_what_a_function_left_running_ends_before_the_next_function_is_graded(tmp_path, first, replaced):
    """Every call is charged the CPU time and memory of all the worker's processes: a process that
    one function's call left running is ended, with its worker (which takes every process it
    started along: test_processes_that_escape_the_session_die_with_the_worker), before another
    function's checks, never charged to them; a worker whose functions leave nothing running
    grades them all."""
    answered = []

    def verify(student, example):
        answered.append(student.call(example["function"], 0))

    runs = [CheckRun(Check.on_inputs(function, "answers", st.fixed_dictionaries({"function": st.just(function)}),
                                     verify, max_examples=1)) for function in (first, "pid")]
    verdicts, _, load_failure, _ = run_checks(runs, student_module(tmp_path, LEAVES_A_PROCESS), "student", 0)
    assert load_failure is None and all(v.passed for v in verdicts)
    assert (answered[0] != answered[-1]) is replaced  # another worker process answered the second function
