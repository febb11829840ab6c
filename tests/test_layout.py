"""The packages of ``autograder`` and the direction of their imports, read from the source (ast).

The sandbox imports nothing else of ours; the core imports the sandbox only; the Gradescope glue
builds on both; the instructor tools on all three; the command line sits on top. Nothing that
ships to students imports Otter, PyYAML, matplotlib or the Gradescope and instructor packages at
module level (the command line imports those lazily, inside the commands that need them), and
every module belongs to exactly one package, so that a new file cannot dodge these rules.
"""

import ast
import sys
from pathlib import Path

import pytest

from autograder.gradescope.packaging import student_modules

PACKAGE = Path(__file__).resolve().parents[1] / "autograder"
TOP_LEVEL = {"__init__.py", "__main__.py", "cli.py"}
# What each package may import of autograder (besides itself), lowest first.
MAY_IMPORT = {
    "sandbox": set(),
    "core": {"sandbox"},
    "gradescope": {"sandbox", "core"},
    "instructor": {"sandbox", "core", "gradescope"},
}
NOT_FOR_STUDENTS = {"otter", "yaml", "matplotlib", "autograder.gradescope", "autograder.instructor"}


def modules():
    return sorted(path.relative_to(PACKAGE) for path in PACKAGE.rglob("*.py") if "__pycache__" not in path.parts)


def package_of(relative):
    return relative.parts[0] if len(relative.parts) > 1 else None


def imports(relative, module_level_only=False):
    """Dotted names ``relative`` imports (``from a import b`` gives ``a.b`` and ``a``), with
    relative imports resolved; only the module's top-level statements if ``module_level_only``."""
    tree = ast.parse((PACKAGE / relative).read_text())
    nodes = tree.body if module_level_only else ast.walk(tree)
    here = ["autograder", *relative.parent.parts]
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(here[:len(here) - node.level + 1] + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def ours(name):
    """The package of autograder that ``name`` is in ("" for the top level), or None if not ours."""
    parts = name.split(".")
    if parts[0] != "autograder":
        return None
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in MAY_IMPORT) else ""


def test_every_module_belongs_to_exactly_one_package():
    strays = [str(path) for path in modules()
              if (package_of(path) is None and path.name not in TOP_LEVEL)
              or (package_of(path) is not None and (package_of(path) not in MAY_IMPORT or len(path.parts) != 2))]
    assert strays == [], f"modules outside the packages {sorted(MAY_IMPORT)} and {sorted(TOP_LEVEL)}"
    for package in MAY_IMPORT:
        assert (PACKAGE / package / "__init__.py").is_file()
        assert ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text())), package


@pytest.mark.parametrize("path", [p for p in modules() if package_of(p)], ids=str)
def test_packages_import_only_below_themselves(path):
    package = package_of(path)
    allowed = MAY_IMPORT[package] | {package}
    wrong = sorted(name for name in imports(path) if ours(name) is not None and ours(name) not in allowed)
    assert wrong == [], f"{path} ({package}) may import of autograder only {sorted(allowed)}"


@pytest.mark.parametrize("path", [p for p in modules() if package_of(p) == "sandbox"], ids=str)
def test_the_sandbox_imports_only_the_standard_library_numpy_and_itself(path):
    allowed = set(sys.stdlib_module_names) | {"numpy"}
    wrong = sorted(name for name in imports(path)
                   if name.split(".")[0] not in allowed and ours(name) != "sandbox")
    assert wrong == []


def test_students_get_the_top_level_the_sandbox_and_the_core():
    shipped = set(student_modules())
    assert {path for path in shipped if package_of(path) is None} == {Path(name) for name in TOP_LEVEL}
    assert {package_of(path) for path in shipped} - {None} == {"sandbox", "core"}
    assert shipped == {path for path in modules() if package_of(path) in (None, "sandbox", "core")}


@pytest.mark.parametrize("path", student_modules(), ids=str)
def test_nothing_shipped_to_students_imports_otter_or_instructor_tools(path):
    # the top level may import them lazily, inside a command; the packages below it nowhere
    names = imports(path, module_level_only=package_of(path) is None)
    wrong = sorted(name for name in names
                   if any(name == banned or name.startswith(banned + ".") for banned in NOT_FOR_STUDENTS))
    assert wrong == [], f"{path} is shipped to students"
