"""The zips: built by Otter, the handout leaks nothing, and `otter run` grades as Gradescope does."""

import json
import os
import re
import stat
import subprocess
import sys
import zipfile

import pytest
from conftest import REFERENCE, ROOT, SKELETON

from autograder.core import assignment as assignments
from autograder.gradescope.grade import grade_like_gradescope, render_results
from autograder.gradescope.packaging import (
    grading_requirements,
    otter_requirement,
    runtime_requirements,
    zips_are_current,
)
from autograder.instructor.audit import integration_share
from autograder.instructor.patching import leave_unfinished

GRADED = assignments.load("cnn").functions


@pytest.fixture(scope="module")
def zips(built_zips):
    return built_zips


def test_student_zip_has_no_solution_and_no_hidden_tests(zips):
    solution_blocks = [block.split("# END SOLUTION")[0].strip()
                       for block in REFERENCE.read_text().split("# BEGIN SOLUTION")[1:]]
    with zipfile.ZipFile(zips[1]) as archive:
        names = archive.namelist()
        text = "\n".join(archive.read(n).decode(errors="replace") for n in names)
    assert "cnn/cnn.py" in names and "cnn/Makefile" in names and "cnn/assignments/cnn/checks.py" in names
    assert "cnn/cnn.ipynb" in names and "cnn/check.py" in names and "cnn/autograder/core/notebook.py" in names
    assert "cnn/autograder/check.py" in names and "cnn/autograder/cli.py" not in names  # students' commands only
    assert {"cnn/digits.py", "cnn/digits.npz"} <= set(names)  # the data and its loader, beside cnn.py
    with zipfile.ZipFile(zips[1]) as archive:
        requirements = archive.read("cnn/requirements.txt").decode().split()
    assert sorted(r.split(">=")[0] for r in requirements) == ["hypothesis", "numpy"]  # ranges, no pytest
    assert not any("solutions" in n or "grading.py" in n.split("/")[-1] and "autograder" not in n
                   for n in names)
    assert not any("heldout" in n for n in names)  # the digits train's integration check measures on
    assert "HIDDEN_CHECKS = " not in text and "from solutions." not in text and "BEGIN SOLUTION" not in text
    assert len(solution_blocks) >= 5 and not [block for block in solution_blocks if block in text]


def test_every_entry_of_the_handout_has_its_file_type_and_is_readable_by_all(zips):
    """Regular files 0644 (or 0755), folders 0755: no entry without a file type, none unreadable (0600)."""
    with zipfile.ZipFile(zips[1]) as archive:
        modes = {entry.filename: entry.external_attr >> 16 for entry in archive.infolist()}
    wrong = {name: oct(mode) for name, mode in modes.items()
             if not (stat.S_ISREG(mode) and stat.S_IMODE(mode) in (0o644, 0o755))
             and not (stat.S_ISDIR(mode) and stat.S_IMODE(mode) == 0o755)}
    assert modes and wrong == {}


def test_autograder_zip_is_otters_layout_with_pinned_python(zips):
    with zipfile.ZipFile(zips[0]) as archive:
        names = set(archive.namelist())
        environment = archive.read("environment.yml").decode()
        config = json.loads(archive.read("otter_config.json"))
    assert {"run_autograder", "setup.sh", "run_otter.py", "autograder/gradescope/plugin.py",
            "files/solutions/cnn/cnn.py", "files/solutions/cnn/heldout_digits.npz"} <= names
    assert {f"tests/{f}.py" for f in GRADED} <= names
    assert "python=3.11" in environment and "numpy==" in environment
    assert config["plugins"] == ["autograder.gradescope.plugin.SandboxPlugin"]


def test_grading_image_is_pinned_whole_and_agrees_with_pyproject(zips):
    """The zip asks for every package of the grading image at an exact version, pyproject's pins among
    them, so a zip rebuilt later installs the same image (a stale lock fails here: run `make lock`)."""
    lock = grading_requirements()
    assert len(lock) > 50 and all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[^=\s]+", line) for line in lock)
    assert set(runtime_requirements()) <= set(lock)
    assert otter_requirement().replace("[grading,plugins]", "") in lock
    with zipfile.ZipFile(zips[0]) as archive:
        environment = archive.read("environment.yml").decode()
    assert all(f"- {line}\n" in environment for line in lock)


