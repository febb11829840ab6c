"""Grading ahead of Otter (``autograder.gradescope.head_start``): the notes Otter's kernel reads are
those it would have made itself; a head start that crashed leaves the grading to the kernel, one
still running at the deadline fails every check (never a free pass), and notes of another file
are never taken. The whole path (``run_otter.py`` starting it, Otter's kernel reading it) is what
every upload through ``grade_like_gradescope`` takes: tests/test_packaging.py, test_upload.py,
test_attacks.py."""

import dataclasses
import os
import signal
import time

import pytest
from conftest import ROOT, SKELETON, scratch_folder

from autograder.gradescope import head_start, session

WRONG_RELU = "\n\ndef relu_forward(x):\n    return x\n"  # wrong for every negative entry


@pytest.fixture
def own_environment(monkeypatch):
    """``start`` names its folder in ``os.environ`` (for Otter's kernel): put it back afterwards."""
    monkeypatch.setenv(head_start.FOLDER_VARIABLE, "")
    session._graded.cache_clear()
    yield
    session._graded.cache_clear()


@pytest.fixture
def submission(tmp_path):
    """The skeleton with a wrong relu_forward: failures with shrunk examples, quickly graded."""
    path = tmp_path / "cnn.py"
    path.write_text(SKELETON.read_text() + WRONG_RELU)
    return path


@pytest.mark.slow(4)
def test_the_kernel_reads_the_notes_it_would_have_made(own_environment, submission, monkeypatch):
    """... and stopping the head start once they are read (as ``entry`` does) leaves nothing of it:
    it is never cut short as it ends (closing the reference's worker and its fork server)."""
    with scratch_folder() as scratch:
        monkeypatch.setenv("TMPDIR", str(scratch))  # the child's temporary files go there
        ahead = head_start.start("cnn", submission, ROOT)
        try:
            notes, graded = head_start.result(submission)
        finally:
            ahead.stop()
        assert list(scratch.iterdir()) == [] and not os.path.exists(ahead.folder)
    here_notes, here_graded = session.graded_notes("cnn", submission)
    assert graded == here_graded and len(graded) > 100
    assert dataclasses.asdict(notes) == dataclasses.asdict(here_notes)
    assert "relu_forward" in notes.failed[next(key for key in graded if key.startswith("relu_forward"))]


@pytest.mark.slow(2)
def test_a_head_start_that_crashed_leaves_the_grading_to_the_kernel(own_environment, submission, capfd):
    ahead = head_start.start("no-such-assignment", submission, ROOT)
    assert head_start.result(submission) is None  # so session grades it itself
    ahead.stop()
    assert "grading ahead of Otter failed" in capfd.readouterr().err


@pytest.mark.slow(2)
def test_a_head_start_past_the_deadline_fails_every_check_and_is_stopped_cleanly(own_environment, submission,
                                                                                   monkeypatch):
    """Stopped while it grades, the head start closes its workers first: their folders (and the
    processes they started) do not outlive it."""
    monkeypatch.setattr(head_start, "WAIT_SECONDS", 0.05)
    with scratch_folder() as scratch:
        monkeypatch.setenv("TMPDIR", str(scratch))  # the child's temporary files go there
        ahead = head_start.start("cnn", submission, ROOT)
        try:
            with pytest.raises(AssertionError, match="could not check this: grading did not end within .*instructor"):
                session.verdict("cnn", str(submission), "relu_forward: any key")
            deadline = time.monotonic() + 30
            while not any(scratch.rglob("worker-*")):  # it grades now
                assert time.monotonic() < deadline and ahead.process.poll() is None, "it never started a worker"
                time.sleep(0.01)
        finally:
            ahead.stop()
        assert ahead.process.returncode == 128 + signal.SIGTERM  # it ended when asked, not killed
        assert list(scratch.iterdir()) == []


@pytest.mark.slow(2)
def test_notes_of_another_file_are_not_taken(own_environment, submission, tmp_path):
    ahead = head_start.start("cnn", submission, ROOT)
    other = tmp_path / "other" / "cnn.py"
    other.parent.mkdir()
    other.write_text(submission.read_text())
    try:
        assert head_start.result(other) is None
        assert head_start.result(submission) is not None
    finally:
        ahead.stop()


def test_without_a_head_start_there_is_nothing_to_read(own_environment, submission):
    assert head_start.result(submission) is None


def test_the_grading_gets_one_core_and_otter_the_others(own_environment, submission):
    """Grader and worker answer each other on one core; Otter (this process here) starts on the
    others. The test processes are pinned to one core each (conftest): this one takes every core
    of the machine for the while."""
    mine, machine = os.sched_getaffinity(0), os.sched_getaffinity(os.getppid())
    os.sched_setaffinity(0, machine)
    try:
        ahead = head_start.start("cnn", submission, ROOT)
        try:
            grading, otter = os.sched_getaffinity(ahead.process.pid), os.sched_getaffinity(0)
        finally:
            ahead.stop()
    finally:
        os.sched_setaffinity(0, mine)
    if len(machine) > 1:
        assert len(grading) == 1 and otter == machine - grading
    else:  # one core: nothing to share out
        assert grading == otter == machine
