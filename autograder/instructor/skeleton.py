"""Make the student skeleton from the reference solution: one source of truth.

Solution code sits between marker lines, as Otter Assign marks it::

    def conv1d(x, w, stride=1, padding=0):
        \"\"\"Docstring: kept, students need it.\"\"\"
        # BEGIN SOLUTION
        ...the reference implementation...
        # END SOLUTION

Inside a function the block becomes ``raise NotImplementedError("conv1d is not implemented yet")``,
which the checks report as "not implemented"; a block at module level (private helpers) is dropped.
``generated_files`` gives an assignment's skeleton and its notebook (``handout_notebook``), as
``make skeleton`` writes them and ``make zips`` requires them.
"""

import re
from pathlib import Path

from autograder.core import assignment as assignments
from autograder.core.repository import ROOT
from autograder.instructor.handout_notebook import notebook_text

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
_DEF = re.compile(r"^(\s*)def (\w+)\(")


class MarkerError(ValueError):
    """Unbalanced or misplaced solution markers."""


def make_skeleton(source):
    """The skeleton text for a solution file's text."""
    lines = source.splitlines()
    out = []
    block_start = None
    for number, line in enumerate(lines, start=1):
        marker = line.strip()
        if marker == BEGIN:
            if block_start is not None:
                raise MarkerError(f"line {number}: {BEGIN} inside another solution block")
            block_start, indent = number, line[: len(line) - len(line.lstrip())]
        elif marker == END:
            if block_start is None:
                raise MarkerError(f"line {number}: {END} without {BEGIN}")
            if indent:
                function = _enclosing_function(lines[: block_start - 1], indent)
                out.append(f'{indent}raise NotImplementedError("{function} is not implemented yet")')
            block_start = None
        elif block_start is None:
            out.append(line)
    if block_start is not None:
        raise MarkerError(f"line {block_start}: {BEGIN} is never closed")
    text = "\n".join(out) + "\n"
    return re.sub(r"\n{4,}", "\n\n\n", text)  # a dropped helper leaves no gap wider than PEP 8's


def _enclosing_function(lines_before, indent):
    for line in reversed(lines_before):
        match = _DEF.match(line)
        if match and len(match.group(1)) < len(indent):
            return match.group(2)
    raise MarkerError(f"a solution block indented by {len(indent)} is not inside a function")


def generated_files(name, root=ROOT):
    """``{path: text}``: the skeleton ``assignments/NAME/NAME.py`` made from the reference
    ``solutions/NAME/NAME.py``, and the notebook ``NAME.ipynb`` made from it and the handout's
    ``README.md``. ``FileNotFoundError`` without a reference, ``MarkerError`` for bad markers."""
    solution = Path(root) / "solutions" / name / f"{name}.py"
    skeleton = Path(root) / "assignments" / name / f"{name}.py"
    text = make_skeleton(solution.read_text())
    readme = skeleton.with_name("README.md")
    functions = assignments.load(name, root=root).functions
    notebook = notebook_text(readme.read_text() if readme.is_file() else "", text, name, functions)
    return {skeleton: text, skeleton.with_suffix(".ipynb"): notebook}
