"""Shared fixtures: the repository root, the CNN assignment, and submissions built from patches."""

import contextlib
import fcntl
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.core import assignment as assignments  # noqa: E402
from autograder.core import examples  # noqa: E402
from autograder.instructor.patching import apply_patch  # noqa: E402
from autograder.sandbox.accounts import folder_for_workers  # noqa: E402

REFERENCE = ROOT / "solutions" / "cnn" / "cnn.py"
SKELETON = ROOT / "assignments" / "cnn" / "cnn.py"
CORPUS = ROOT / "tests" / "corpus" / "cnn"


def load_module(path, name):
    """Import a file by path as module ``name`` (the tests load the reference this way)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def student_module(folder, source):
    """``source`` written as ``student.py`` in ``folder``: what the worker tests import as ``student``."""
    path = folder / "student.py"
    path.write_text(source)
    return path


def notebook_json(*cells):
    """A saved notebook's JSON text whose code cells, never run, have these sources."""
    code = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}
            for source in cells]
    return json.dumps({"cells": code, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


# For student code in tests that talks to the grader itself: the worker's private request (read) and
# reply (write) pipe ends, the first of each above stdin, stdout and stderr (copies of its stdio).
WORKER_PIPES = """
def worker_pipes():
    import fcntl, os, stat
    ends = {}
    for fd in range(3, 256):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                ends.setdefault(fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE, fd)
        except OSError:
            continue
    return ends.get(os.O_RDONLY), ends.get(os.O_WRONLY)
"""


@contextlib.contextmanager
def scratch_folder():
    """A fresh folder for a grading's temporary files, to see what it leaves there: in the system's
    temporary folder (the sandbox user cannot pass through pytest's), removed afterwards."""
    folder = folder_for_workers("scratch-")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def cnn():
    return assignments.load("cnn")


@pytest.fixture
def patched(tmp_path):
    """``patched("bugs/conv1d_flipped_kernel.py")`` -> path of the reference with that patch applied."""
    def build(relative):
        submission = tmp_path / "cnn.py"
        submission.write_text(apply_patch(REFERENCE.read_text(), (CORPUS / relative).read_text()))
        return submission
    return build


@pytest.fixture(scope="session")
def built_zips():
    """(autograder.zip, student.zip) of the CNN assignment, as ``make zips`` leaves them: built once
    per test run unless they are current (``make demo`` built them from these very files).

    Parallel test processes (pytest-xdist) share one build: the first to take the lock builds,
    the others find the stamp of this run and reuse it.
    """
    folder = ROOT / "dist" / "cnn"
    folder.mkdir(parents=True, exist_ok=True)
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"pid {os.getpid()}"
    stamp = folder / ".built-by-test-run"
    with open(folder / ".build-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not stamp.is_file() or stamp.read_text() != run:
            subprocess.run([sys.executable, "-m", "autograder", "zips"], cwd=ROOT, check=True, capture_output=True)
            stamp.write_text(run)
    return folder / "autograder.zip", folder / "student.zip"


# -- sharing the suite out among parallel workers (pytest-xdist, `make test`) ---------------------

# Files whose tests share costly module fixtures (a graded class, a built assignment, a graded
# upload): each goes to one worker whole, so that its fixtures are built once. Every other test is
# a unit of work of its own.
KEPT_TOGETHER = ("tests/test_bulk.py", "tests/test_class_results.py", "tests/test_new_assignment.py",
                 "tests/test_notebook.py", "tests/test_packaging.py")


def unit_of_work(nodeid):
    path = nodeid.split("::", 1)[0]
    return path if path.endswith(KEPT_TOGETHER) else nodeid


def pytest_collection_modifyitems(items):
    """The longest units of work first, by the ``slow(seconds)`` marks of their tests (a stable sort:
    the same order in every worker), so that the workers finish together instead of one of them
    ending alone with a long test. Unmarked tests take a second or less; they come last, in file
    order, and fill the gaps."""
    seconds = {}
    for item in items:
        mark = item.get_closest_marker("slow")
        unit = unit_of_work(item.nodeid)
        seconds[unit] = seconds.get(unit, 0) + (mark.args[0] if mark else 0)
    items.sort(key=lambda item: -seconds[unit_of_work(item.nodeid)])


def pytest_xdist_auto_num_workers(config):
    """``-n auto``: two workers per core. A sixth of the suite's time is waiting (for wall-clock
    limits, for processes to start), and the second worker of a core fills it."""
    return 2 * len(_cores())


def _cores():
    return sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else list(range(os.cpu_count() or 1))


def pytest_configure(config):
    """Each test process (and all it starts) on one core of its own share, as ``head_start`` puts a
    grading: a grader and its worker answer each other thousands of times a grading, and across
    cores every answer waits for the other core to wake up (a third of a grading's time here)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw") and worker[2:].isdigit() and hasattr(os, "sched_setaffinity"):
        cores = _cores()
        os.sched_setaffinity(0, {cores[int(worker[2:]) % len(cores)]})
    if not worker:  # the controller, before any test process starts (or a run without xdist)
        draw_missing_examples()


def draw_missing_examples():
    """The examples every check of the CNN assignment is fed first, drawn once for the whole run
    where this checkout lacks them (a fresh clone, as CI's), rather than by each test process and
    each `check` the tests start, every one on its own until one of them has kept them."""
    from hypothesis.errors import HypothesisSideeffectWarning

    cnn = assignments.load("cnn")
    with warnings.catch_warnings():  # drawing while pytest configures is the point here, not a slip
        warnings.simplefilter("ignore", HypothesisSideeffectWarning)
        examples.draw_missing(cnn, cnn.public_checks + cnn.hidden_checks)


def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class ByUnitOfWork(LoadScopeScheduling):
        """Units of work (``unit_of_work``) in the collection's order: the longest first."""

        def _split_scope(self, nodeid):
            return unit_of_work(nodeid)

    config.option.loadscopereorder = False  # keep the collection's order
    return ByUnitOfWork(config, log)
