"""Build a whole submission from the reference and a patch: a few functions written differently.

The audit corpus stores each buggy or alternative submission as a patch file that defines only the
functions it changes. ``apply_patch`` replaces those functions in the reference (matching by name),
appends new private helpers, and adds the patch's imports, giving the file a student would hand in.
"""

import ast


def apply_patch(reference_source, patch_source):
    """The reference with every top-level function the patch defines replaced by the patch's."""
    patch = ast.parse(patch_source)
    reference_lines = reference_source.splitlines()
    patch_lines = patch_source.splitlines()
    replacements = {
        node.name: "\n".join(patch_lines[_start(node) - 1:node.end_lineno])
        for node in patch.body if isinstance(node, ast.FunctionDef)
    }
    imports = [ast.get_source_segment(patch_source, node) for node in patch.body
               if isinstance(node, (ast.Import, ast.ImportFrom))]
    out, cursor = [], 0
    for node in ast.parse(reference_source).body:
        if isinstance(node, ast.FunctionDef) and node.name in replacements:
            out.extend(reference_lines[cursor:_start(node) - 1])
            out.append(replacements.pop(node.name))
            cursor = node.end_lineno
    out.extend(reference_lines[cursor:])
    added = "\n\n\n".join(replacements.values())  # helpers the reference does not have
    return "\n".join(imports + out) + ("\n\n\n" + added if added else "") + "\n"


def describe_patch(patch_source):
    """The first docstring line, ``"<function>: <what is different>"``, split in two."""
    summary = (ast.get_docstring(ast.parse(patch_source)) or "").splitlines()
    function, _, what = (summary[0] if summary else "").partition(":")
    return function.strip(), what.strip()


def _start(node):
    """The first line of a function, decorators included."""
    return min([node.lineno] + [d.lineno for d in node.decorator_list])


UNFINISHED = {  # how a function is left unfinished: the body it is given (after its docstring)
    "skeleton": "raise NotImplementedError",
    "loop": "while True:  # an endless loop\n    pass",
    "raise": 'raise ValueError("not finished yet")',
}


def leave_unfinished(source, function, how):
    """``source`` with ``function``'s body (its docstring kept) replaced by the ``UNFINISHED[how]``
    body: work in progress as students hand it in."""
    lines = source.splitlines()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            first = node.body[0]
            documented = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                and isinstance(first.value.value, str)
            start = first.end_lineno if documented else first.lineno - 1
            indent = " " * first.col_offset
            body = [indent + line for line in UNFINISHED[how].splitlines()]
            return "\n".join(lines[:start] + body + lines[node.end_lineno:]) + "\n"
    raise KeyError(f"no function {function!r} in the source")
