"""The skeleton is generated from the solution, is committed up to date, and implements nothing."""

import pytest
from conftest import REFERENCE, SKELETON

from autograder.instructor.skeleton import MarkerError, make_skeleton


def test_committed_skeleton_is_up_to_date():
    assert SKELETON.read_text() == make_skeleton(REFERENCE.read_text()), "run `make skeleton`"


def test_skeleton_keeps_docstrings_and_drops_solution_code():
    skeleton = SKELETON.read_text()
    assert "BEGIN SOLUTION" not in skeleton and "sliding_window_view" not in skeleton
    for function in ("conv1d", "conv1d_matrix", "conv2d", "conv2d_multichannel", "max_pool2d"):
        assert f'raise NotImplementedError("{function} is not implemented yet")' in skeleton
    assert "floor((n + 2 * padding - m) / stride) + 1" in skeleton


def test_module_level_blocks_are_dropped_and_function_blocks_replaced():
    source = ("import numpy as np\n\n\n# BEGIN SOLUTION\ndef _helper():\n    return 1\n# END SOLUTION\n\n\n"
              "def f(x):\n    \"\"\"Doc.\"\"\"\n    # BEGIN SOLUTION\n    return _helper()\n    # END SOLUTION\n")
    assert make_skeleton(source) == ('import numpy as np\n\n\ndef f(x):\n    """Doc."""\n'
                                     '    raise NotImplementedError("f is not implemented yet")\n')


@pytest.mark.parametrize("source", ["# END SOLUTION\n", "def f():\n    # BEGIN SOLUTION\n    return 1\n",
                                    "# BEGIN SOLUTION\n# BEGIN SOLUTION\n"])
def test_unbalanced_markers_are_errors(source):
    with pytest.raises(MarkerError):
        make_skeleton(source)
