"""Notebooks as submissions: the module a notebook defines, and ``check()`` for its cells.

A notebook mixes what it defines (imports, functions, classes, constants) with what it does
(training, plots, reading files, test calls). Grading wants only the first: ``module_source``
keeps, in cell order, the imports (each allowed to fail: plots need modules the grader lacks),
``def``/``class`` statements and assignments of constant values, and leaves out every other
top-level statement, saying which (a note per statement).
The result is imported by the worker like any ``.py`` submission; the notebook itself never
runs in a grading process.

Inside Jupyter or Colab, ``checker(NAME)`` gives the ``check("conv1d")`` the handout notebook
calls: it builds the same module from the cells run so far (the kernel's input history, so what
the kernel knows) and runs the public checks on it in a worker, printing the usual report.
"""

import ast
import json
import tempfile
from pathlib import Path

from autograder.core.text import indented

SETUP_MARKER = "# Setup cell"  # first line of the handout's own cells, which are not the student's code
_TOOLING_MODULES = ("autograder", "google.colab", "IPython")  # imported to check, never graded
_CONSTANT_CALLS = {"array", "asarray", "zeros", "ones", "full", "arange", "linspace", "eye", "float64",
                   "int64", "float32", "dtype", "tuple", "list", "dict", "set", "frozenset", "range"}
_NOTES_SHOWN = 20
# A notebook often imports what only its plots need (matplotlib): a module missing where it is graded
# must not fail the whole file, only the functions that use it (NameError, in their feedback).
_IMPORT_GUARD = "try:\n{}\nexcept ImportError:  # not installed where this is checked\n    pass"


class NotebookError(ValueError):
    """The file is not a readable notebook."""


def module_source(ipynb_path):
    """``(python_source, notes)`` for the notebook at ``ipynb_path``: its code cells' imports,
    definitions and constants as a module, and one note per top-level statement left out."""
    try:
        notebook = json.loads(Path(ipynb_path).read_text(encoding="utf-8-sig"))  # a byte-order mark is no error
        cells = [cell for cell in notebook["cells"] if cell.get("cell_type") == "code"]
        sources = ["".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                   for cell in cells]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError, RecursionError,
            MemoryError) as error:
        raise NotebookError(f"{ipynb_path} is not a readable notebook ({_unreadable(error)})") from None
    return cells_source(sources)


def _unreadable(error):
    """Why a file is not a notebook, in words."""
    if isinstance(error, RecursionError):
        return "it nests too deeply"
    if isinstance(error, MemoryError):
        return "it is too large to read"
    if isinstance(error, UnicodeDecodeError):
        return "it is not UTF-8 text"
    if isinstance(error, ValueError):
        return "it is not JSON"
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    return "it has no list of cells with their source"


def cells_source(sources):
    """``(python_source, notes)`` from the source texts of code cells, in order (see the module doc)."""
    kept, notes = [], []
    for number, text in enumerate(sources, start=1):
        if not isinstance(text, str) or text.lstrip().startswith(SETUP_MARKER):
            continue
        code, magics = _without_magics(text)
        try:
            tree = ast.parse(code)
        except SyntaxError as error:
            notes.append(f"cell {number}: left out, it has a syntax error at line {error.lineno}: {error.msg}")
            continue
        except (RecursionError, MemoryError, ValueError) as error:  # nested too deeply, too large, a NUL byte
            notes.append(f"cell {number}: left out, Python cannot read it (too large, nested too deeply, or "
                         f"holding a NUL character: {type(error).__name__})")
            continue
        lines = code.splitlines()
        chunks = []
        for statement in tree.body:
            verdict = _keep(statement)
            if verdict is True:
                first = min([statement.lineno] + [d.lineno for d in getattr(statement, "decorator_list", [])])
                chunk = "\n".join(lines[first - 1:statement.end_lineno])
                if isinstance(statement, (ast.Import, ast.ImportFrom)):
                    chunk = _IMPORT_GUARD.format(indented(chunk))
                chunks.append(chunk)
            elif verdict is False:
                first = lines[statement.lineno - 1].strip()
                notes.append(f"cell {number}, line {statement.lineno}: left out `{_cut(first)}` "
                             f"(top-level code that does something rather than define something)")
        if magics:
            notes.append(f"cell {number}: left out {magics} notebook command line(s) (% or !)")
        if chunks:
            kept.append(f"# cell {number}\n" + "\n\n".join(chunks))
    if len(notes) > _NOTES_SHOWN:
        notes = notes[:_NOTES_SHOWN] + [f"... and {len(notes) - _NOTES_SHOWN} more statements left out"]
    return "\n\n\n".join(kept) + "\n", notes


