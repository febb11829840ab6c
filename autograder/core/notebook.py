"""Notebooks as submissions: the module a notebook defines, with its cells as Jupyter shows them.

A notebook mixes what it defines (imports, functions, classes, constants) with what it does
(training, plots, reading files, test calls). Grading wants only the first: ``module_of`` keeps, in
cell order, the imports (each allowed to fail: plots need modules the grader lacks), ``def``/
``class`` statements and assignments of constant values (``source.kind``), and leaves out every
other top-level statement, saying which (a note per statement; an ``if __name__ == "__main__":``
block, which the handout suggests for such work, silently).
The result is imported by the worker like any ``.py`` submission; the notebook itself never
runs in a grading process.

Cells are named as Jupyter shows them, ``In [7]`` (the kernel's input history, or a saved cell's
execution count), or, for a saved cell never run, by its first line; ``NotebookModule.locate``
turns a line of the module back into its cell and the line there, so feedback points at cells.
``read`` reads a saved notebook, ``module_of`` builds from cells (a kernel's history: see
``autograder.check``), and ``differences`` says what a kernel defines otherwise than the saved file,
among what a check runs.
"""

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

from autograder.core.source import Kind, definitions, kind, used_by
from autograder.core.text import indented

SETUP_MARKER = "# Setup cell"  # first line of the handout's own cells, which are not the student's code
_NOTES_SHOWN = 20
_STATEMENTS_NAMED = 3  # per cell, in a note on what was left out
_FIRST_LINE = "the cell beginning "  # how a saved cell never run is named
# A notebook often imports what only its plots need (matplotlib): a module missing where it is graded
# must not fail the whole file, only the functions that use it (NameError, in their feedback).
_IMPORT_GUARD = "try:\n{}\nexcept ImportError:  # not installed where this is checked\n    pass"


class NotebookError(ValueError):
    """The file is not a readable notebook."""


@dataclass(frozen=True)
class Cell:
    """A code cell: its name as Jupyter shows it (``In [7]``, or its first line if never run), its text."""

    label: str
    text: str


@dataclass
class NotebookModule:
    """The module a notebook defines: its ``source``, ``notes`` on what was left out (one line each),
    and ``spans``: ``(first line in source, cell label, first line in the cell, lines)`` per kept chunk."""

    source: str
    notes: list = field(default_factory=list)
    spans: list = field(default_factory=list)

    def locate(self, line):
        """``(cell label, line in that cell, the code there)`` for line ``line`` of ``source``, or None."""
        for start, label, cell_line, count in self.spans:
            if start <= line < start + count:
                return label, cell_line + line - start, self.source.splitlines()[line - 1].strip()
        return None


def read(path):
    """The ``NotebookModule`` of the saved notebook at ``path``; ``NotebookError`` if it cannot be read."""
    return module_of(read_cells(path))


def read_cells(path):
    """The code cells of the saved notebook at ``path``, in order, as ``Cell``s."""
    try:
        notebook = json.loads(Path(path).read_text(encoding="utf-8-sig"))  # a byte-order mark is no error
        cells = [cell for cell in notebook["cells"] if cell.get("cell_type") == "code"]
        sources = ["".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                   for cell in cells]
        counts = [cell.get("execution_count") for cell in cells]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError, RecursionError,
            MemoryError) as error:
        raise NotebookError(f"{path} is not a readable notebook ({_unreadable(error)})") from None
    return [Cell(f"In [{count}]" if isinstance(count, int) else _first_line_label(text), text)
            for count, text in zip(counts, sources) if isinstance(text, str)]


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


def _first_line_label(text):
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return f'{_FIRST_LINE}"{_cut(first, 50)}"'


def module_of(cells):
    """The ``NotebookModule`` of ``cells`` (``Cell``s, in the order they ran or are saved)."""
    chunks, notes, spans, line = [], [], [], 1
    for cell in cells:
        if cell.text.lstrip().startswith(SETUP_MARKER):
            continue
        code, magics = _without_magics(cell.text)
        try:
            tree = ast.parse(code)
        except SyntaxError as error:
            notes.append(f"{cell.label}: left out, it has a syntax error at line {error.lineno}: {error.msg}")
            continue
        except (RecursionError, MemoryError, ValueError) as error:  # nested too deeply, too large, a NUL byte
            notes.append(f"{cell.label}: left out, Python cannot read it (too large, nested too deeply, or "
                         f"holding a NUL character: {type(error).__name__})")
            continue
        lines, work = code.splitlines(), []
        for statement in tree.body:
            found = kind(statement)
            if found is Kind.DEFINITION:
                first = min([statement.lineno] + [d.lineno for d in getattr(statement, "decorator_list", [])])
                chunk = "\n".join(lines[first - 1:statement.end_lineno])
                guarded = isinstance(statement, (ast.Import, ast.ImportFrom))
                if guarded:
                    chunk = _IMPORT_GUARD.format(indented(chunk))
                chunks.append(chunk)
                spans.append((line + guarded, cell.label, first, statement.end_lineno - first + 1))
                line += len(chunk.splitlines()) + 2  # chunks are joined by two blank lines
            elif found is Kind.WORK:
                work.append((statement.lineno, _cut(lines[statement.lineno - 1].strip())))
        if work:
            notes.append(_work_note(cell, work))
        if magics:
            notes.append(f"{cell.label}: left out {magics} notebook command line(s) (% or !)")
    if len(notes) > _NOTES_SHOWN:
        notes = notes[:_NOTES_SHOWN] + [f"... and {len(notes) - _NOTES_SHOWN} more statements left out"]
    source = "\n\n\n".join(chunks) + "\n"
    return NotebookModule(source, notes, spans)


def _work_note(cell, work):
    """One note for the statements of ``cell`` left out (``[(line, code)]``): the first
    ``_STATEMENTS_NAMED``, each by its line and code (a cell named by its first line: that line by
    its place only, so that nothing is said twice)."""
    lines = cell.text.splitlines()
    first = next((number for number, line in enumerate(lines, start=1) if line.strip()), 0)
    named = ["its first line" if line == first and cell.label.startswith(_FIRST_LINE) else f"line {line} `{code}`"
             for line, code in work[:_STATEMENTS_NAMED]]
    more = f" and {len(work) - _STATEMENTS_NAMED} more" if len(work) > _STATEMENTS_NAMED else ""
    return (f"{cell.label}: left out {', '.join(named)}{more} (top-level code that does something rather than "
            f"define something)")


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


def _cut(text, most=80):
    return text if len(text) <= most else text[:most - 3] + "..."


@dataclass(frozen=True)
class Differences:
    """The top-level names a kernel defines otherwise than the saved notebook, each sorted: ``changed``
    (defined in both, otherwise) and ``kernel_only`` (defined in the kernel only)."""

    changed: tuple = ()
    kernel_only: tuple = ()

    def __bool__(self):
        return bool(self.changed or self.kernel_only)


def differences(kernel, saved, functions):
    """What the ``NotebookModule`` a kernel ran defines otherwise than the saved notebook's, among what
    checking ``functions`` runs (``source.used_by``: not the cells of later parts, not yet run), compared
    as syntax trees: formatting and comments do not count."""
    ran, stored = definitions(kernel.source), definitions(saved.source)
    needed = used_by(kernel.source, functions)
    return Differences(tuple(sorted(name for name in needed & ran.keys() & stored.keys() if ran[name] != stored[name])),
                       tuple(sorted(needed & ran.keys() - stored.keys())))
