"""Bulk grading of a class (folder and Gradescope export), resume, summary, histogram and replay;
what a run draws before it starts, and the time left it announces; bad exports."""

import csv
import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import weakref
import zipfile
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from conftest import ROOT, scratch_folder
from synthetic_class import CLASS_OF_30, source, write_export

from autograder.core import examples
from autograder.core.feedback import describe_example
from autograder.core.grading import plan
from autograder.core.outcomes import Status
from autograder.instructor import bulk, class_submissions, class_summary
from autograder.instructor.progress import Pace
from autograder.instructor.replay import render_replay, replay, snippet

FUNCTIONS = ["conv1d", "conv2d"]  # part of the assignment, to keep the test short
BUGS = {"conv1d": "conv1d_stride_ignored", "conv2d": "conv2d_flipped_kernel"}

METADATA = """---
submission_1001:
  :submitters:
  - :name: Ada Lovelace
    :sid: '1001'
    :email: ada@example.edu
  :created_at: 2026-11-20 17:01:02.123456000 -08:00
  :score: 0.0
  :history: []
submission_1002:
  :submitters:
  - :name: Grace Hopper
    :sid: '1002'
    :email: grace@example.edu
  - :name: "Alan O'Turing"
    :sid: '1003'
    :email: alan@example.edu
  :created_at: 2026-11-21 09:00:00.000000000 -08:00
  :score: 12.5
  :history:
  - :name: an older upload
    :created_at: 2026-11-20 09:00:00.000000000 -08:00
    :score: 3.0
  :results:
    score: 12.5
    tests:
    - name: conv1d
      score: 12.5
      max_score: 20.0
      output: |-
        - :name: not a submitter
submission_1004:
  :submitters:
  - :name: Lost Folder
    :sid: '1004'
    :email: lost@example.edu
  :created_at: 2026-11-21 10:00:00.000000000 -08:00
  :score: 0.0
"""


CLASS = {  # folder -> what its cnn.py is
    "ada": "reference",
    "bob": "skeleton",
    "cy": "syntax error",
    "dee": "hangs at import",
    "eve": BUGS["conv1d"],
    "fay": BUGS["conv2d"],
}
LOOSE = {"fay"}  # handed in as fay.py at the top of the class folder, not in a folder of its own


@pytest.fixture(scope="module")
def points(cnn):
    assert set(FUNCTIONS) <= set(cnn.functions)
    return {f: float(cnn.points[f]) for f in FUNCTIONS}


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    for student, kind in CLASS.items():
        if student in LOOSE:
            (folder / f"{student}.py").write_text(source(kind))
            continue
        (folder / student).mkdir()
        (folder / student / "cnn.py").write_text(source(kind))
    (folder / "gil").mkdir()  # handed in the wrong file name
    (folder / "gil" / "CNN.py").write_text(source("reference"))
    return folder


@pytest.fixture(scope="module")
def graded(cnn, klass, tmp_path_factory):
    """The class graded, two at a time; and what the grading left in its temporary folder."""
    out = tmp_path_factory.mktemp("out") / "grades.csv"
    progress = io.StringIO()
    with scratch_folder() as scratch:
        before, tempfile.tempdir = tempfile.tempdir, str(scratch)  # for this process and those it forks
        try:
            result = bulk.grade_all(cnn, klass, out, FUNCTIONS, jobs=2, timeout=300, progress=progress)
        finally:
            tempfile.tempdir = before
        left = sorted(path.name for path in scratch.iterdir())
    return out, result, progress.getvalue(), left


def rows_by_id(out):
    return {row["submission"]: row for row in bulk.read_rows(out)}


