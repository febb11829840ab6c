"""Replaying drawn examples grades as Hypothesis alone grades, only faster (``core/runner.py``).

A check's examples are those Hypothesis feeds it while every answer passes, whatever the property
does with them; a grading that replays them gives the verdicts, words and examples of a grading by
Hypothesis alone (failures are shrunk from the seed; the submission meets the same calls, so even
code that answers differently the second time is graded alike; a failure at a first example that
Hypothesis cannot shrink is the verdict at once); the autograder zip carries exactly those examples
for every check.
"""

import dataclasses
import os
import re
import shutil
import weakref
import zipfile

import pytest
from conftest import REFERENCE
from hypothesis import strategies as st

from autograder.core import assignment as assignments
from autograder.core import examples, runner
from autograder.core.checks import Check, same_value
from autograder.core.grading import choose, grade
from autograder.core.outcomes import Reason


def said(report):
    """Everything a report tells, check by check (a training run's CPU seconds vary from run to run)."""
    return [(result.function, result.points, [(v.check.key, v.reason, re.sub(r"[\d.]+ s of CPU", "", v.message),
                                               repr(v.example), v.waiting_on, v.again) for v in result.verdicts])
            for result in report.results]


def every_check(assignment):
    return assignment.public_checks + assignment.hidden_checks


def unpacked(drawn_by_key):
    """check key -> (examples, first_is_final) of its ``Drawn`` (None stays None): comparable by ``same_value``."""
    return {key: drawn and (drawn.examples, drawn.first_is_final) for key, drawn in drawn_by_key.items()}


@pytest.mark.slow(30)
def test_a_passing_grading_is_fed_the_examples_drawn_ahead_and_the_zip_carries_them(cnn, built_zips, tmp_path):
    by_hypothesis = grade(cnn, REFERENCE, feed_drawn=False)  # Hypothesis alone; keeps what it fed each check
    assert by_hypothesis.points == by_hypothesis.possible
    checks = every_check(cnn)
    fed = {check.key: drawn.examples for check, drawn in zip(checks, examples.examples_for(cnn, checks))}
    assert all(fed.values()), "every check passed, so every check's examples were kept"

    # The zip's build drew them ahead, in another process, for a property that always holds (draw_examples).
    with zipfile.ZipFile(built_zips[0]) as archive:
        archive.extractall(tmp_path)
    carried = assignments.load("cnn", root=tmp_path / "files").drawn
    assert same_value({key: drawn.examples for key, drawn in carried.items()}, fed)
    assert sum(len(drawn.examples) for drawn in carried.values()) > 10 * len(carried)  # worked examples: one each
    assert sum(drawn.first_is_final for drawn in carried.values()) > 0.8 * len(carried)  # most: the simplest first
    assert examples.load(tmp_path / "files" / "solutions" / "cnn" / examples.FILE_NAME, cnn.seed + 1) == {}

    assert said(grade(cnn, REFERENCE)) == said(by_hypothesis)


WRONG_NOW_AND_THEN = '''
import os

_reference = {"conv1d": conv1d, "conv1d_matrix": conv1d_matrix, "conv2d": conv2d}
_matrix_calls = []


def conv1d(x, w, stride=1, padding=0):  # wrong on inputs of length 7 only: found a few examples in
    out = _reference["conv1d"](x, w, stride, padding)
    return out + 1.0 if len(x) == 7 else out


def conv2d(x, w, stride=1, padding=0):  # stops its process on 5-row images: given up at once
    if len(x) == 5:
        os._exit(3)
    return _reference["conv2d"](x, w, stride, padding)


def conv1d_matrix(w, n, stride=1, padding=0):  # wrong on its third call only: a flaky function
    _matrix_calls.append(n)
    out = _reference["conv1d_matrix"](w, n, stride, padding)
    return out + 1.0 if len(_matrix_calls) == 3 else out


def relu_forward(x):  # wrong everywhere: every check fails at its first example
    return np.maximum(x, 0.0) + 1.0
'''


@pytest.mark.slow(5)
def test_replaying_says_what_hypothesis_alone_says(cnn, tmp_path, monkeypatch):
    submission = tmp_path / "cnn.py"
    submission.write_text(REFERENCE.read_text() + WRONG_NOW_AND_THEN)
    functions = ["conv1d", "conv1d_matrix", "conv2d", "max_pool2d", "relu_forward"]
    examples.remember(cnn, {check: runner.draw_examples(check, cnn.seed) for check in every_check(cnn)
                            if check.function in functions})
    by_hypothesis = grade(cnn, submission, choose(cnn, functions), feed_drawn=False)
    searched, seeded = [], runner.seeded  # the checks Hypothesis runs: replayed, only failures
    monkeypatch.setattr(runner, "seeded", lambda check, *args: searched.append(check) or seeded(check, *args))
    replayed = grade(cnn, submission, choose(cnn, functions))
    assert said(replayed) == said(by_hypothesis)
    # relu_forward fails every check at its first example: Hypothesis runs again only checks whose first
    # example it could shrink (not all: one gives up at once). conv1d and conv1d_matrix fail later: shrunk.
    relu_checks = [check for check in every_check(cnn) if check.function == "relu_forward"]
    final = {check.key: drawn.first_is_final
             for check, drawn in zip(relu_checks, examples.examples_for(cnn, relu_checks))}
    assert all(not v.passed for v in replayed.result("relu_forward").verdicts) and set(final.values()) == {True, False}
    searched_relu = {c.key for c in searched if c.function == "relu_forward"}
    assert searched_relu and searched_relu <= {key for key, is_final in final.items() if not is_final}
    assert {"conv1d", "conv1d_matrix"} <= {c.function for c in searched} <= {"conv1d", "conv1d_matrix", "conv2d",
                                                                             "relu_forward"}
    unshrunk = [grade(cnn, submission, choose(cnn, functions), feed_drawn=feed, shrink=False) for feed in (False, True)]
    assert said(unshrunk[1]) == said(unshrunk[0])  # the first failure fed is where Hypothesis alone stops
    assert said(unshrunk[1]) != said(replayed)  # (unshrunk, their examples are larger)

    conv1d, conv1d_matrix, conv2d, max_pool2d, _ = replayed.results
    wrong = [v for v in conv1d.verdicts if not v.passed]
    assert wrong and all(len(v.example["x"]) == 7 for v in wrong if "x" in v.example)
    assert 0 < [v.passed for v in conv1d_matrix.verdicts].count(False) < len(conv1d_matrix.verdicts)
    assert any(v.reason is Reason.CRASHED and v.call.function == "conv2d" for v in conv2d.verdicts)
    assert max_pool2d.points == max_pool2d.possible


