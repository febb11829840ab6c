"""Independent grading: a bug is charged to the function that has it, and the feedback says how."""

import re

from autograder.core.feedback import render_report, render_verdict
from autograder.core.grading import choose, grade
from autograder.core.outcomes import Reason, Status


def test_a_caller_is_graded_with_the_reference_in_place_of_a_buggy_callee(cnn, patched):
    submission = patched("bugs/conv2d_default_padding_one_under_multichannel.py")
    report = grade(cnn, submission, choose(cnn, ["conv2d", "conv2d_multichannel"], public=False))
    assert report.result("conv2d").points < report.result("conv2d").possible
    caller = report.result("conv2d_multichannel")
    assert caller.points == caller.possible, [render_verdict(v) for v in caller.verdicts if not v.passed]
    text = render_report(report, show_points=True)
    assert text.count("conv2d_multichannel: graded with the reference conv2d in place of yours") == 1


def test_a_public_check_that_ran_a_failing_function_waits_on_it(cnn, patched):
    """A correct loss_and_grads built on a wrong relu_backward is not marked failed: its checks wait on
    relu_backward, and the feedback says to fix that one first, without showing what it computed."""
    report = grade(cnn, patched("bugs/relu_backward_gates_on_dout.py"),
                   choose(cnn, ["relu_backward", "loss_and_grads"], hidden=False))
    assert report.result("relu_backward").status is Status.FAILED
    caller = report.result("loss_and_grads")
    failed = [v for v in caller.public if not v.passed]
    assert failed and all(v.waiting_on == ("relu_backward",) and v.status is Status.WAITING for v in failed)
    assert caller.status is Status.WAITING and caller.waiting_on == ("relu_backward",)
    text = render_report(report)
    assert re.search(r"^loss_and_grads +… waiting on relu_backward ", text, re.M)
    assert "Waiting on relu_backward, which does not pass its own checks yet: fix relu_backward first." in text
    assert text.count("expected:") == sum("expected:" in render_verdict(v) for v in report.result("relu_backward")
                                          .verdicts if not v.passed)


def test_a_rule_check_earns_its_share_only_with_right_values(cnn, patched):
    """A conv1d wrong everywhere (the kernel flipped) keeps the rules on inputs and outputs, yet
    earns nothing for them; one right in some cases (padding with the edge values: right without
    padding) keeps their share. The feedback says why, once, without an example."""
    chosen = choose(cnn, ["conv1d"], public=False)
    for bug, earned in (("conv1d_flipped_kernel", False), ("conv1d_edge_padding", True)):
        result = grade(cnn, patched(f"bugs/{bug}.py"), chosen).result("conv1d")
        rules = [(share, v) for share, v in result.shares if v.check.rule]
        values = [v for share, v in result.shares if not v.check.rule]
        assert rules and all(share > 0 for share, _ in rules)
        assert any(v.passed for v in values) is earned
        assert all(v.passed for _, v in rules) is earned
        kept = sum(share for share, v in result.shares if v.passed and not v.check.rule)
        assert result.points == round(kept + (sum(share for share, _ in rules) if earned else 0), 2)
        if not earned:
            assert result.points == 0 and all(v.reason is Reason.VALUES_FIRST for _, v in rules)
            said = render_verdict(rules[0][1])
            assert "its points come with right values" in said and "Smallest input" not in said