@pytest.mark.slow(12)  # grades the class (the ``graded`` fixture)
def test_folder_rows_points_and_errors(graded, points):
    out, result, progress, left_in_tmp = graded
    assert not result.interrupted and result.skipped == []
    assert sorted(result.graded) == sorted([*CLASS, "gil"])
    with open(out, newline="") as file:
        assert next(csv.reader(file)) == ["name", "sid", "email", "total", *FUNCTIONS, "submitted_at", "extension",
                                          "hours_late", "late_penalty", "total_after_penalty", "submission", "group",
                                          "error", "autograder"]
    rows = rows_by_id(out)
    assert len(rows) == len(CLASS) + 1
    full = sum(points.values())
    assert all(float(rows["ada"][f]) == points[f] for f in FUNCTIONS) and float(rows["ada"]["total"]) == full
    for student in ("bob", "cy", "dee"):
        assert float(rows[student]["total"]) == 0
    assert rows["bob"]["error"] == ""  # the skeleton loads: nothing is implemented, nothing went wrong
    assert re.fullmatch(r"could not be loaded: SyntaxError: invalid syntax \(cnn.py, line \d+\)", rows["cy"]["error"])
    assert rows["dee"]["error"].startswith("could not be loaded: importing it failed: did not finish within 10 s")
    for function, bug in BUGS.items():
        row = rows[next(s for s, kind in CLASS.items() if kind == bug)]
        assert float(row[function]) < points[function]
        assert all(float(row[f]) == points[f] for f in FUNCTIONS if f != function)
    assert "has no file named cnn.py" in rows["gil"]["error"] and rows["gil"]["total"] == ""
    lines = [line for line in progress.splitlines() if line.startswith("[")]
    assert len(lines) == len(rows) and lines[-1].startswith("[7/7] 100% ")
    assert left_in_tmp == []  # each grading process closed its workers, the reference's among them


def test_summary_pass_rates_and_common_failures(cnn, graded):
    out, *_ = graded
    summary = class_summary.summarize(cnn, out)
    assert len(summary.rows) == len(CLASS) and summary.errors[0][0] == "gil"
    # full marks: the reference, and the bug of the other function
    assert {f: summary.full_marks[f] for f in FUNCTIONS} == {f: 2 for f in FUNCTIONS}
    assert summary.pass_rate("conv1d") == pytest.approx(2 / len(CLASS))
    assert summary.not_implemented == {f: 1 for f in FUNCTIONS}
    assert [identifier for identifier, _ in summary.unloadable] == ["cy", "dee"]
    conv1d = summary.common_failures["conv1d"]
    assert conv1d and all(n == 1 for n, *_ in conv1d)  # only the stride bug fails conv1d's checks
    assert any("stride = 2" in example for _, _, example, _ in conv1d)
    worked = [example for _, check, example, _ in conv1d if "worked example" in check]
    assert worked and all(example.startswith("(no example: on the handout's worked example conv1d(")
                          and "\nconv1d returned" in example for example in worked)  # the call, then what went wrong
    text = class_summary.render_summary(summary)
    assert "conv1d    2/6 (33%)" in text and "Most common failures of conv2d" in text
    assert "could not be loaded: dee" in text and "not graded: gil" in text
    assert "Summary of 6 graded submissions (6 students) (1 could not be graded)" in text
    assert "dated by their file's modification time (no Gradescope metadata): 6 submissions" in text


def test_histogram_is_a_valid_png(cnn, graded):
    out, *_ = graded
    summary = class_summary.summarize(cnn, out)
    path = class_summary.write_histogram(summary, bulk.histogram_path(out))
    assert path.name == "grades.png" and path.parent == out.parent
    from matplotlib import image
    assert image.imread(path).shape[:2] == (400, 640)


@pytest.mark.slow(10)
def test_resume_grades_only_the_missing_rows(cnn, klass, graded, tmp_path):
    out = tmp_path / "grades.csv"
    lines = bulk.results_path(graded[0]).read_text().splitlines(keepends=True)
    bulk.results_path(out).write_text("".join(lines[:-2]) + lines[-2][:10])  # two records lost, one cut
    missing = [json.loads(line)["submission"] for line in lines[-2:]]
    progress = io.StringIO()
    result = bulk.grade_all(cnn, klass, out, FUNCTIONS, jobs=2, timeout=300, progress=progress)
    assert sorted(result.graded) == sorted(missing)
    assert len(result.skipped) == len(CLASS) + 1 - 2
    assert f"{len(result.skipped)} of 7 submissions already graded in" in progress.getvalue()
    assert sum(line.startswith("[") for line in progress.getvalue().splitlines()) == 2
    ids = [row["submission"] for row in bulk.read_rows(out)]
    assert sorted(ids) == sorted([*CLASS, "gil"])
    assert rows_by_id(out) == rows_by_id(graded[0])
    again = bulk.grade_all(cnn, klass, out, FUNCTIONS, progress=io.StringIO())
    assert again.graded == []


