"""The hidden tests catch every bug in the corpus and penalise no correct alternative.

One test per corpus entry (``autograder.instructor.audit``), so that parallel test workers share the
corpus out and a failure names its entry; the corpus as a whole is checked once, without grading.
"""

import pytest

from autograder.core.grading import grade
from autograder.instructor.audit import audit_case, corpus

CASES = corpus("cnn")


def test_corpus_is_big_and_covers_every_function(cnn):
    bugs = [c for c in CASES if c.kind == "bug"]
    assert len(bugs) >= 25
    assert {c.function for c in bugs} == set(cnn.functions)
    assert len({(c.function, c.description) for c in bugs}) == len(bugs), "every bug is a distinct mistake"
    assert len([c for c in CASES if c.kind == "correct"]) >= 4


def as_params(kind, seconds):
    """The corpus entries of ``kind``, each marked with the seconds ``seconds(entry)`` it takes, about."""
    return [pytest.param(c, id=c.path.stem, marks=pytest.mark.slow(seconds(c))) for c in CASES if c.kind == kind]


@pytest.mark.parametrize("case", as_params("bug", lambda c: 5 if c.function == "train" else 0))
def test_bug_loses_points_in_its_own_function_only(case):
    audit_case("cnn", case)
    assert case.flagged, f"missed: {case.description}"
    assert case.elsewhere == 0, f"charged elsewhere: lost {case.lost}"
    assert case.grader_errors == []


TRAINING_SECONDS = {"training_naive": 40, "training_loops": 13, "training_vectorised": 6}


@pytest.mark.parametrize("case", as_params("correct", lambda c: TRAINING_SECONDS.get(
    c.path.stem, 2 if c.function == "all" else 0)))
def test_correct_alternative_loses_nothing(case):
    audit_case("cnn", case)
    assert not case.flagged, "\n".join(case.failures)
    assert case.grader_errors == []


@pytest.mark.parametrize("bug", ["conv1d_stride_ignored", "conv2d_returns_list",
                                 "softmax_cross_entropy_sums_over_batch"])
def test_unshrunk_failures_have_the_verdicts_of_shrunk_ones(cnn, patched, bug):
    """The audit does not shrink a bug's failures: every check's verdict is the same without it."""
    submission = patched(f"bugs/{bug}.py")
    function = next(c.function for c in CASES if c.path.stem == bug)
    shrunk, unshrunk = (grade(cnn, submission, functions=[function], shrink=shrink) for shrink in (True, False))
    verdicts = [[(v.check.key, v.reason) for v in report.result(function).verdicts] for report in (shrunk, unshrunk)]
    assert verdicts[0] == verdicts[1]
    assert any(reason is not None for _, reason in verdicts[0]), "the bug is caught"
    assert shrunk.points == unshrunk.points
