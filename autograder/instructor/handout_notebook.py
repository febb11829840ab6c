"""The handout as a notebook, ``NAME.ipynb``, made from the same sources as ``NAME.py``.

The text comes from the handout ``README.md`` (its introduction, the sections before the parts,
then each ``## Part`` section), the code from the skeleton (or, for tests, the reference): after
each part's text, one cell per function of that part (with the comments above it), then a check
cell such as ``check("conv1d")``. A first cell sets the checks up, in Jupyter (the notebook sits in
the unpacked handout) and in Colab (it unpacks an uploaded ``student.zip`` and pip-installs the
handout's requirements when hypothesis is missing). Plain JSON in the nbformat 4 layout: nothing
to install to build it.
"""

import ast
import json
import re

from autograder.core.notebook import SETUP_MARKER

_HEADING = re.compile(r"^## ", re.MULTILINE)

SETUP_CELL = f'''{SETUP_MARKER}: run it first. It makes check() available; the checks run your functions
# in a separate process and print what passes, what fails, and the smallest input that fails.
import subprocess
import sys
import zipfile
from pathlib import Path

if Path("student.zip").is_file() and not Path("{{name}}/autograder").is_dir():  # Colab: student.zip uploaded
    zipfile.ZipFile("student.zip").extractall()
handout = Path("{{name}}") if Path("{{name}}/autograder").is_dir() else Path.cwd()
try:
    import hypothesis  # noqa: F401
except ImportError:  # e.g. in Colab: one pip install, the only use of the network
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-r", str(handout / "requirements.txt")], check=True)
sys.path.insert(0, str(handout.resolve()))
sys.dont_write_bytecode = True  # no __pycache__ folders among your files
from autograder.check import checker

check = checker("{{name}}")  # check("conv1d"): what this kernel ran; check(saved=True): the saved notebook'''

CLOSING_TEXT = """## Checking and handing in

Run a function's cell after every change (the checks use what the notebook has *run*), then its
part's check cell; `check()` checks every function. What is graded is the *saved* notebook: when
it differs from what the kernel ran (a cell changed but not run again, a helper's cell deleted),
`check()` says so, and `check(saved=True)` checks the saved file as the grader will. Only the
notebook's imports, functions, classes and constants are checked and graded: top-level code that
trains, plots or reads files is left out, and the report says so. Hand in this notebook,
`{name}.ipynb`, saved (or `{name}.py`, one file either way)."""


def build_notebook(readme, module_text, name, functions):
    """The notebook (a dict in nbformat 4 layout) for handout text ``readme`` and code ``module_text``."""
    intro, sections = _sections(readme)
    parts = [s for s in sections if s.startswith("## Part")]
    before = sections[:_first_index(sections, parts)]  # e.g. the rules shared by every part
    preamble, chunks = _code_chunks(module_text, functions)
    cells = [_markdown(intro), _code(SETUP_CELL.replace("{name}", name)), *map(_markdown, before)]
    if preamble:
        cells.append(_code(preamble))
    for text, members in _group_by_part(parts, [f for f in functions if f in chunks], chunks):
        if text:
            cells.append(_markdown(text))
        cells += [_code(chunks[f]) for f in members]
        cells.append(_code(f"check({', '.join(repr(f) for f in members)})".replace("'", '"')))
    cells.append(_markdown(CLOSING_TEXT.format(name=name)))
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                     "language_info": {"name": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }


def notebook_text(readme, module_text, name, functions):
    """``build_notebook`` as the file's text (stable, so that a stale notebook shows in a diff)."""
    return json.dumps(build_notebook(readme, module_text, name, functions), indent=1, ensure_ascii=False) + "\n"


def _sections(readme):
    """The text before the first ``## `` heading, and each ``## `` section (heading included)."""
    starts = [m.start() for m in _HEADING.finditer(readme)]
    if not starts:
        return readme.strip(), []
    bounds = starts + [len(readme)]
    return readme[:starts[0]].strip(), [readme[a:b].strip() for a, b in zip(bounds, bounds[1:])]


def _first_index(sections, parts):
    return sections.index(parts[0]) if parts else len(sections)


def _group_by_part(parts, functions, chunks):
    """``[(part text, [functions])]``: a function goes to the part whose heading names it, else to
    the part a ``# Part N`` comment above it in the code starts, else to the previous function's."""
    if not parts:
        return [("", functions)]
    numbers = [re.match(r"## Part (\d+)", part) for part in parts]
    groups, current = [[] for _ in parts], 0
    for function in functions:
        named = [i for i, part in enumerate(parts) if re.search(rf"`{function}\(", part.splitlines()[0])]
        banner = re.findall(r"^# Part (\d+)", chunks[function], re.MULTILINE)
        started = [i for i, number in enumerate(numbers) if banner and number and number.group(1) == banner[-1]]
        current = (named or started or [current])[0]
        groups[current].append(function)
    return [(part, members) for part, members in zip(parts, groups) if members]


def _code_chunks(module_text, functions):
    """``(preamble, {function: its code})``: the imports and constants before the first function
    (module docstring dropped), then each function with the lines since the previous one."""
    tree = ast.parse(module_text)
    lines = module_text.splitlines()
    body = tree.body[1:] if tree.body and isinstance(tree.body[0], ast.Expr) and isinstance(
        getattr(tree.body[0], "value", None), ast.Constant) else tree.body
    start = tree.body[0].end_lineno if body is not tree.body else 0
    defs = [s for s in body if isinstance(s, ast.FunctionDef) and s.name in functions]
    if not defs:
        return "\n".join(lines[start:]).strip(), {}
    setup = [s for s in body if s.lineno < defs[0].lineno and isinstance(s, (ast.Import, ast.ImportFrom, ast.Assign))]
    preamble_end = setup[-1].end_lineno if setup else start
    chunks, previous = {}, preamble_end
    for number, statement in enumerate(defs):
        end = statement.end_lineno if number + 1 < len(defs) else len(lines)
        chunks[statement.name] = "\n".join(lines[previous:end]).strip()
        previous = end
    return "\n".join(lines[start:preamble_end]).strip(), chunks


def _markdown(text):
    return {"cell_type": "markdown", "metadata": {}, "source": _lines(text)}


def _code(text):
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": _lines(text)}


def _lines(text):
    return text.splitlines(keepends=True)
