"""Which top-level functions of a source file call which: read from its syntax tree, never run.

The audit uses it to grade a bug together with the functions that call it; feedback uses it to
point at a failing function that another failing one depends on ("fix relu_backward first").
"""

import ast


def calls(source):
    """{function: names it uses} for the top-level functions of ``source`` ({} if it does not parse)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    return {node.name: {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def callers(source, function):
    """The top-level functions of ``source`` that call ``function``, directly or through others."""
    uses = calls(source)
    found, todo = set(), [function]
    while todo:
        called = todo.pop()
        for caller, names in uses.items():
            if called in names and caller not in found:
                found.add(caller)
                todo.append(caller)
    return found - {function}
