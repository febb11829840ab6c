"""assert_matches compares ints and lists or tuples of ints (counts, shapes) exactly."""

import numpy as np
import pytest

from autograder.core.checks import Failed, assert_matches


@pytest.mark.parametrize("returned", [2_903_802, 2_903_802.0])
def test_a_count_passes_as_int_or_equal_float(returned):
    assert_matches(returned, 2_903_802, "stack_params")


@pytest.mark.parametrize("returned", [2_903_803, 2_903_801.5, True, None, "2903802", [2_903_802]])
def test_a_count_off_by_anything_fails(returned):
    # The float tolerance (rtol 1e-4) would let 2,903,803 through; counts have none.
    with pytest.raises(Failed, match="expected value is 2903802"):
        assert_matches(returned, 2_903_802, "stack_params")


def test_shapes_pass_as_lists_or_tuples():
    expected = [(8, 8, 8), (8, 4, 4), (10,)]
    assert_matches([[8, 8, 8], (8, 4, 4), [10]], expected, "output_shapes")
    assert_matches(((8, 8, 8), (8, 4, 4), (10,)), expected, "output_shapes")
    assert_matches([], [], "output_shapes")


@pytest.mark.parametrize("returned", [[(8, 8, 8), (8, 4, 4)], [(8, 8, 8), (8, 4, 5), (10,)],
                                      [(8, 8, 8), (8, 4, 4), 10], np.array([1, 2]), None])
def test_wrong_shapes_fail_and_show_both_lists(returned):
    with pytest.raises(Failed, match=r"expected value is \[\(8, 8, 8\), \(8, 4, 4\), \(10,\)\]"):
        assert_matches(returned, [(8, 8, 8), (8, 4, 4), (10,)], "output_shapes")


def test_floats_keep_their_tolerance():
    assert_matches(1.0 + 1e-9, 1.0, "softmax_cross_entropy")
    assert_matches((1.0 + 1e-9, np.ones(2)), (1.0, np.ones(2)), "f", parts=("loss", "grad"))
