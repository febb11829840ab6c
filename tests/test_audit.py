"""The hidden tests catch every bug in the corpus and penalise no correct alternative.

One test per corpus entry (``autograder.instructor.audit``), so that parallel test workers share the
corpus out and a failure names its entry; the corpus as a whole is checked once, without grading.
"""

import pytest

from autograder.instructor.audit import audit_case, corpus

CASES = corpus("cnn")


def test_corpus_is_big_and_covers_every_function(cnn):
    bugs = [c for c in CASES if c.kind == "bug"]
    assert len(bugs) >= 25
    assert {c.function for c in bugs} == set(cnn.functions)
    assert len({(c.function, c.description) for c in bugs}) == len(bugs), "every bug is a distinct mistake"
    assert len([c for c in CASES if c.kind == "correct"]) >= 4


@pytest.mark.parametrize("case", [c for c in CASES if c.kind == "bug"], ids=lambda c: c.path.stem)
def test_bug_loses_points_in_its_own_function_only(case):
    audit_case("cnn", case)
    assert case.flagged, f"missed: {case.description}"
    assert case.elsewhere == 0, f"charged elsewhere: lost {case.lost}"
    assert case.grader_errors == []


@pytest.mark.parametrize("case", [c for c in CASES if c.kind == "correct"], ids=lambda c: c.path.stem)
def test_correct_alternative_loses_nothing(case):
    audit_case("cnn", case)
    assert not case.flagged, "\n".join(case.failures)
    assert case.grader_errors == []
