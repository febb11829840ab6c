"""Reproduce a student's failing case for an instructor: one function, the same checks and seed.

``replay`` grades one function of one submission with its public and hidden checks, exactly as
bulk grading and Gradescope do (same seed, so the same minimal examples); ``render_replay``
prints every failing check with its example and a Python snippet to paste into a REPL (arrays
written in full precision). A check made with ``Check.on_calls`` has a call as its example: the
snippet makes that call and the reference's. One made with ``Check.on_inputs`` makes its own calls
from its example: the snippet sets the inputs and says where the check is defined.
"""

import importlib.util
import inspect
import re
from pathlib import Path

import numpy as np

from autograder.core.feedback import render_verdict
from autograder.core.grading import choose, grade
from autograder.core.outcomes import Status


def replay(assignment, submission, function):
    """The ``Report`` of ``function``'s public and hidden checks on ``submission``."""
    return grade(assignment, submission, choose(assignment, [function]))


def literal(value):
    """Python source that rebuilds ``value`` exactly (numpy imported as ``np``)."""
    if isinstance(value, np.ndarray):
        text = f"np.array({value.tolist()!r}, dtype={value.dtype.name!r})"
        return text + (f".reshape({value.shape!r})" if value.size == 0 else "")
    if isinstance(value, np.generic):
        return f"np.{type(value).__name__}({value.item()!r})"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, tuple):
        return "(" + ", ".join(literal(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    return repr(value)


def definition(check):
    """Where ``check``'s verify function is written: "path:line (name)", the path relative to the
    current folder when it is inside it."""
    verify = inspect.unwrap(check.verify)
    try:
        path, line = Path(inspect.getsourcefile(verify)).resolve(), inspect.getsourcelines(verify)[1]
    except (TypeError, OSError):
        return f"the definition of the check {check.title!r}"
    if path.is_relative_to(Path.cwd()):
        path = path.relative_to(Path.cwd())
    return f"{path}:{line} ({verify.__qualname__.split('.<locals>')[0]})"


def _reference_file(name):
    try:
        spec = importlib.util.find_spec(f"solutions.{name}.{name}")
    except (ImportError, ValueError):
        return None
    return Path(spec.origin) if spec and spec.origin else None


def snippet(assignment, submission, verdict):
    """Python source reproducing the verdict's minimal example: the call, for a check on calls."""
    module, function = assignment.module_name, verdict.check.function
    example, submission = verdict.example, Path(submission)
    lines = [
        f"# {module}.{function} on the smallest input of the check {verdict.check.title!r}",
        "# (this runs the submission's code in your Python, unsandboxed: only for code you trust)",
        "import importlib.util",
        "",
        "import numpy as np",
        "",
        f"spec = importlib.util.spec_from_file_location({module!r}, {str(submission.resolve())!r})",
        f"{module} = importlib.util.module_from_spec(spec)",
        f"spec.loader.exec_module({module})",
        "",
    ]
    values = [f"{name} = {literal(value)}" for name, value in example.items()]
    if re.search(r"\b(nan|inf)\b", "\n".join(values)):  # repr of non-finite floats
        lines.insert(lines.index("import numpy as np") + 1, "from numpy import inf, nan")
    lines += values
    if not verdict.check.example_is_call:
        lines += [f"# this check calls {function} (and maybe other functions) its own way with these inputs:",
                  f"# see {definition(verdict.check)}"]
        return "\n".join(lines) + "\n"
    call = f"{module}.{function}(" + ", ".join(f"{name}={name}" for name in example) + ")"
    lines += [f"returned = {call}", "print(returned)"]
    reference = _reference_file(assignment.name)
    if reference is not None:
        lines += ["", "# the reference, for comparison",
                  f"reference_spec = importlib.util.spec_from_file_location('reference', {str(reference)!r})",
                  "reference = importlib.util.module_from_spec(reference_spec)",
                  "reference_spec.loader.exec_module(reference)",
                  f"expected = reference.{function}(" + ", ".join(f"{n}={n}" for n in example) + ")",
                  "print(expected)"]
    return "\n".join(lines) + "\n"


def render_replay(assignment, submission, function, report):
    """Each failing check with its minimal example and a snippet to reproduce it."""
    verdicts = report.result(function).verdicts
    failed = [v for v in verdicts if v.status is Status.FAILED]
    missing = [v for v in verdicts if v.status is Status.NOT_IMPLEMENTED]
    lines = [f"Replaying {function} of {submission} (assignment {assignment.name}, Hypothesis seed {report.seed}): "
             f"{len(failed)} of {len(verdicts)} checks fail"
             + (f", {len(missing)} not implemented" if missing else "")]
    if not failed and not missing:
        lines.append(f"Every check of {function} passes on this submission.")
    for verdict in missing[:1]:
        lines += ["", render_verdict(verdict)]
    for verdict in failed:
        lines += ["", render_verdict(verdict)]
        if verdict.example:
            lines += ["", "To reproduce it, paste this into a Python REPL:", "",
                      snippet(assignment, submission, verdict)]
    return "\n".join(lines)
