"""Points per check are round numbers that add up exactly, the same locally and on Gradescope."""

import re
from decimal import Decimal

import pytest

from autograder.core.grading import point_shares
from autograder.gradescope import session


@pytest.mark.parametrize("points, weights, shares", [
    (20, [2, 1, 1, 1], [8, 4, 4, 4]),  # exact in integers
    (5, [1, 1], [2.5, 2.5]),  # exact in tenths
    (25, [2, 1, 1, 1, 2], [7.15, 3.57, 3.57, 3.57, 7.14]),  # largest remainder, first wins a tie
    (10, [1, 1, 1], [3.34, 3.33, 3.33]),
])
def test_largest_remainder_shares(points, weights, shares):
    assert point_shares(points, weights) == shares


def test_every_function_s_shares_sum_to_its_points_in_the_otter_files(cnn):
    for function in cnn.functions:
        declared = [Decimal(p) for p in re.findall(r"points=([0-9.]+)", session.test_file_source(cnn, function))]
        hidden = [c.weight for c in cnn.hidden_checks if c.function == function]
        assert sum(declared) == cnn.points[function], function
        assert all(p == p.quantize(Decimal("0.01")) for p in declared), function
        assert [float(p) for p in declared if p] == [s for s in point_shares(cnn.points[function], hidden) if s]
        assert sum(map(float, declared)) == cnn.points[function]  # also as Gradescope adds them, in floats
