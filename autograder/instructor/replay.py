"""Reproduce a student's failing case for an instructor: one function, the same checks and seed.

``replay`` grades one function of one submission with its public and hidden checks, exactly as
bulk grading and Gradescope do (same seed, so the same minimal examples); ``render_replay``
prints every failing check with its example and a Python snippet that calls the student's
function on that example (arrays written in full precision), to paste into a REPL.
"""

import ast
import importlib.util
import re
from pathlib import Path

import numpy as np

from autograder.core.feedback import render_verdict
from autograder.core.grading import grade
from autograder.core.runner import FAILED, NOT_IMPLEMENTED


def replay(assignment, submission, function):
    """The ``Report`` of ``function``'s public and hidden checks on ``submission``."""
    return grade(assignment, submission, functions=[function])


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


def parameters_of(path, function):
    """(parameter names, required ones) of ``function`` in the file at ``path``, or None if unknown."""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function:
            arguments = node.args
            if arguments.kwarg or arguments.vararg:
                return None  # *args or **kwargs: any call may be fine
            positional = arguments.posonlyargs + arguments.args
            required = [a.arg for a in positional[:len(positional) - len(arguments.defaults)]]
            required += [a.arg for a, default in zip(arguments.kwonlyargs, arguments.kw_defaults) if default is None]
            return [a.arg for a in positional + arguments.kwonlyargs], required
    return None


def _reference_file(name):
    try:
        spec = importlib.util.find_spec(f"solutions.{name}.{name}")
    except (ImportError, ValueError):
        return None
    return Path(spec.origin) if spec and spec.origin else None


def snippet(assignment, submission, verdict):
    """Python source calling the student's function on the verdict's minimal example."""
    module, function = assignment.module_name, verdict.check.function
    example, submission = verdict.example, Path(submission)
    reference = _reference_file(assignment.name)
    signature = parameters_of(reference or submission, function)
    # The example is the call itself (as for every check comparing with the reference) when its
    # names are the function's parameters; otherwise the check makes its own calls from it.
    exact = signature is None or (set(example) <= set(signature[0]) and set(signature[1]) <= set(example))
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
    call = f"{module}.{function}(" + ", ".join(f"{name}={name}" for name in example) + ")"
    if not exact:
        lines += [f"# this check calls {function} its own way with these inputs: see its definition in",
                  f"# assignments/{assignment.name}/checks.py ({verdict.check.title!r}); for instance",
                  f"# returned = {call}"]
        return "\n".join(lines) + "\n"
    lines += [f"returned = {call}", "print(returned)"]
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
    failed = [v for v in verdicts if v.status == FAILED]
    missing = [v for v in verdicts if v.status == NOT_IMPLEMENTED]
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