def validate_gradescope_results(results):
    """Gradescope's results.json specification: the fields, their types and allowed values."""
    visibilities = {"hidden", "after_due_date", "after_published", "visible"}
    assert set(results) <= {"score", "execution_time", "output", "output_format", "test_output_format",
                            "test_name_format", "visibility", "stdout_visibility", "extra_data",
                            "tests", "leaderboard"}
    assert isinstance(results["tests"], list) and results["tests"]
    for test in results["tests"]:
        assert set(test) <= {"score", "max_score", "status", "name", "name_format", "number", "output",
                             "output_format", "tags", "visibility", "extra_data"}
        assert isinstance(test["name"], str) and isinstance(test.get("output", ""), str)
        assert test.get("visibility", "visible") in visibilities
        if "score" in test and test["score"] is not None:
            assert 0 <= test["score"] <= test["max_score"]
    assert results.get("stdout_visibility", "hidden") in visibilities
    assert len(json.dumps(results)) < 1_000_000


def test_zips_are_rebuilt_only_when_a_file_they_are_made_from_changed(tmp_path):
    root, folder = tmp_path / "repo", tmp_path / "dist"
    sources = [root / "autograder" / "core.py", root / "assignments" / "x" / "checks.py",
               root / "solutions" / "x" / "x.py", root / "pyproject.toml"]
    for path in sources + [root / "solutions" / "other" / "other.py"]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
        os.utime(path, (1000, 1000))
    folder.mkdir()
    (folder / "autograder.zip").write_text("")
    assert not zips_are_current("x", folder, root)  # no student.zip
    (folder / "student.zip").write_text("")
    assert zips_are_current("x", folder, root)
    (root / "autograder" / "__pycache__").mkdir()
    (root / "autograder" / "__pycache__" / "core.pyc").write_text("")  # made by running, not a source
    (root / "solutions" / "other" / "other.py").write_text("")  # another assignment's
    assert zips_are_current("x", folder, root)
    for path in sources:
        path.write_text("changed")
        assert not zips_are_current("x", folder, root), path
        os.utime(path, (1000, 1000))


@pytest.fixture(scope="module")
def graded(zips, tmp_path_factory):
    def grade(submission):
        return grade_like_gradescope(zips[0], submission, tmp_path_factory.mktemp("results"))
    return grade


def scores(results):
    return {t["name"]: (t["score"], t["max_score"]) for t in results["tests"] if t["name"] in GRADED}


def statuses(results):
    """Each function's status, as the autograder stored it in its test's extra_data."""
    return {t["name"]: t["extra_data"]["status"] for t in results["tests"] if t["name"] in GRADED}


@pytest.fixture(scope="module")
def reference_graded(graded, tmp_path_factory):
    """The reference with a ``__main__`` block, as students leave them, graded once: (results, the
    marker file that block would write if it ran)."""
    folder = tmp_path_factory.mktemp("reference")
    marker, submission = folder / "ran_as_main", folder / "cnn.py"
    submission.write_text(REFERENCE.read_text() + f"\nif __name__ == '__main__':\n    open({str(marker)!r}, 'w')\n")
    return graded(submission), marker


@pytest.mark.slow(10)
def test_reference_gets_full_marks_through_otter(reference_graded):
    results, _ = reference_graded
    validate_gradescope_results(results)
    assert set(scores(results)) == set(GRADED)
    assert all(score == possible > 0 for score, possible in scores(results).values())
    assert set(statuses(results).values()) == {"passed"}
    train = next(t for t in results["tests"] if t["name"] == "train")["output"]
    assert "accuracy on 500 held-back digits after train(x_train, y_train, epochs=1" in train
    assert "s of CPU time" in train
    public = next(t for t in results["tests"] if t["name"] == "Public Tests")
    assert public["visibility"] == "visible" and "All test cases passed!" in public["output"]


@pytest.mark.slow(3)
def test_skeleton_scores_zero_with_not_implemented(graded):
    results = graded(SKELETON)
    validate_gradescope_results(results)
    assert set(scores(results)) == set(GRADED)
    assert all(score == 0 for score, _ in scores(results).values())
    assert set(statuses(results).values()) == {"not implemented"}
    for test in results["tests"]:
        assert "is not implemented yet" in test["output"]
        assert "Error at line" not in test["output"]
    table = render_results(results, GRADED)
    assert all("· not implemented yet" in line for line in table.splitlines()[2:2 + len(GRADED)])
    assert not any(line.startswith("--- ") for line in table.splitlines())  # nothing to explain


@pytest.mark.slow(13)
def test_partial_credit_feedback_and_public_verdicts_match_make_check(graded, patched):
    results = graded(patched("bugs/conv1d_stride_ignored.py"))
    validate_gradescope_results(results)
    marks = scores(results)
    assert 0 < marks["conv1d"][0] < marks["conv1d"][1]
    assert all(score == possible for name, (score, possible) in marks.items() if name != "conv1d")
    assert statuses(results)["conv1d"] == "failed"
    conv1d = next(t for t in results["tests"] if t["name"] == "conv1d")
    assert "Smallest input on which it goes wrong:" in conv1d["output"] and "stride = 2" in conv1d["output"]
    public = next(t for t in results["tests"] if t["name"] == "Public Tests")["output"]
    check = subprocess.run([sys.executable, "-m", "autograder", "check", str(patched("bugs/conv1d_stride_ignored.py"))],
                           cwd=ROOT, capture_output=True, text=True).stdout
    for line in check.splitlines():
        if line.startswith("✗ conv1d: "):
            assert line[2:] in public


