"""On Linux, workers are forks of a fork server (``sandbox/forkserver.py``): each is what a worker
started as a script would be, and nothing goes wrong when the server does."""

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from conftest import ROOT, student_module

from autograder.sandbox import forkserver, procfs
from autograder.sandbox.wire import OutcomeStatus
from autograder.sandbox.worker import Limits, Worker

pytestmark = pytest.mark.skipif(not forkserver.usable(), reason="workers are forks on Linux only (pidfds, 5.3+)")

STUDENT = textwrap.dedent('''
    import ctypes, os, resource, sys

    def describe(folder):
        """Everything a worker is that its start decides, with its own folder's name taken out."""
        status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines())
        signal_on_parent_death = ctypes.c_int()
        ctypes.CDLL(None).prctl(2, ctypes.byref(signal_on_parent_death))  # PR_GET_PDEATHSIG
        found = {
            "ids": [os.getuid(), os.geteuid(), os.getgid(), os.getegid(), sorted(os.getgroups())],
            "own session": os.getsid(0) == os.getpid() == os.getpgid(0),
            "cwd": os.getcwd(), "environment": dict(os.environ), "argv": sys.argv[1:],
            "open files": sorted(os.listdir("/proc/self/fd")),  # readable: the worker is dumpable
            "limits": {name: resource.getrlimit(getattr(resource, name)) for name in
                       ("RLIMIT_AS", "RLIMIT_NPROC", "RLIMIT_FSIZE", "RLIMIT_CORE")},
            "status": {key: status[key].strip() for key in ("CapEff", "CapPrm", "NoNewPrivs", "Seccomp")},
            "parent death signal": signal_on_parent_death.value,
            "streams": [(stream.fileno(), stream.encoding, stream.errors) for stream in (sys.stdout, sys.stderr)],
            "modules": sorted(name for name in sys.modules if name.split(".")[0] not in ("numpy", "encodings")),
        }
        return eval(repr(found).replace(folder, "FOLDER"))

    def double(x):
        return 2 * x
''')


@pytest.fixture
def student(tmp_path):
    return student_module(tmp_path, STUDENT)


def parent_of(pid):
    """The pid of process ``pid``'s parent, from /proc."""
    return int(procfs.stat_fields(pid)[1])


def described(student):
    """What the student's ``describe`` says of the worker, its Landlock ABI and its parent's pid."""
    with Worker(student, "student", Limits(), graded=["describe", "double"]) as worker:
        worker.load()
        folder = str(worker._folder)
        parent = parent_of(worker._process.pid)
        outcome = worker.call("describe", [folder])
        assert outcome.status is OutcomeStatus.RETURNED, outcome.error
        return outcome.value, worker.landlock, parent


def test_a_forked_worker_is_what_a_worker_started_as_a_script_is(student, monkeypatch):
    forked, forked_landlock, forked_parent = described(student)
    with monkeypatch.context() as patched:
        patched.setattr(forkserver, "usable", lambda: False)
        script, script_landlock, script_parent = described(student)
    assert forked_parent != os.getpid() and script_parent == os.getpid()  # the server's child, and ours
    server_modules = set(forked.pop("modules")) - set(script.pop("modules"))
    assert server_modules <= {"socket", "_socket", "select", "selectors", "array"}  # what it talks to us with
    assert forked == script
    assert forked_landlock == script_landlock
    assert forked["open files"] == ["0", "1", "2", "3", "4", "5"]  # its pipes and their private copies
    if os.geteuid() == 0:
        assert forked["ids"][0] != 0 and forked["status"]["CapEff"] == "0000000000000000"


def test_workers_of_one_grading_share_a_server_and_each_gets_a_fresh_process(student):
    pids, parents = set(), set()
    for _ in range(3):
        with Worker(student, "student") as worker:
            assert worker.call("double", [np.ones(2)]).value.tolist() == [2.0, 2.0]
            pids.add(worker._process.pid)
            parents.add(parent_of(worker._process.pid))
    assert len(pids) == 3 and len(parents) == 1


def test_a_server_that_dies_takes_its_workers_and_the_next_worker_starts_anyway(student):
    with Worker(student, "student") as worker:
        assert worker.call("double", [np.ones(1)]).status is OutcomeStatus.RETURNED
        server = forkserver._servers[(os.getpid(), sys.executable)]
        server._process.send_signal(signal.SIGKILL)
        server._process.wait()
        died = worker.call("double", [np.ones(1)])
        assert died.status is OutcomeStatus.CRASHED, died
        again = worker.call("double", [np.ones(1)])  # a new worker, from a new server
        assert again.value.tolist() == [2.0]
    assert forkserver._servers[(os.getpid(), sys.executable)] is not server


def _grade_in_child(student, results):
    with Worker(student, "student") as worker:
        results.put((worker.call("double", [np.ones(1)]).value.tolist(), os.getpid()))


def test_a_forked_grading_process_starts_a_server_of_its_own(student):
    """``make audit`` and ``make grade-all`` fork grading processes: a fork's workers are its own."""
    with Worker(student, "student") as worker:
        assert worker.call("double", [np.ones(1)]).status is OutcomeStatus.RETURNED
        context = multiprocessing.get_context("fork")
        results = context.Queue()
        child = context.Process(target=_grade_in_child, args=(student, results))
        child.start()
        value, pid = results.get(timeout=60)
        child.join(60)
        assert value == [2.0] and child.exitcode == 0 and pid != os.getpid()
        assert worker.call("double", [np.ones(1)]).value.tolist() == [2.0]  # ours still serves us


def test_a_kernel_without_pidfds_gets_workers_started_as_scripts(student, monkeypatch):
    """Python has ``os.pidfd_open`` on every Linux, but a kernel before 5.3 refuses it."""
    def refused(pid, flags=0):
        raise OSError(38, "Function not implemented")
    monkeypatch.setattr(os, "pidfd_open", refused)
    forkserver.usable.cache_clear()
    try:
        assert not forkserver.usable()
        with Worker(student, "student") as worker:
            assert worker.call("double", [np.ones(1)]).value.tolist() == [2.0]
            assert parent_of(worker._process.pid) == os.getpid()
    finally:
        forkserver.usable.cache_clear()


def test_the_sandbox_imports_where_nothing_forks():
    """Windows has no ``os.fork``, ``os.register_at_fork`` or pidfds: the grader's side of the
    sandbox imports there all the same, and every worker starts as a script."""
    code = ("import os, sys\n"
            "for name in ('fork', 'register_at_fork', 'pidfd_open'):\n"
            "    delattr(os, name)\n"
            "sys.platform = 'win32'\n"
            "from autograder.sandbox import forkserver, worker\n"
            "print(forkserver.usable())\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and done.stdout.strip() == "False", done.stderr
