"""The hidden tests catch every bug in the corpus and penalise no correct alternative."""

import pytest

from autograder.instructor.audit import run_audit


@pytest.fixture(scope="module")
def audited():
    return run_audit("cnn")


def test_corpus_is_big_and_covers_every_function(audited, cnn):
    bugs = [c for c in audited if c.kind == "bug"]
    assert len(bugs) >= 25
    assert {c.function for c in bugs} == set(cnn.functions)
    assert len({(c.function, c.description) for c in bugs}) == len(bugs), "every bug is a distinct mistake"
    assert len([c for c in audited if c.kind == "correct"]) >= 4


def test_every_bug_loses_points(audited):
    missed = [c.path.name for c in audited if c.kind == "bug" and not c.flagged]
    assert missed == []


def test_every_bug_is_charged_to_its_own_function_only(audited):
    elsewhere = {c.path.name: c.lost for c in audited if c.kind == "bug" and c.elsewhere}
    assert elsewhere == {}


def test_no_correct_alternative_loses_points(audited):
    penalised = {c.path.name: c.failures for c in audited if c.kind == "correct" and c.flagged}
    assert penalised == {}


def test_no_check_breaks_on_any_submission(audited):
    broken = {c.path.name: c.grader_errors for c in audited if c.grader_errors}
    assert broken == {}
