"""The packages of ``autograder`` and the direction of their imports, read from the source (ast).

The sandbox imports nothing else of ours; the core imports the sandbox only; the Gradescope glue
builds on both; the instructor tools on all three; the command lines sit on top: the students'
(``check.py``, shipped) on the core only, the instructors' (``cli.py``, not shipped) on everything,
lazily. Nothing that ships to students imports Otter, PyYAML, matplotlib, the Gradescope and
instructor packages or the instructors' command line, and
every module belongs to exactly one package, so that a new file cannot dodge these rules. What
each package may import is read from the "May import:" sentence of its ``__init__.py`` docstring,
the one place that says it. The worker's folder gets every file the worker loads, and nothing
else of ours.
"""

import ast
import re
import sys
from pathlib import Path

import pytest

from autograder.gradescope.packaging import student_modules
from autograder.sandbox.worker import WORKER_FILES

PACKAGE = Path(__file__).resolve().parents[1] / "autograder"
TOP_LEVEL = {"__init__.py", "__main__.py", "check.py", "cli.py"}
INSTRUCTORS_ONLY = {"cli.py"}  # the top-level modules students do not get
PACKAGES = sorted(path.parent.name for path in PACKAGE.glob("*/__init__.py"))


def may_import_sentence(package):
    """The "May import: ..." sentence of ``package``'s docstring, or None."""
    docstring = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text())) or ""
    sentence = re.search(r"May import:(.*?)\.(\s|$)", docstring, re.DOTALL)
    return sentence and sentence.group(1)


# What each package may import of autograder (besides itself): the ``autograder.NAME`` its sentence names.
MAY_IMPORT = {package: set(re.findall(r"``autograder\.(\w+)``", may_import_sentence(package) or ""))
              for package in PACKAGES}
NOT_FOR_STUDENTS = {"otter", "yaml", "matplotlib", "autograder.gradescope", "autograder.instructor", "autograder.cli"}


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


@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_says_what_it_may_import_and_the_layers_have_no_cycle(package):
    assert may_import_sentence(package), f"{package}/__init__.py has no 'May import: ...' sentence"
    assert MAY_IMPORT[package] <= set(PACKAGES), f"{package} names packages that do not exist"
    below, reached = set(MAY_IMPORT[package]), set()
    while below - reached:  # everything it may import, directly or through another package
        reached |= below
        below = set().union(*(MAY_IMPORT[name] for name in reached))
    assert package not in reached, f"{package} may import itself through {sorted(reached)}"


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


def test_students_get_their_command_line_the_sandbox_and_the_core_but_not_the_instructors():
    shipped = set(student_modules())
    top_level = {path for path in shipped if package_of(path) is None}
    assert top_level == {Path(name) for name in TOP_LEVEL - INSTRUCTORS_ONLY}
    assert {package_of(path) for path in shipped} - {None} == {"sandbox", "core"}
    assert shipped == {path for path in modules()
                       if package_of(path) in ("sandbox", "core") or (package_of(path) is None
                                                                      and path.name not in INSTRUCTORS_ONLY)}


@pytest.mark.parametrize("path", student_modules(), ids=str)
def test_nothing_shipped_to_students_imports_otter_or_instructor_tools(path):
    """Anywhere in the file: ``__main__`` looks for the instructors' command line before importing it
    (``find_spec``), which a handout does not have; its import is the one allowed."""
    names = imports(path) - ({"autograder.cli", "autograder.cli.main"} if path.name == "__main__.py" else set())
    wrong = sorted(name for name in names
                   if any(name == banned or name.startswith(banned + ".") for banned in NOT_FOR_STUDENTS))
    assert wrong == [], f"{path} is shipped to students"


def test_the_instructors_command_line_builds_on_the_students():
    """One parser, one ``main``: ``cli`` adds its commands to ``check``'s, and nothing of ours imports ``cli``."""
    assert {"autograder.check"} <= imports(Path("cli.py"), module_level_only=True)
    importers = [str(path) for path in modules() if path.name not in ("cli.py", "__main__.py")
                 and any(name.startswith("autograder.cli") for name in imports(path))]
    assert importers == []


def test_the_worker_folder_gets_every_file_the_worker_loads_and_nothing_else_of_ours():
    """``Worker`` copies only ``WORKER_FILES`` beside the submission and runs ``worker_main.py`` as a
    script: what it loads by file name (``with_name("wire.py")``) must be in that list, and those
    files may import the standard library and numpy only, never a package (ours is not on the path)."""
    loaded = set()
    for name in WORKER_FILES:
        tree = ast.parse((PACKAGE / "sandbox" / name).read_text())
        loaded |= {node.value for node in ast.walk(tree)
                   if isinstance(node, ast.Constant) and isinstance(node.value, str)
                   and re.fullmatch(r"\w+\.py", node.value)}
        allowed = set(sys.stdlib_module_names) | {"numpy"}
        wrong = sorted(module for module in imports(Path("sandbox") / name) if module.split(".")[0] not in allowed)
        assert wrong == [], f"{name} runs in the worker's folder"
    assert {"worker_main.py"} | loaded == set(WORKER_FILES)
