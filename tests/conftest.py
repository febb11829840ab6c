"""Shared fixtures: the repository root, the CNN assignment, and submissions built from patches."""

import fcntl
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.core import assignment as assignments  # noqa: E402
from autograder.instructor.patching import apply_patch  # noqa: E402

REFERENCE = ROOT / "solutions" / "cnn" / "cnn.py"
SKELETON = ROOT / "assignments" / "cnn" / "cnn.py"
CORPUS = ROOT / "tests" / "corpus" / "cnn"


def load_module(path, name):
    """Import a file by path as module ``name`` (the tests load the reference this way)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    """(autograder.zip, student.zip) of the CNN assignment, built once per test run.

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

# Files whose tests are independent and long (each grades a whole submission): their tests are
# shared out one by one. Every other file goes to one worker whole, so that its module fixtures are
# built once.
SHARED_OUT_ONE_BY_ONE = ("tests/test_attacks.py", "tests/test_audit.py")


def pytest_collection_modifyitems(items):
    """The long independent tests first (a stable sort: the same order in every worker), so that
    no worker is left alone with them at the end."""
    items.sort(key=lambda item: not item.nodeid.split("::", 1)[0].endswith(SHARED_OUT_ONE_BY_ONE))


def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class OneByOneOrByFile(LoadScopeScheduling):
        """Files are units of work, except the long independent tests above: each a unit of its own."""

        def _split_scope(self, nodeid):
            path = nodeid.split("::", 1)[0]
            return nodeid if path.endswith(SHARED_OUT_ONE_BY_ONE) else path

    config.option.loadscopereorder = False  # keep the collection's order: long tests first
    return OneByOneOrByFile(config, log)
