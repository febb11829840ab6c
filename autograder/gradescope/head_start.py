"""Grading starts before Otter does: the checks run in a process of their own while Otter starts.

Otter needs about three seconds before its kernel runs the first test case: ``run_otter.py`` imports
Otter, then Otter starts an IPython kernel, which imports Otter again. None of that needs the
verdicts, so ``entry.main`` starts the whole grading first (``start``), in a child process that
runs exactly what the kernel would (``session.graded_notes``) and leaves the notes
in a folder only root can read; the test cases in Otter's kernel then wait for those notes
(``session.verdict`` -> ``result``) instead of grading. With two cores the two halves overlap, the
grading on one core and Otter on the others (``share_cores``); with one, nothing is lost but a
process start.

How the kernel knows the child is done, whatever becomes of it: ``start`` takes an exclusive lock
on a file and hands the locked file to the child, keeping no copy; the lock is released when the
child exits (normally, killed, or crashed), and the kernel waits for it (``result``). A child that
left no notes (it crashed) leaves the grading to the kernel, as before; one still running after
``WAIT_SECONDS`` (it cannot be: every call it makes is bounded, see ``sandbox.worker.Limits``)
fails every check with a message for the instructor rather than hang the upload.

Student code still runs only in sandboxed workers, which the child starts as the kernel would; the
child is the grader's own code, run as root like Otter's kernel, from the zip's files.
"""

import atexit
import dataclasses
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.gradescope.notes import Notes
from autograder.sandbox.accounts import folder_for_workers

FOLDER_VARIABLE = "AUTOGRADER_HEAD_START"  # where the notes are: set by ``start``, inherited by Otter's kernel
NOTES = "notes.json"
LOCK = "running.lock"
WAIT_SECONDS = 480  # the longest grading measured is about 200 s; Gradescope stops at 600 s by default
STOP_SECONDS = 10  # a child asked to end closes its workers within this, or is killed
_POLL_SECONDS = 0.02