@pytest.mark.slow(2)
def test_gradescope_export_zip(cnn, tmp_path, points):
    export = tmp_path / "export.zip"
    top = "assignment_777_export/"
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr(top + "submission_metadata.yml", METADATA)
        archive.writestr(top + "submission_1001/cnn.py", source("reference"))
        archive.writestr(top + "submission_1002/hw/cnn.py", source(BUGS["conv1d"]))
        archive.writestr("__MACOSX/" + top + "._submission_metadata.yml", "")
    out = tmp_path / "export.csv"
    result = bulk.grade_all(cnn, export, out, FUNCTIONS, jobs=2, timeout=300, progress=io.StringIO())
    assert sorted(result.graded) == ["submission_1001", "submission_1002", "submission_1004"]
    rows = {row["sid"]: row for row in bulk.read_rows(out)}
    assert sorted(rows) == ["1001", "1002", "1003", "1004"]  # one row per student
    ada, grace, alan, lost = rows["1001"], rows["1002"], rows["1003"], rows["1004"]
    assert (ada["name"], ada["email"], ada["submission"]) == ("Ada Lovelace", "ada@example.edu", "submission_1001")
    assert float(ada["total"]) == sum(points.values())
    assert (grace["name"], alan["name"]) == ("Grace Hopper", "Alan O'Turing")
    assert grace["group"] == alan["group"] == "Grace Hopper; Alan O'Turing" and ada["group"] == ""
    for member in (grace, alan):
        assert member["submission"] == "submission_1002"
        assert float(member["conv1d"]) < points["conv1d"] and float(member["conv2d"]) == points["conv2d"]
    assert lost["name"] == "Lost Folder" and "missing" in lost["error"]
    assert ada["submitted_at"] == "2026-11-20T17:01:02-08:00" and ada["hours_late"] == ""  # no DUE given


def test_metadata_is_read_with_pyyaml():
    people = class_submissions.read_metadata(METADATA)
    assert list(people) == ["submission_1001", "submission_1002", "submission_1004"]
    submitters, created = people["submission_1002"]
    assert submitters == [{"name": "Grace Hopper", "sid": "1002", "email": "grace@example.edu"},
                          {"name": "Alan O'Turing", "sid": "1003", "email": "alan@example.edu"}]
    assert created == datetime(2026, 11, 21, 9, tzinfo=timezone(timedelta(hours=-8)))
    assert people["submission_1001"][1].microsecond == 123456
    quoted = class_submissions.read_metadata('s:\n  :submitters: []\n  :created_at: "2026-11-20 17:01:02.5 -08:00"\n')
    assert quoted["s"][1] == datetime(2026, 11, 20, 17, 1, 2, 500000, tzinfo=timezone(timedelta(hours=-8)))
    for bad in ("- just a list\n", "s:\n  :submitters:\n  - just a name\n", "s: [unclosed\n",
                "s:\n  :submitters: []\n  :created_at: yesterday\n"):
        with pytest.raises(ValueError):
            class_submissions.read_metadata(bad)


