"""`make check` (python -m autograder check): public checks, verdict table, readable counterexamples,
each thing said once, which file and why."""

import os
import subprocess
import sys

import pytest
from conftest import REFERENCE, ROOT, SKELETON, notebook_json

from autograder import check
from autograder.core.feedback import render_failures
from autograder.core.grading import choose, grade
from autograder.core.outcomes import Reason, Status
from autograder.sandbox.worker import Limits


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
    assert "✗" not in result.stdout and "All public checks pass (" in result.stdout.splitlines()[-1]
    assert result.stdout.splitlines()[-1].endswith(" s).")  # how long it took


@pytest.mark.slow(4)
@pytest.mark.parametrize("bug, function, evidence", [
    ("conv1d_flipped_kernel", "conv1d", "expected: [ 1., -1.,  1.,  0.]"),
    ("conv1d_loop_bound_off_by_one", "conv1d", "but the shape should be (4,)"),
    ("conv1d_stride_ignored", "conv1d", "conv1d(x=[0, 1, 0, 1, 1], w=[-1, 1], stride=2)"),
    ("max_pool2d_average", "max_pool2d", "and the output should be one of its entries"),
    ("receptive_field_ignores_stride", "receptive_field", "neighbouring units are 2 pixels apart"),
])
def test_named_bugs_fail_with_a_minimal_counterexample(patched, bug, function, evidence):
    result = run_check(patched(f"bugs/{bug}.py"))
    assert result.returncode == 1
    row = next(line for line in result.stdout.splitlines() if line.startswith(function + " "))
    assert "failed" in row
    assert evidence in result.stdout
    feedback = result.stdout.split("\n", 1)[1]  # the first line names the file checked
    assert "Traceback" not in feedback and "/tmp/" not in feedback and "worker" not in feedback


@pytest.mark.slow(6)
def test_same_file_same_feedback(patched):
    submission = patched("bugs/conv2d_transposed_output.py")
    first, again = (run_check(submission).stdout.splitlines() for _ in range(2))
    assert first[:-1] == again[:-1]  # all but how long it took


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    for argument in (tmp_path / "missing.py", ROOT / "README.md"):
        result = run_check(argument)
        assert result.returncode == 2 and result.stderr.count("\n") == 1 and result.stderr.startswith("error:")
    result = run_check(REFERENCE, "--assignment", "nope")
    assert result.returncode == 2 and "no assignment named 'nope'" in result.stderr


@pytest.mark.slow(2)
def test_a_crash_is_explained_once_with_the_call_that_crashed(tmp_path):
    """The first call that crashes ends conv1d's checking: its block shows the call that really crashed
    (not a smaller input that was never run), and says that conv1d was not called again in the others."""
    crashing = tmp_path / "cnn.py"
    crashing.write_text(REFERENCE.read_text().replace(
        "def conv1d(x, w, stride=1, padding=0):",
        "def conv1d(x, w, stride=1, padding=0):\n    if len(x) == 7:\n        import os\n        os._exit(3)", 1))
    result = run_check(crashing)
    assert result.returncode == 1
    blocks = result.stdout.split("\n\n")
    crashed = [b for b in blocks if "conv1d stopped the Python process running it" in b]
    assert len(crashed) == 1 and sum(b.startswith("✗ conv1d:") for b in blocks) == 1, result.stdout
    call = next(line for line in crashed[0].splitlines() if line.strip().startswith("The call: conv1d("))
    assert call.split("x=array([")[1].split("])")[0].count(",") == 6, crashed[0]  # seven entries: what crashed
    assert "Smallest input" not in crashed[0]
    assert "conv1d was not called again in " in crashed[0]


@pytest.mark.slow(3)
def test_an_endless_loop_is_one_block_showing_the_call_that_hung(cnn, tmp_path):
    hanging = tmp_path / "cnn.py"
    hanging.write_text(REFERENCE.read_text().replace(
        "def conv1d(x, w, stride=1, padding=0):",
        "def conv1d(x, w, stride=1, padding=0):\n    while len(x) == 3:\n        pass", 1))
    report = grade(cnn, hanging, choose(cnn, ["conv1d"], hidden=False), limits=Limits(call_cpu_seconds=0.5))
    verdicts = report.result("conv1d").verdicts
    first = next(v for v in verdicts if v.reason is Reason.TIMED_OUT and not v.again)
    hung = first.call.kwargs["x"] if "x" in first.call.kwargs else first.call.args[0]
    assert first.call.called == "conv1d" and len(hung) == 3
    [block] = [b for b in render_failures(report) if b.startswith("✗ conv1d:")]
    assert "The call: conv1d(" in block and "was not called again in " in block
    refused = [v for v in verdicts if v.again]
    assert refused and f"in {len(refused)} more check" in block


