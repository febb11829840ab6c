"""When Otter itself fails (``autograder.gradescope.entry``): a kernel that died starting is started
once more, and an upload whose grading broke down still ends in a results.json, which gives no
points and tells the student to ask the instructor, never what broke.

Otter's kernel dies before it starts now and then (a port Jupyter chose is taken before the kernel
binds it: seen once in the suite, where gradings run side by side); Otter then writes no results.
These tests stand in for Otter's entry point, the only way to make it fail on demand."""

import json
import zipfile

import pytest
from conftest import SKELETON

from autograder.gradescope import entry
from autograder.gradescope.upload import MANIFEST, Expected


class FakeOtter:
    """Otter's ``run_autograder.main``: raises for the first ``failures`` calls, then writes results."""

    def __init__(self, failures):
        self.failures, self.calls = failures, 0

    def __call__(self, autograder_dir):
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError("Kernel died before replying to kernel_info")
        entry.results_path(autograder_dir).write_text('{"score": 1, "tests": []}')


@pytest.fixture
def stand_in(monkeypatch):
    """``stand_in(failures)`` puts a ``FakeOtter`` in place of Otter's entry point and returns it."""
    import otter.run.run_autograder as otter_run  # here, not at collection: a second of every test process

    def put(failures):
        otter = FakeOtter(failures)
        monkeypatch.setattr(otter_run, "main", otter)
        return otter
    return put


@pytest.fixture
def autograder_folder(tmp_path, built_zips):
    """/autograder as Gradescope lays it out, the skeleton uploaded."""
    root = tmp_path / "autograder"
    for folder in ("source", "submission", "results"):
        (root / folder).mkdir(parents=True)
    with zipfile.ZipFile(built_zips[0]) as archive:
        archive.extractall(root / "source")
    (root / "submission" / SKELETON.name).write_text(SKELETON.read_text())
    return root


def test_a_kernel_that_died_starting_is_started_once_more(tmp_path, stand_in):
    otter = stand_in(failures=1)
    (tmp_path / "results").mkdir()
    assert entry.run_otter(tmp_path) is None
    assert otter.calls == 2


def test_a_late_failure_is_not_retried(tmp_path, stand_in, monkeypatch, capfd):
    otter = stand_in(failures=1)
    monkeypatch.setattr(entry, "RETRY_WITHIN_SECONDS", -1)  # every failure counts as late
    (tmp_path / "results").mkdir()
    assert entry.run_otter(tmp_path) == "RuntimeError: Kernel died before replying to kernel_info"
    assert otter.calls == 1
    assert "Kernel died" in capfd.readouterr().err  # for the instructor, in Gradescope's log


@pytest.mark.slow(3)
def test_a_grading_that_broke_down_still_ends_in_results_that_give_nothing(autograder_folder, stand_in, capfd):
    otter = stand_in(failures=entry.OTTER_ATTEMPTS)
    assert entry.main(autograder_folder) == 0
    assert otter.calls == entry.OTTER_ATTEMPTS
    results = json.loads((autograder_folder / "results" / "results.json").read_text())
    expected = Expected.from_json((autograder_folder / "source" / MANIFEST).read_text())
    assert results["score"] == 0 and [t["max_score"] for t in results["tests"]] == [expected.points]
    said = results["output"] + results["tests"][0]["output"]
    assert "broke down" in said and "instructor" in said
    assert "Kernel died" not in said  # what broke is for the instructor's log only
    assert "Kernel died" in capfd.readouterr().err

