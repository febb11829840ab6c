"""Points per check are round numbers that add up exactly, the same locally and on Gradescope."""

import ast
import importlib
import re
from decimal import Decimal

import pytest
from conftest import REFERENCE, ROOT

from autograder.core.callgraph import calls
from autograder.core.grading import FunctionResult, Visibility, plan, point_shares
from autograder.core.outcomes import Reason
from autograder.core.runner import Verdict
from autograder.gradescope import session


@pytest.mark.parametrize("points, weights, shares", [
    (20, [2, 1, 1, 1], [8, 4, 4, 4]),  # exact in integers
    (5, [1, 1], [2.5, 2.5]),  # exact in tenths
    (25, [2, 1, 1, 1, 2], [7.15, 3.57, 3.57, 3.57, 7.14]),  # largest remainder, first wins a tie
    (10, [1, 1, 1], [3.34, 3.33, 3.33]),
])
def test_largest_remainder_shares(points, weights, shares):
    assert point_shares(points, weights) == shares


def otter_test_cases(source):
    """(name, points, hidden) of every ``@test_case(...)`` in a generated Otter test file, in order."""
    cases = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "test_case":
                    keywords = {k.arg: k.value for k in decorator.keywords}
                    cases.append((ast.literal_eval(keywords["name"]), Decimal(ast.unparse(keywords["points"])),
                                  ast.literal_eval(keywords["hidden"])))
    return cases


def test_every_function_s_shares_sum_to_its_points_in_the_otter_files(cnn):
    for function in cnn.functions:
        declared = [points for _, points, _ in otter_test_cases(session.test_file_source(cnn, function))]
        assert sum(declared) == cnn.points[function], function
        assert all(p == p.quantize(Decimal("0.01")) for p in declared), function
        assert sum(map(float, declared)) == cnn.points[function]  # also as Gradescope adds them, in floats


def test_otter_files_declare_what_local_grading_gives_for_every_check(cnn):
    """Each Otter test case is one check of the plan, with its visibility, and declares the points
    that local grading gives a submission passing that check alone."""
    plans = plan(cnn)
    for function in cnn.functions:
        planned = plans[function].checks
        cases = otter_test_cases(session.test_file_source(cnn, function))
        assert [name for name, _, _ in cases] == [p.check.key for p in planned]
        assert [hidden for _, _, hidden in cases] == [p.visibility is Visibility.HIDDEN for p in planned]
        assert {p.check.function for p in planned} == {function}
        assert [p.check for p in planned if not p.graded] == [c for c in cnn.public_checks if c.function == function]
        for passing, (name, points, _) in enumerate(cases):
            verdicts = [Verdict(p.check, None if i == passing else Reason.WRONG_VALUE) for i, p in enumerate(planned)]
            alone = FunctionResult(function, list(planned), verdicts, possible=plans[function].points)
            assert Decimal(str(alone.points)) == points, name


def test_hidden_checks_shown_before_publication_are_graded_but_not_hidden(cnn):
    planned = [p for f in cnn.functions for p in plan(cnn)[f].checks]
    shown = [p for p in planned if p.visibility is Visibility.SHOWN]
    assert shown and all(p.check.visible and p.graded for p in shown)
    assert all(p.points == 0 for p in planned if not p.graded)


# -- the hand-kept lists of an assignment agree with its code ---------------------------------------

def test_every_check_names_a_graded_function_and_every_graded_function_has_points_and_checks(cnn):
    """A check of a function missing from ``FUNCTIONS`` would never run (``plan`` goes by FUNCTIONS)."""
    assert {check.function for check in cnn.public_checks + cnn.hidden_checks} == set(cnn.functions)
    assert set(cnn.points) == set(cnn.functions)
    assert len({check.key for check in cnn.public_checks + cnn.hidden_checks}) == len(cnn.public_checks
                                                                                    + cnn.hidden_checks)


def test_the_oracle_answers_for_what_the_reference_calls_or_says_why_not(cnn):
    """Every graded function the reference's functions call is answered by the reference while the
    caller is graded (``ORACLE``), or the caller is graded with the student's own (``OWN_CALLEES``,
    with the reason); nothing is answered that is not a graded function, and no function is both."""
    grading = importlib.import_module("solutions.cnn.grading")
    uses = calls(REFERENCE.read_text())
    for function in cnn.functions:
        called = (uses.get(function, set()) & set(cnn.functions)) - {function}
        assert called <= set(cnn.oracle.get(function, ())) or function in grading.OWN_CALLEES, function
    assert all(set(names) <= set(cnn.functions) and function in cnn.functions and function not in names
               for function, names in cnn.oracle.items())
    assert not set(cnn.oracle) & set(grading.OWN_CALLEES)
    assert all(isinstance(reason, str) and reason for reason in grading.OWN_CALLEES.values())


def test_the_handout_lists_what_the_reference_answers_for(cnn):
    """The handout's section on grading functions together names, for each function, exactly the
    functions the reference answers for (``ORACLE``), and the functions graded with your own."""
    handout = (ROOT / "assignments" / "cnn" / "README.md").read_text()
    section = handout.split("## How your functions are graded together")[1].split("\n## ")[0]
    listed = {}
    for line in section.splitlines():
        found = re.match(r"- `(\w+)`: the reference answers for (.*)", line)
        if found:
            listed[found.group(1)] = set(re.findall(r"`(\w+)`", found.group(2)))
    assert listed == {function: set(names) for function, names in cnn.oracle.items()}
    grading = importlib.import_module("solutions.cnn.grading")
    assert all(f"`{function}`" in section for function in grading.OWN_CALLEES)