def _without_magics(text):
    """The cell with IPython's ``%`` and ``!`` lines blanked (line numbers stay), and how many there were."""
    if text.lstrip().startswith("%%"):  # a cell magic: the whole cell is not Python
        return "", 1
    lines, magics = [], 0
    for line in text.splitlines():
        if line.lstrip().startswith(("%", "!")):
            lines.append("")
            magics += 1
        else:
            lines.append(line)
    return "\n".join(lines), magics


def _keep(statement):
    """True to keep a top-level statement, False to leave it out with a note, None to drop silently."""
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        names = [statement.module or ""] if isinstance(statement, ast.ImportFrom) else [
            alias.name for alias in statement.names]
        return None if any(n.split(".")[0] in _TOOLING_MODULES or n in _TOOLING_MODULES for n in names) else True
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        return all(isinstance(t, ast.Name) for t in targets) and _constant(statement.value)
    if isinstance(statement, ast.Expr):
        value = statement.value
        if isinstance(value, ast.Constant):  # a docstring or a bare string: nothing runs
            return None
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "check":
            return None  # the handout's check cells
    if isinstance(statement, ast.Pass):
        return None
    return False


def _constant(node):
    """A value built only from literals, names, arithmetic and a few array constructors (no I/O)."""
    for part in ast.walk(node):
        if isinstance(part, (ast.Lambda, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)):
            return False
        if isinstance(part, ast.Call):
            function = part.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
            if name not in _CONSTANT_CALLS:
                return False
    return True


def _cut(text, most=80):
    return text if len(text) <= most else text[:most - 3] + "..."


def checker(name="cnn"):
    """The ``check(*functions)`` of assignment ``name``'s notebook (see the module doc)."""

    def check(*functions):
        """Run the public checks of ``functions`` (default: all) on the functions this notebook has
        run so far, in a separate process; print the table and the smallest failing inputs."""
        from autograder.core import assignment as assignments
        from autograder.core.feedback import render_report
        from autograder.core.grading import choose, grade
        from autograder.core.outcomes import Status

        assignment = assignments.load(name)
        unknown = [f for f in functions if f not in assignment.functions]
        if unknown:
            print(f"no function named {', '.join(unknown)}: choose from {', '.join(assignment.functions)}")
            return
        source, left_out = cells_source(_cells_run_so_far())
        with tempfile.TemporaryDirectory() as folder:
            module = Path(folder) / f"{assignment.module_name}.py"
            module.write_text(source, encoding="utf-8")
            report = grade(assignment, module, choose(assignment, list(functions) or None, hidden=False))
        report.left_out = left_out
        print(render_report(report))
        passed = all(r.status is Status.PASSED for r in report.results)
        print("\nAll these checks pass." if passed else "\nSome checks did not pass yet.")

    return check


def _cells_run_so_far():
    """The source of every cell the kernel has run, in the order it ran them."""
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = lambda: None  # noqa: E731
    shell = get_ipython()
    if shell is None:
        raise RuntimeError("check() works inside a notebook; elsewhere run `python -m autograder check cnn.ipynb`")
    return list(shell.history_manager.input_hist_raw)
