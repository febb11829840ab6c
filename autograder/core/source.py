"""A submission's source read without running it: what its top level does, which functions are
written, what it defines.

A file is imported to be graded, so every statement at its top level runs first. Definitions
(imports, ``def``, ``class``, constants) are what grading needs; anything else (training, plots,
reading files, test calls, prints) is *work*: it runs on every import, slows the checks down or
stops them (a relative path, a missing file). ``kind`` sorts a top-level statement; notebooks keep
the definitions only (``notebook``), and ``check`` warns about the work a ``.py`` file does
(``top_level_work``). ``written`` says which functions are more than the skeleton's
``raise NotImplementedError``, ``definitions`` what a module defines, to compare two versions, and
``used_by`` which of its names some functions need.
"""

import ast
import enum

from autograder.core.callgraph import bound_names, calls

# A value built from these calls only is a constant (no I/O): arrays, dtypes, containers.
CONSTANT_CALLS = {"array", "asarray", "zeros", "ones", "full", "arange", "linspace", "eye", "float64",
                  "int64", "float32", "dtype", "tuple", "list", "dict", "set", "frozenset", "range"}
TOOLING_MODULES = ("autograder", "google.colab", "IPython")  # imported to check, never graded


class Kind(enum.Enum):
    """What a top-level statement is, for grading."""

    DEFINITION = "definition"  # an import, a def, a class, a constant: kept
    NOTHING = "nothing"  # a docstring, ``pass``, the handout's own check() calls and tooling imports
    MAIN_BLOCK = "main block"  # ``if __name__ == "__main__":``, which runs only as a script
    WORK = "work"  # anything else: it runs whenever the file is imported


def kind(statement):
    """The ``Kind`` of a top-level statement (an ``ast`` node)."""
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        names = [statement.module or ""] if isinstance(statement, ast.ImportFrom) else [
            alias.name for alias in statement.names]
        tooling = any(n == module or n.startswith(module + ".") for n in names for module in TOOLING_MODULES)
        return Kind.NOTHING if tooling else Kind.DEFINITION
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return Kind.DEFINITION
    if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        constant = all(isinstance(t, ast.Name) for t in targets) and _constant(statement.value)
        return Kind.DEFINITION if constant else Kind.WORK
    if isinstance(statement, ast.Expr):
        value = statement.value
        if isinstance(value, ast.Constant):  # a docstring or a bare string: nothing runs
            return Kind.NOTHING
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "check":
            return Kind.NOTHING  # the handout notebook's check cells
    if isinstance(statement, ast.Pass):
        return Kind.NOTHING
    if _main_guard(statement):
        return Kind.MAIN_BLOCK
    return Kind.WORK


def _constant(node):
    """A value built only from literals, names, arithmetic and a few array constructors (no I/O)."""
    for part in ast.walk(node):
        if isinstance(part, (ast.Lambda, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)):
            return False
        if isinstance(part, ast.Call):
            function = part.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
            if name not in CONSTANT_CALLS:
                return False
    return True


def _main_guard(statement):
    """``if __name__ == "__main__":`` (either way round), with no ``else``."""
    if not isinstance(statement, ast.If) or statement.orelse or not isinstance(statement.test, ast.Compare):
        return False
    test = statement.test
    sides = [test.left, *test.comparators]
    return (len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)
            and any(isinstance(side, ast.Name) and side.id == "__name__" for side in sides)
            and any(isinstance(side, ast.Constant) and side.value == "__main__" for side in sides))


def top_level_work(text):
    """``[(line, its first line of code)]``: the statements of a module's source that do work when it
    is imported (``Kind.WORK``), in order; none for a source that does not parse (its error says more)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    lines = text.splitlines()
    return [(statement.lineno, lines[statement.lineno - 1].strip())
            for statement in tree.body if kind(statement) is Kind.WORK]


def written(text, functions):
    """The names of ``functions`` that ``text`` defines with a body of its own (not only the skeleton's
    ``raise NotImplementedError``, after the docstring); None when ``text`` does not parse."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    found = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in functions:
            body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
            skeleton = len(body) == 1 and isinstance(body[0], ast.Raise) and _not_implemented(body[0].exc)
            (found.discard if skeleton else found.add)(node.name)
    return found


def _not_implemented(exception):
    called = exception.func if isinstance(exception, ast.Call) else exception
    return isinstance(called, ast.Name) and called.id == "NotImplementedError"


def definitions(text):
    """``{name: its definition as a syntax tree, dumped}`` for the names a module's source binds at its
    top level (the last binding wins; formatting and comments do not count); {} if it does not parse."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return {}
    found = {}
    for statement in tree.body:
        dumped = ast.dump(statement)
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found[statement.name] = dumped
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            found.update({target.id: dumped for target in targets if isinstance(target, ast.Name)})
        elif isinstance(statement, ast.Try):  # a notebook's guarded import
            for inner in statement.body:
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    found.update(dict.fromkeys(bound_names(inner), ast.dump(inner)))
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            found.update(dict.fromkeys(bound_names(statement), dumped))
    return found


def used_by(text, functions):
    """``functions`` and the top-level names of ``text`` they use, directly or through the functions they
    call (helpers, constants, imports): what a check of ``functions`` runs of the module."""
    uses, defined = calls(text), set(definitions(text))
    found, todo = set(functions), list(functions)
    while todo:
        for name in uses.get(todo.pop(), set()) & defined - found:
            found.add(name)
            todo.append(name)
    return found