def test_a_checkout_keeps_the_examples_for_other_processes_until_their_files_change(cnn, tmp_path, monkeypatch):
    monkeypatch.setattr(examples, "KEPT", tmp_path / "kept")
    monkeypatch.setattr(examples, "_on_disk", {})
    monkeypatch.setattr(examples, "_in_memory", weakref.WeakKeyDictionary())
    grade(cnn, REFERENCE, choose(cnn, ["relu_forward"]), feed_drawn=False)
    [kept_file] = (tmp_path / "kept").iterdir()
    relu_checks = [check for check in every_check(cnn) if check.function == "relu_forward"]
    on_disk = examples.load(kept_file, cnn.seed)
    assert set(on_disk) == {check.key for check in relu_checks}
    drawn = {c.key: runner.draw_examples(c, cnn.seed) for c in relu_checks}
    assert all(same_value(on_disk[key].examples, drawn[key].examples) for key in drawn)
    # A passing run does not tell whether a failure at its first example is final: draw_missing finds it.
    assert {found.first_is_final for found in on_disk.values()} == {None}
    assert examples.draw_missing(cnn, relu_checks) == len(relu_checks)
    on_disk = examples.load(kept_file, cnn.seed)
    assert same_value(unpacked(on_disk), unpacked(drawn)) and examples.draw_missing(cnn, relu_checks) == 0

    def found(assignment):  # as another process finds them: nothing in memory, nothing read yet
        monkeypatch.setattr(examples, "_on_disk", {})
        monkeypatch.setattr(examples, "_in_memory", weakref.WeakKeyDictionary())
        return dict(zip([c.key for c in relu_checks], examples.examples_for(assignment, relu_checks)))

    assert same_value(unpacked(found(cnn)), unpacked(on_disk))
    copied = [shutil.copytree(folder, tmp_path / "copy" / str(number)) for number, folder in enumerate(cnn.folders)]
    edited = dataclasses.replace(cnn, folders=tuple(copied))
    assert same_value(unpacked(found(edited)), unpacked(on_disk))
    (copied[0] / "strategies.py").write_text((copied[0] / "strategies.py").read_text() + "\n# edited\n")
    assert set(found(edited).values()) == {None}


def test_examples_that_cannot_be_pickled_are_left_to_the_grading_process(cnn, tmp_path):
    def verify(student, example):
        return None

    plain = Check.on_inputs("f", "plain", st.fixed_dictionaries({"n": st.integers(0, 3)}), verify, max_examples=5)
    unpicklable = Check.on_inputs("f", "draws a function", st.fixed_dictionaries({"g": st.just(lambda: 1)}), verify)
    assignment = assignments.Assignment(name="f", functions=["f"], public_checks=[plain, unpicklable], seed=cnn.seed)
    saved = examples.load(examples.save(assignment, tmp_path / examples.FILE_NAME), cnn.seed)
    assert set(saved) == {plain.key} and saved[plain.key] == runner.draw_examples(plain, cnn.seed)  # ints: == compares


def test_a_checkout_keeps_the_examples_of_the_last_few_versions(cnn, tmp_path, monkeypatch):
    """Going back to an earlier version of the checks finds its examples still kept, for the
    ``KEPT_VERSIONS`` most recently written; older files go."""
    monkeypatch.setattr(examples, "KEPT", tmp_path / "kept")
    monkeypatch.setattr(examples, "_on_disk", {})
    monkeypatch.setattr(examples, "_in_memory", weakref.WeakKeyDictionary())
    (tmp_path / "kept").mkdir()
    earlier = [tmp_path / "kept" / f"cnn-{number:012d}.pickle" for number in range(examples.KEPT_VERSIONS + 2)]
    for age, path in enumerate(earlier):  # earlier[0] the most recent
        path.write_bytes(b"")
        os.utime(path, (1_700_000_000 - 3600 * age, 1_700_000_000 - 3600 * age))
    (tmp_path / "kept" / "other-000000000000.pickle").write_bytes(b"")  # another assignment's: not counted
    assert examples.draw_missing(cnn, cnn.public_checks[:1]) == 1
    kept = sorted(path.name for path in (tmp_path / "kept").iterdir())
    assert kept == sorted([f"cnn-{cnn.identity}.pickle", "other-000000000000.pickle"]
                          + [path.name for path in earlier[:examples.KEPT_VERSIONS - 1]])
