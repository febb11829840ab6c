"""The hidden tests catch every bug in the corpus, charge it and every unfinished function to the
function that has it only, and penalise no correct alternative.

One test per corpus entry (``autograder.instructor.audit``), so that parallel test workers share the
corpus out and a failure names its entry; the corpus as a whole is checked once, without grading.
"""

import pytest

from autograder.core.grading import choose, grade
from autograder.instructor.audit import audit_case, corpus, integration_share
from autograder.instructor.patching import UNFINISHED

CASES = corpus("cnn")


def test_corpus_is_big_and_covers_every_function(cnn):
    bugs = [c for c in CASES if c.kind == "bug"]
    assert len(bugs) >= 25
    assert {c.function for c in bugs} == set(cnn.functions)
    assert len({(c.function, c.description) for c in bugs}) == len(bugs), "every bug is a distinct mistake"
    assert len([c for c in CASES if c.kind == "correct"]) >= 4


def test_every_function_another_calls_is_left_unfinished_every_way(cnn):
    """In the reference: the layers loss_and_grads and predict use, what train uses, what stack_params
    uses; in the alternative that builds each part from the previous one: conv1d and conv2d."""
    unfinished = [c for c in CASES if c.kind == "unfinished"]
    called = {"conv_forward", "relu_forward", "max_pool_forward", "linear_forward", "conv_backward", "relu_backward",
              "max_pool_backward", "linear_backward", "softmax_cross_entropy", "init_params", "loss_and_grads",
              "sgd_step", "fc_params", "conv_params", "output_shapes", "conv1d", "conv2d"}
    assert {c.function for c in unfinished} >= called
    for function in called:
        assert {c.how for c in unfinished if c.function == function} == set(UNFINISHED), function
    assert len({c.name for c in unfinished}) == len(unfinished)


def as_params(kind, seconds):
    """The corpus entries of ``kind``, each marked with the seconds ``seconds(entry)`` it takes, about."""
    return [pytest.param(c, id=c.name, marks=pytest.mark.slow(seconds(c))) for c in CASES if c.kind == kind]


@pytest.mark.parametrize("case", as_params("bug", lambda c: 5 if c.function == "train" else 0))
def test_bug_loses_points_in_its_own_function_only(case):
    audit_case("cnn", case)
    assert case.flagged, f"missed: {case.description}"
    assert case.elsewhere == 0, f"charged elsewhere: lost {case.lost}"
    assert case.blamed == [], f"check marks {case.blamed} as failed"
    assert case.grader_errors == []


@pytest.mark.parametrize("case", as_params("unfinished", lambda c: 2 if c.how == "loop" else 1))
def test_unfinished_function_costs_its_own_points_and_at_most_the_integration_share(cnn, case):
    audit_case("cnn", case)
    assert case.lost.get(case.function) == case.possible[case.function], f"lost {case.lost}"
    assert case.elsewhere == 0, f"charged elsewhere: lost {case.lost}"
    assert case.integration <= integration_share(cnn)
    assert case.blamed == [], f"check marks {case.blamed} as failed"
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
    shrunk, unshrunk = (grade(cnn, submission, choose(cnn, [function]), shrink=shrink) for shrink in (True, False))
    verdicts = [[(v.check.key, v.reason) for v in report.result(function).verdicts] for report in (shrunk, unshrunk)]
    assert verdicts[0] == verdicts[1]
    assert any(reason is not None for _, reason in verdicts[0]), "the bug is caught"
    assert shrunk.points == unshrunk.points
