"""Independent grading: a bug is charged to the function that has it, and the feedback says how."""

from autograder.core.feedback import render_report
from autograder.core.grading import grade


def test_a_caller_is_graded_with_the_reference_in_place_of_a_buggy_callee(cnn, patched):
    submission = patched("bugs/conv2d_default_padding_one_under_multichannel.py")
    report = grade(cnn, submission, public=False, functions=["conv2d", "conv2d_multichannel"])
    assert report.result("conv2d").points < report.result("conv2d").possible
    assert report.result("conv2d_multichannel").points == report.result("conv2d_multichannel").possible
    text = render_report(report, show_points=True)
    assert text.count("conv2d_multichannel: graded with the reference conv2d in place of yours") == 1


def test_a_failing_public_check_points_at_the_failing_function_it_uses_first(cnn, patched):
    report = grade(cnn, patched("bugs/relu_backward_gates_on_dout.py"), hidden=False,
                   functions=["relu_backward", "loss_and_grads"])
    failed = [v for v in report.result("loss_and_grads").public if not v.passed]
    assert failed and all(v.message.startswith("loss_and_grads uses relu_backward, which fails its own checks: "
                                               "fix it first.") for v in failed)