class HeadStart:
    """The child process grading ahead of Otter (``start``); ``stop`` ends it if it still runs."""

    def __init__(self, process, folder):
        self.process, self.folder = process, folder

    def stop(self):
        """End the child if it still runs (Otter ended without its notes: it gave up waiting, or
        failed), or say why it failed; remove its folder. A child still running is asked to end
        first (SIGTERM: it closes its workers, which removes their folders and ends what they
        started), and killed after ``STOP_SECONDS``."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        elif self.process.returncode != 0:  # for the instructor, in Gradescope's log of the run
            errors = Path(self.folder, "stderr.txt").read_text(errors="replace")[-2000:]
            print(f"grading ahead of Otter failed (exit code {self.process.returncode}); Otter's kernel graded "
                  f"instead:\n{errors}", file=sys.stderr)
        shutil.rmtree(self.folder, ignore_errors=True)


def start(assignment_name, submission, support_folder):
    """Start grading ``submission`` (a path) for ``assignment_name`` in a child process importing our
    packages from ``support_folder`` (the zip's ``files/``); return its ``HeadStart``. The notes'
    folder is named in the environment, for Otter's kernel (a child of this process) to find."""
    folder = tempfile.mkdtemp(prefix="head-start-")  # 0700: root's alone
    lock = os.open(os.path.join(folder, LOCK), os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(lock, fcntl.LOCK_EX)
    code = ("import sys; sys.path.insert(0, sys.argv[1]); "
            "from autograder.gradescope.head_start import main; main(*sys.argv[2:])")
    with open(os.path.join(folder, "stderr.txt"), "w") as errors:  # for the instructor, if it crashed
        process = subprocess.Popen(
            [sys.executable, "-I", "-c", code, str(support_folder), assignment_name, str(submission), folder],
            cwd=support_folder, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors,
            pass_fds=(lock,))
    os.close(lock)  # the child holds the lock now, and only the child
    share_cores(process.pid)
    os.environ[FOLDER_VARIABLE] = folder
    return HeadStart(process, folder)


def share_cores(grading_pid):
    """Given two cores or more, the grading on the core this process runs on, and this process
    (Otter, and its kernel) on the others. The grader and its worker answer each other thousands of
    times a grading, one waiting while the other works: on one core each wakes the other at once,
    while across cores every reply waits for the other core to wake up. Measured on a 2-core
    virtual machine, the reference through ``run_otter.py``: 4.0-4.8 s wall and 5.8-6.6 CPU s,
    against 5.2-7.5 s and 7.7-9.3 CPU s with the cores left to the system."""
    if not hasattr(os, "sched_setaffinity"):  # Linux only; elsewhere the system decides
        return
    cores = os.sched_getaffinity(0)
    if len(cores) > 1:
        here = _current_core(cores)
        os.sched_setaffinity(grading_pid, {here})
        os.sched_setaffinity(0, cores - {here})


def _current_core(cores):
    """The core this process last ran on (``/proc/self/stat``), so that parallel gradings spread
    as the system spread their processes; the lowest allowed one where it cannot be read."""
    try:
        with open("/proc/self/stat") as stat:
            core = int(stat.read().rsplit(")", 1)[1].split()[36])
    except (OSError, ValueError, IndexError):
        return min(cores)
    return core if core in cores else min(cores)


def main(assignment_name, submission, folder):
    """In the child: grade ``submission`` and write its notes, and the checks graded, to ``folder``.
    Asked to end (SIGTERM, by ``HeadStart.stop``), it ends as at any exit: its workers closed."""
    signal.signal(signal.SIGTERM, _end_when_asked)
    _temporary_files_in_a_folder_of_their_own()
    from autograder.gradescope.session import graded_notes

    notes, graded = graded_notes(assignment_name, submission)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # graded: what is left (the notes, the clean-up) is not cut short
    found = {"submission": os.path.realpath(submission), "notes": dataclasses.asdict(notes), "graded": sorted(graded)}
    written = Path(folder) / (NOTES + ".part")
    written.write_text(json.dumps(found), encoding="utf-8")
    written.replace(Path(folder) / NOTES)


def _temporary_files_in_a_folder_of_their_own():
    """What this process and its workers make in the temporary folder goes into one of its own,
    removed when the process ends, after its workers (atexit's handlers run last to first, and
    multiprocessing's, which close them, are registered later): also what a SIGTERM landing
    between making a folder and noting it down would otherwise leave behind."""
    own = str(folder_for_workers("grading-"))
    tempfile.tempdir = own
    atexit.register(shutil.rmtree, own, ignore_errors=True)


def _end_when_asked(*_):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: the clean-up is not cut short
    raise SystemExit(128 + signal.SIGTERM)  # the status a shell gives a process SIGTERM ended


class HeadStartTooSlow(RuntimeError):
    """The head start still ran after ``WAIT_SECONDS``."""


def result(submission):
    """``(Notes, graded check keys)`` the head start left for ``submission``, once it has ended;
    None when there is none (no head start, or it crashed). Raises ``HeadStartTooSlow`` after
    ``WAIT_SECONDS``."""
    folder = os.environ.get(FOLDER_VARIABLE)
    if not folder or not os.path.isdir(folder):
        return None
    notes = Path(folder) / NOTES
    with open(os.path.join(folder, LOCK)) as lock:
        deadline = time.monotonic() + WAIT_SECONDS
        while not notes.exists():  # written at once (renamed into place), before the child exits
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # still running
                if time.monotonic() > deadline:
                    raise HeadStartTooSlow(f"grading did not end within {WAIT_SECONDS} s") from None
                time.sleep(_POLL_SECONDS)
                continue
            if not notes.exists():  # it ended without notes
                return None
    try:
        found = json.loads(notes.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if found.get("submission") != os.path.realpath(submission):
        return None
    return Notes(**found["notes"]), set(found["graded"])
