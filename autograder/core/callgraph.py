"""Which top-level functions of a source file call which: read from its syntax tree, never run.

The audit grades a patched submission on the functions the patch may change and those calling
them (``affected``); a student's ``check`` reads which functions their own file's functions use
(``source.used_by``). Grading itself never parses an upload: the worker reports which graded
function names which (``sandbox.worker_main.calls_among``), under its limits.
"""

import ast
import functools


def calls(source):
    """{function: names it uses} for the top-level functions of ``source`` ({} if it does not parse)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    return {node.name: {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def affected(before, after):
    """The top-level functions of ``after`` that may behave differently from those of ``before``.

    Those whose definition differs or is new (compared as syntax trees: moving or reformatting a
    function changes nothing), those using a name that a top-level statement found in one source
    only binds (an import, a constant) or that a removed function had, and every function calling
    one of them.
    """
    old_functions, old_others = _top_level(before)
    new_functions, new_others = _top_level(after)
    changed = {name for name, tree in new_functions.items() if old_functions.get(name) != tree}
    rebound = set(old_functions) - set(new_functions)
    for statement in old_others.keys() ^ new_others.keys():
        rebound |= bound_names(old_others.get(statement) or new_others[statement])
    uses = calls(after)
    return _calling(uses, changed | {function for function, names in uses.items() if names & rebound})


def _calling(uses, functions):
    """``functions`` and every function of ``uses`` ({function: names it uses}) that calls one of them."""
    found, todo = set(functions), list(functions)
    while todo:
        called = todo.pop()
        for caller, names in uses.items():
            if called in names and caller not in found:
                found.add(caller)
                todo.append(caller)
    return found


@functools.lru_cache(maxsize=4)  # the audit compares every entry with the same reference
def _top_level(source):
    """({function name: its syntax tree, dumped}, {dump: statement} for every other statement)."""
    functions, others = {}, {}
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions[node.name] = ast.dump(node)
        else:
            others[ast.dump(node)] = node
    return functions, others


def bound_names(statement):
    """The names a top-level statement binds."""
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in statement.names}
    if isinstance(statement, ast.ClassDef):
        return {statement.name}
    return {node.id for node in ast.walk(statement) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