def test_replay_reproduces_the_bulk_example(cnn, klass, graded):
    out, *_ = graded
    details = [json.loads(line) for line in bulk.results_path(out).read_text().splitlines()]
    eve = [f for d in details if d["submission"] == "eve" for f in d["failures"] if f["function"] == "conv1d"]
    submission = klass / "eve" / "cnn.py"
    report = replay(cnn, submission, "conv1d")
    replayed = {v.check.title: v for v in report.result("conv1d").verdicts if v.status is Status.FAILED}
    assert {f["check"] for f in eve} == set(replayed)
    for failure in eve:
        assert describe_example(replayed[failure["check"]].example) == failure["example"]
    hidden = next(v for v in replayed.values() if v.check in cnn.hidden_checks)
    namespace = {}
    exec(snippet(cnn, submission, hidden), namespace)  # the snippet reproduces the wrong result
    returned, expected = namespace["returned"], namespace["expected"]
    assert returned.shape != expected.shape or not np.allclose(returned, expected)
    text = render_replay(cnn, submission, "conv1d", report)
    assert hidden.check.title in text and "np.array(" in text and "To reproduce it" in text


@pytest.mark.slow(3)
def test_one_bad_grading_never_stops_the_others(cnn, monkeypatch, tmp_path):
    """A grader that raises, dies or hangs costs only its own row (graded in forked processes)."""
    def fake_grade_one(assignment, path, functions):
        behaviour = path.parent.name
        if behaviour == "raises":
            raise RuntimeError("the grader broke\nsecond line")
        if behaviour == "dies":
            os.kill(os.getpid(), signal.SIGKILL)
        if behaviour == "hangs":
            time.sleep(60)
        return {"points": {f: 1.0 for f in functions}, "failures": [], "not_implemented": []}

    monkeypatch.setattr(bulk, "grade_one", fake_grade_one)
    for name in ("fine", "raises", "dies", "hangs", "also_fine"):
        (tmp_path / "class" / name).mkdir(parents=True)
        (tmp_path / "class" / name / "cnn.py").write_text("")
    out = tmp_path / "grades.csv"
    start = time.monotonic()
    bulk.grade_all(cnn, tmp_path / "class", out, FUNCTIONS, jobs=2, timeout=3, progress=io.StringIO())
    assert time.monotonic() - start < 30
    rows = rows_by_id(out)
    assert rows["fine"]["total"] == rows["also_fine"]["total"] == "2"
    assert rows["raises"]["error"] == "grading raised RuntimeError: the grader broke"
    assert "killed by SIGKILL" in rows["dies"]["error"]
    assert "longer than 3 s" in rows["hangs"]["error"]