@pytest.mark.slow(1)
def test_the_same_mistake_in_several_checks_is_one_block(cnn, patched):
    """A conv1d returning a list fails every check of its own the same way: one block, its first
    failure in full, the others named."""
    report = grade(cnn, patched("bugs/conv1d_returns_list.py"), choose(cnn, ["conv1d"], hidden=False))
    failed = [v for v in report.result("conv1d").verdicts if v.status is Status.FAILED]
    [block] = render_failures(report)
    assert len(failed) > 3 and f"The same in {len(failed) - 1} more checks" in block
    assert block.count("but it should return a numpy array") == 1


@pytest.mark.slow(1)
def test_a_file_that_cannot_be_loaded_is_one_short_block_and_top_level_work_is_said_once(tmp_path):
    broken = tmp_path / "cnn.py"
    broken.write_text(REFERENCE.read_text() + '\nprint("training")\ndata = np.load("digits.npz")\n')
    result = run_check(broken)
    assert result.returncode == 1
    feedback = result.stdout.split("\n", 1)[1]
    assert feedback.count("does work at its top level") == 1 and 'data = np.load("digits.npz")' in feedback
    assert feedback.count("could not be loaded") == 1 and "not graded" not in feedback  # no row per function
    assert feedback.count("if __name__") == 1  # the advice, once
    assert len(feedback.splitlines()) < 20


@pytest.mark.slow(2)
def test_top_level_work_under_main_is_no_work(tmp_path):
    guarded = tmp_path / "cnn.py"
    guarded.write_text(REFERENCE.read_text() + '\nif __name__ == "__main__":\n    print(conv1d([1], [1]))\n')
    result = run_check(guarded, "--assignment", "cnn")
    assert "top level" not in result.stdout and result.returncode == 0, result.stdout


def test_says_which_file_it_checks_and_why(cnn, tmp_path, monkeypatch):
    """In a handout: the one there is; of cnn.py and cnn.ipynb, the one with functions of the student's
    own, else the one saved last; in the repository, the skeleton; a path given, that file."""
    monkeypatch.setattr(check, "ROOT", tmp_path)
    script, book = tmp_path / "cnn.py", tmp_path / "cnn.ipynb"

    with pytest.raises(check.UsageError):
        check.submission_to_check(cnn)  # nothing to check here
    script.write_text(SKELETON.read_text())
    assert check.submission_to_check(cnn) == (script, "no file named, so the cnn.py of this folder")
    book.write_text(notebook_json(SKELETON.read_text()))
    os.utime(script, (1_000, 1_000))
    found, why = check.submission_to_check(cnn)
    assert found == script and "neither cnn.py nor cnn.ipynb has functions of yours" in why  # as unpacked
    script.write_text(REFERENCE.read_text())  # the work is in cnn.py, the notebook untouched but newer
    os.utime(script, (1_000, 1_000))
    found, why = check.submission_to_check(cnn)
    assert found == script and "only cnn.py has functions of yours" in why
    book.write_text(notebook_json(REFERENCE.read_text()))
    assert check.submission_to_check(cnn)[0] == book  # both written: the one saved last
    assert check.submission_to_check(cnn, str(script)) == (script, "the file you named")
    monkeypatch.setattr(check, "ROOT", ROOT)
    assert check.submission_to_check(cnn)[0] == SKELETON


def test_the_first_line_says_which_file_and_why():
    result = run_check()
    assert result.stdout.splitlines()[0].startswith(f"Checking {SKELETON} (no file named, so the skeleton")


@pytest.mark.slow(2)
def test_check_runs_from_any_folder(tmp_path):
    """One way to find the repository: the command does the same wherever it is run."""
    result = subprocess.run([sys.executable, "-m", "autograder", "check", str(REFERENCE)], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert list(tmp_path.iterdir()) == []
