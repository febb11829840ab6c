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