def run_cli(*args, **options):
    return subprocess.Popen([sys.executable, "-m", "autograder", *map(str, args)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **options)


def as_from_a_terminal():
    """Ctrl-C's default in the child: a suite started in the background (bash's ``&``) ignores
    SIGINT, and every process it starts inherits that; an instructor's terminal does not."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow(13)
def test_ctrl_c_keeps_every_finished_row_and_resumes(klass, tmp_path):
    out = tmp_path / "grades.csv"
    command = ["grade-all", klass, "--output", out, "--functions", "conv1d", "--jobs", "1"]
    process = run_cli(*command, preexec_fn=as_from_a_terminal)
    first = process.stderr.readline()  # wait until one submission is graded, then interrupt
    while first and not first.startswith("["):
        first = process.stderr.readline()
    assert first.startswith("[1/7]"), first
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and stderr.strip().splitlines()[-1].startswith("interrupted: ")
    kept = bulk.read_rows(out)
    assert 1 <= len(kept) == 1 + sum(line.startswith("[") for line in stderr.splitlines())
    process = run_cli(*command, "--timeout", "300", "--jobs", "2")  # the rest, two at a time (the last --jobs counts)
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    assert f"{len(kept)} of 7 submissions already graded in" in stderr and "Summary of 6 graded" in stdout
    assert sorted(row["submission"] for row in bulk.read_rows(out)) == sorted([*CLASS, "gil"])


@pytest.mark.parametrize("args, words", [
    (["grade-all"], "give the submissions"),
    (["grade-all", "no/such/folder"], "no such folder or zip file"),
    (["grade-all", "README.md"], "neither a folder nor a zip"),
    (["grade-all", "tests", "--functions", "conv9d"], "no function conv9d"),
    (["replay", "--function", "conv9d", "solutions/cnn/cnn.py"], "give FUNCTION=<one of conv1d"),
    (["replay", "--function", "conv1d", "no/such/cnn.py"], "no such file"),
    (["new", "class"], "cannot be an assignment name"),
])
def test_bad_input_is_one_error_line(args, words):
    process = run_cli(*args)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 2 and stderr.startswith("error: ") and words in stderr, stderr
    assert len(stderr.strip().splitlines()) == 1


def test_a_csv_of_an_earlier_version_is_ours_and_rewritten(tmp_path):
    out = tmp_path / "grades.csv"
    earlier = [c for c in bulk.header(FUNCTIONS) if c not in bulk.ADDED_COLUMNS]
    out.write_text(",".join(earlier) + "\n")
    bulk._check_output(out, FUNCTIONS, {})  # accepted: the records are the truth, the CSV is rewritten from them
    bulk.write_csv(out, {}, FUNCTIONS)
    assert out.read_text().strip().split(",") == bulk.header(FUNCTIONS) != earlier


def test_csv_of_other_columns_is_refused(tmp_path, klass):
    out = tmp_path / "grades.csv"
    out.write_text("submission,name,sid,email,conv1d,total,error\nada,,,,20,20,\n")
    process = run_cli("grade-all", klass, "--output", out, "--functions", "conv1d,conv2d")
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 2 and "has other columns" in stderr and len(stderr.strip().splitlines()) == 1
    assert out.read_text().endswith("ada,,,,20,20,\n")  # untouched


# -- before the first grading process: the examples, drawn once ----------------------------------

@pytest.mark.slow(3)
def test_examples_are_drawn_once_before_the_grading_processes(cnn, monkeypatch, tmp_path):
    """Drawn in the parent and kept, so that no grading process draws them (each would, a minute)."""
    monkeypatch.setattr(examples, "KEPT", tmp_path / "kept")
    monkeypatch.setattr(examples, "_on_disk", {})
    monkeypatch.setattr(examples, "_in_memory", weakref.WeakKeyDictionary())

    def fake_grade_one(assignment, path, functions):  # in the forked process: what it finds kept
        monkeypatch.setattr(examples, "_in_memory", weakref.WeakKeyDictionary())  # on disk only
        checks = [p.check for f in functions for p in plan(assignment)[f].checks]
        kept = [found for found in examples.examples_for(assignment, checks) if found is not None]
        return {"points": {f: float(len(kept)) for f in functions}, "failures": [], "not_implemented": []}

    monkeypatch.setattr(bulk, "grade_one", fake_grade_one)
    for name in ("ada", "bob", "cy"):
        (tmp_path / "class" / name).mkdir(parents=True)
        (tmp_path / "class" / name / "cnn.py").write_text("")
    progress = io.StringIO()
    out = tmp_path / "grades.csv"
    bulk.grade_all(cnn, tmp_path / "class", out, ["relu_forward"], jobs=2, progress=progress)
    checks = [p.check.key for p in plan(cnn)["relu_forward"].checks]
    assert progress.getvalue().count(f"drawing the examples of {len(checks)} checks once") == 1
    assert {row["relu_forward"] for row in bulk.read_rows(out)} == {str(len(checks))}  # every process had them
    [kept] = (tmp_path / "kept").iterdir()
    assert set(examples.load(kept, cnn.seed)) == set(checks)
    again = io.StringIO()
    bulk.grade_all(cnn, tmp_path / "class", tmp_path / "again.csv", ["relu_forward"], progress=again)
    assert "drawing" not in again.getvalue()  # kept from the first run


# -- the time left ------------------------------------------------------------------------------

def simulated_run(durations, jobs):
    """Feed ``Pace`` the events of a run of gradings taking ``durations`` (seconds), ``jobs`` at a time,
    in that order, on a simulated clock; return (estimated, true) seconds left after each result."""
    pace, clock, running, waiting, seen = Pace(len(durations), jobs), 0.0, {}, list(enumerate(durations)), []
    while waiting or running:
        while waiting and len(running) < jobs:
            key, seconds = waiting.pop(0)
            pace.started(key, clock)
            running[key] = clock + seconds
        key = min(running, key=running.get)
        clock = running.pop(key)
        pace.finished(key, clock)
        seen.append((pace.left(clock), clock))
    return [(left, clock - at) for left, at in seen]


# Seconds per graded submission of the class of 30 (tests/synthetic_class.py; the misnamed CNN.py is not
# graded), in the order of CLASS_OF_30: a run with JOBS=2, the examples drawn first, on a shared machine.
MEASURED = [9.88, 9.98, 11.8, 12.78, 10.88, 9.52, 13.6, 13.43, 2.14, 2.2, 0.39, 12.31, 11.81, 27.46, 36.17, 22.0,
            11.72, 7.52, 23.14, 12.79, 13.56, 15.73, 17.36, 15.5, 0.36, 10.08, 11.81, 12.97, 11.77]


def test_time_left_is_right_after_the_first_few_results():
    assert len(MEASURED) == len(CLASS_OF_30) - 1
    # every grading alike: right from the first result (the rate so far was `jobs` times too slow then)
    for left, true in simulated_run([12.0] * 30, jobs=2)[:-1]:
        assert left == pytest.approx(true, rel=0.01)
    # the class of 30 in any order: after the first few results, within a factor of 1.5 as a rule
    ratios = []
    for seed in range(200):
        order = random.Random(seed).sample(MEASURED, len(MEASURED))
        ratios += [left / true for left, true in simulated_run(order, jobs=2)[3:-3]]
    within = sum(1 / 1.5 <= ratio <= 1.5 for ratio in ratios) / len(ratios)
    assert within >= 0.8 and 0.85 <= sorted(ratios)[len(ratios) // 2] <= 1.15
    lines = [Pace(10, 2), Pace(1, 1)]
    lines[0].started("a", 0.0), lines[0].finished("a", 30.0), lines[1].started("b", 0.0), lines[1].finished("b", 5.0)
    assert lines[0].describe(30.0) == "4.0/min, about 2 min left" and lines[1].describe(5.0) == "12.0/min, done"


# -- bad exports --------------------------------------------------------------------------------------

def test_a_damaged_member_costs_only_its_submission(tmp_path):
    files = {"submission_1001/cnn.py": source("reference"), "submission_1002/hw/cnn.py": source("reference"),
             "submission_1002/hw/README.md": "notes", "submission_1004/cnn.py": source("reference")}
    zipped = write_export(tmp_path / "export.zip", METADATA, files, damaged=["submission_1002/hw/cnn.py"])
    found = {s.identifier: s for s in class_submissions.find_submissions(zipped, "cnn", tmp_path / "work")}
    assert sorted(found) == ["submission_1001", "submission_1002", "submission_1004"]
    assert found["submission_1001"].path.read_text() == found["submission_1004"].path.read_text() == \
        source("reference")
    damaged = found["submission_1002"]
    assert damaged.path is None and damaged.people[0]["sid"] == "1002"
    assert re.fullmatch(r"submission_1002/hw/cnn.py cannot be read from the zip \(.+\): download it again",
                        damaged.problem)
    garbled = write_export(tmp_path / "metadata.zip", METADATA, files, damaged=["submission_metadata.yml"])
    with pytest.raises(class_submissions.BulkError, match="its submission_metadata.yml cannot be read"):
        class_submissions.find_submissions(garbled, "cnn", tmp_path / "work2")


def test_an_export_without_its_metadata_is_refused_unless_meant(tmp_path):
    files = {"submission_1001/cnn.py": source("reference"), "submission_1002/cnn.py": ""}
    zipped = write_export(tmp_path / "export.zip", None, files)
    with pytest.raises(class_submissions.BulkError, match=r"looks like a Gradescope export \(2 submission_<id> "
                       r"folders\) but has no submission_metadata.yml.*METADATA=none"):
        class_submissions.find_submissions(zipped, "cnn", tmp_path / "work")
    found = class_submissions.find_submissions(zipped, "cnn", tmp_path / "work2", without_metadata=True)
    assert [s.identifier for s in found] == ["submission_1001", "submission_1002"]
    assert {s.dated_by for s in found} == {class_submissions.FILE_TIME}