@pytest.mark.slow(10)
@pytest.mark.parametrize("function, how", [("conv_backward", "skeleton"), ("conv_forward", "loop")])
def test_work_in_progress_costs_its_own_points_and_the_integration_share(cnn, graded, tmp_path, function, how):
    """On Gradescope's path, the reference with one function another calls left unfinished: that
    function loses its points, train's integration check (your functions together) its share, and
    nothing else; the functions that call it say which one they wait on."""
    submission = tmp_path / "cnn.py"
    submission.write_text(leave_unfinished(REFERENCE.read_text(), function, how))
    results = graded(submission)
    validate_gradescope_results(results)
    share = integration_share(cnn)
    lost = {name: possible - score for name, (score, possible) in scores(results).items() if score < possible}
    assert lost == {function: cnn.points[function], "train": share}
    assert statuses(results)[function] == ("not implemented" if how == "skeleton" else "failed")
    waiting = {t["name"]: t["extra_data"]["waiting_on"] for t in results["tests"]
               if t["name"] in GRADED and t["extra_data"]["status"] == "waiting"}
    assert waiting and all(names == [function] for names in waiting.values()) and "train" in waiting
    assert f"waiting on {function}" in render_results(results, GRADED)


@pytest.mark.slow(3)
def test_an_unloadable_file_is_not_graded_and_explained_once(graded, tmp_path):
    submission = tmp_path / "cnn.py"
    submission.write_text("def conv1d(x, w:\n    pass\n")
    results = graded(submission)
    validate_gradescope_results(results)
    assert all(score == 0 for score, _ in scores(results).values())
    assert set(statuses(results).values()) == {"not graded"}
    explained = [t["name"] for t in results["tests"] if "could not be loaded, so none of" in t.get("output", "")]
    assert explained == ["Public Tests", GRADED[0]]  # under the first check (a public one), and nowhere else
    assert "✗ not graded: the file could not be loaded" in render_results(results, GRADED)


def test_the_results_table_takes_each_function_s_status_from_the_data():
    """``make grade``'s table: the stored status decides the word, whatever the output says; a test
    without one (an older zip's results) is passed with full points, else failed."""
    results = {"tests": [
        {"name": "conv1d", "score": 0, "max_score": 10, "output": "is not implemented yet",
         "extra_data": {"status": "failed"}},
        {"name": "relu", "score": 0, "max_score": 5, "output": "", "extra_data": {"status": "not implemented"}},
        {"name": "pool", "score": 0, "max_score": 5, "output": "", "extra_data": {"status": "not graded"}},
        {"name": "train", "score": 2, "max_score": 4, "output": "lost two points"},
        {"name": "Public Tests", "output": "not counted"},
    ]}
    rows = {line.split()[0]: line for line in render_results(results).split("\n\n")[0].splitlines()[2:]}
    assert "✗ failed" in rows["conv1d"] and "· not implemented yet" in rows["relu"]
    assert "✗ not graded: the file could not be loaded" in rows["pool"] and "✗ failed" in rows["train"]
    assert "2/24" in rows["total"]
    headings = [line for line in render_results(results).splitlines() if line.startswith("--- ")]
    assert headings == ["--- conv1d ---", "--- pool ---", "--- train ---"]


def test_student_code_never_runs_in_otters_kernel(reference_graded):
    results, marker = reference_graded
    assert not marker.exists()
    assert all(score == possible for score, possible in scores(results).values())


@pytest.mark.slow(6)
def test_student_zip_checks_on_its_own(zips, tmp_path):
    """Unpacked anywhere, the handout's `make check` command works without this repository."""
    with zipfile.ZipFile(zips[1]) as archive:
        archive.extractall(tmp_path)
    handout = tmp_path / "cnn"
    (handout / "reference.py").write_text(REFERENCE.read_text())
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}  # no PYTHONPATH to the repository

    def check(submission):
        return subprocess.run([sys.executable, "-m", "autograder", "check", "--assignment", "cnn", submission],
                              cwd=handout, capture_output=True, text=True, env=environment)

    skeleton = check("cnn.py")
    assert skeleton.returncode == 1 and skeleton.stdout.count("not implemented yet") >= len(GRADED)
    reference = check("reference.py")
    assert reference.returncode == 0, reference.stdout + reference.stderr
