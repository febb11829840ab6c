"""`make check` (python -m autograder check): public checks, verdict table, readable counterexamples."""

import subprocess
import sys

import pytest
from conftest import REFERENCE, ROOT, SKELETON


def run_check(*args):
    return subprocess.run([sys.executable, "-m", "autograder", "check", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True)


def test_skeleton_is_not_implemented_anywhere(cnn):
    result = run_check(SKELETON)
    assert result.returncode == 1
    assert cnn.functions and set(cnn.functions) == set(cnn.points)  # every graded function, whatever their number
    for function in cnn.functions:
        assert any(line.startswith(function + " ") and "not implemented yet" in line
                   for line in result.stdout.splitlines()), function


@pytest.mark.slow(3)
def test_reference_passes_everything():
    result = run_check(REFERENCE)
    assert result.returncode == 0, result.stdout
    assert "✗" not in result.stdout and "All public checks pass." in result.stdout


@pytest.mark.slow(4)
@pytest.mark.parametrize("bug, function, evidence", [
    ("conv1d_flipped_kernel", "conv1d", "expected: [ 1., -1.,  1.,  0.]"),
    ("conv1d_loop_bound_off_by_one", "conv1d", "but the shape should be (1,)"),
    ("conv1d_stride_ignored", "conv1d", "stride = 2"),
    ("max_pool2d_average", "max_pool2d", "and the output should be one of its entries"),
    ("receptive_field_ignores_stride", "receptive_field", "neighbouring units are 2 pixels apart"),
])
def test_named_bugs_fail_with_a_minimal_counterexample(patched, bug, function, evidence):
    result = run_check(patched(f"bugs/{bug}.py"))
    assert result.returncode == 1
    row = next(line for line in result.stdout.splitlines() if line.startswith(function + " "))
    assert "failed" in row
    assert "Smallest input on which it goes wrong:" in result.stdout and evidence in result.stdout
    feedback = result.stdout.split("\n", 1)[1]  # the first line names the file checked
    assert "Traceback" not in feedback and "/tmp/" not in feedback and "worker" not in feedback


@pytest.mark.slow(6)
def test_same_file_same_feedback(patched):
    submission = patched("bugs/conv2d_transposed_output.py")
    assert run_check(submission).stdout == run_check(submission).stdout


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    for argument in (tmp_path / "missing.py", ROOT / "README.md"):
        result = run_check(argument)
        assert result.returncode == 2 and result.stderr.count("\n") == 1 and result.stderr.startswith("error:")
    result = run_check(REFERENCE, "--assignment", "nope")
    assert result.returncode == 2 and "no assignment named 'nope'" in result.stderr


@pytest.mark.slow(2)
def test_a_crash_is_explained_once_with_the_input_that_crashed(tmp_path):
    """The first call that crashes ends conv1d's checking: its check shows the input that really
    crashed (not a smaller one that was never run), and later checks only point back to it."""
    crashing = tmp_path / "cnn.py"
    crashing.write_text(REFERENCE.read_text().replace(
        "def conv1d(x, w, stride=1, padding=0):",
        "def conv1d(x, w, stride=1, padding=0):\n    if len(x) == 7:\n        import os\n        os._exit(3)", 1))
    result = run_check(crashing)
    assert result.returncode == 1
    blocks = result.stdout.split("\n\n")
    crashed = [b for b in blocks if "conv1d stopped the Python process running it" in b]
    assert len(crashed) == 1, result.stdout
    x_line = next(line for line in crashed[0].splitlines() if line.strip().startswith("x = "))
    assert x_line.count(",") == 6, crashed[0]  # seven entries: the input that crashed
    assert any("conv1d was not called again: it went wrong in the check \"conv1d: " in b for b in blocks)
