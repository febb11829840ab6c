"""An assignment, as the machinery sees it: functions, checks, points, seed and limits.

An assignment named ``NAME`` is two folders, so a new one is a new folder pair, not a fork:

- ``assignments/NAME/`` (ships to students): ``NAME.py``, the skeleton students fill in, and
  ``checks.py``, which defines ``FUNCTIONS`` (the graded functions, in handout order),
  ``PUBLIC_CHECKS`` (a list of ``Check``), and optionally ``SEED``, ``CALL_SECONDS``
  (per-function limits in CPU seconds per call, for the few functions that need more than the
  default; the wall-clock backstop is ``checks.WALL_BACKSTOP`` times that) and ``BESIDE_SKELETON``
  (files of the folder that the handout also puts beside the skeleton, for students' own code:
  data and its loader);
- ``solutions/NAME/`` (instructors only): ``NAME.py``, the reference the skeleton is made from, and
  ``grading.py``, which defines ``POINTS`` (points per function) and ``HIDDEN_CHECKS``, and
  optionally ``ORACLE`` (function -> the other graded functions whose nested calls the reference
  answers while its hidden checks run, so that a bug is charged only where it is) with
  ``REFERENCE`` (the module answering them).

In a student handout the second folder is absent: the assignment then has public checks only.

Both sit in ``repository.ROOT`` (the repository, or an unpacked handout). ``default_name`` says
which assignment a command means when it is not told: the only one there, or the one
``pyproject.toml`` names (``[tool.autograder] assignment``).
"""

import contextlib
import hashlib
import importlib
import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path

import hypothesis
import numpy

from autograder.core import examples
from autograder.core.repository import ROOT

DEFAULT_SEED = 20261125


class UnknownAssignment(ValueError):
    """No assignment of that name can be imported."""


@dataclass
class Assignment:
    name: str
    functions: list
    public_checks: list
    hidden_checks: list = field(default_factory=list)
    points: dict = field(default_factory=dict)
    seed: int = DEFAULT_SEED
    call_seconds: dict = field(default_factory=dict)
    oracle: dict = field(default_factory=dict)  # function -> names the reference answers in its hidden checks
    reference: object = None  # the module whose functions answer them
    drawn: dict = field(default_factory=dict)  # check key -> its Drawn examples, as the autograder zip carries them
    folders: tuple = ()  # assignments/NAME and (where present) solutions/NAME
    beside_skeleton: tuple = ()  # file names of assignments/NAME the handout also puts beside NAME.py

    def oracle_for(self, check):
        """The names of the functions the reference answers for in a hidden, non-integration ``check``."""
        if check.integration or self.reference is None:
            return ()
        return tuple(name for name in self.oracle.get(check.function, ()) if name != check.function)

    @property
    def module_name(self):
        """The module name a submission is imported as (the file students hand in is NAME.py)."""
        return self.name

    @property
    def has_hidden_checks(self):
        return bool(self.hidden_checks)

    @property
    def identity(self):
        """A short hash of everything that decides a grade: the machinery (``autograder/``), the
        assignment's checks, reference and data (not the skeleton or the handout), and the versions
        of Python, numpy and Hypothesis. Bulk grading records it with every row, so that rows graded
        before a change are found; a checkout keeps its drawn examples under it (``examples``)."""
        versions = f"python {sys.version_info[:2]} numpy {numpy.__version__} hypothesis {hypothesis.__version__}"
        digest = hashlib.sha256(versions.encode())
        folders = {"autograder": ROOT / "autograder"}
        folders.update(zip((f"assignments.{self.name}", f"solutions.{self.name}"), self.folders))
        skeleton = f"assignments.{self.name}/{self.module_name}.py"
        for package, folder in folders.items():
            for path in sorted(Path(folder).rglob("*")):
                name = f"{package}/{path.relative_to(folder).as_posix()}"
                if path.suffix in (".py", ".npz", ".json") and "__pycache__" not in path.parts and name != skeleton:
                    digest.update(name.encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()[:12]


def names(root=ROOT):
    """The assignments in ``root``: the folders of ``assignments/`` that hold a ``checks.py``, sorted."""
    return sorted(path.parent.name for path in Path(root).glob("assignments/*/checks.py"))


def default_name(root=ROOT):
    """The assignment a command means when it names none: the only one in ``root``, else the one
    ``root/pyproject.toml`` names in ``[tool.autograder] assignment``; ``UnknownAssignment`` otherwise."""
    found = names(root)
    if len(found) == 1:
        return found[0]
    chosen = _setting(Path(root) / "pyproject.toml", "assignment")
    if chosen:
        return chosen
    if not found:
        raise UnknownAssignment(f"no assignment in {root} (expected assignments/NAME/checks.py)")
    raise UnknownAssignment(f"there are several assignments ({', '.join(found)}): say which with ASSIGNMENT=NAME "
                            f"(--assignment NAME), or name the default in pyproject.toml: [tool.autograder] "
                            f"assignment = \"NAME\"")


def _setting(pyproject, key):
    """``[tool.autograder] key`` of ``pyproject``, or None (no file; Python 3.10 has no tomllib, and a
    handout, which has one assignment, no pyproject.toml)."""
    try:
        import tomllib

        with open(pyproject, "rb") as file:
            return tomllib.load(file).get("tool", {}).get("autograder", {}).get(key)
    except (ImportError, OSError, ValueError):
        return None


def load(name, root=None):
    """Import assignment ``name`` (the solution side too, where it is present).

    ``root`` is the folder holding ``assignments/`` and ``solutions/`` (default: ``ROOT``, wherever
    the command runs from). With another ``root``, the two packages are imported from that folder,
    and the modules imported before are put back after.
    """
    if root is not None and Path(root).resolve() != ROOT:
        with _packages_from(root):
            return load(name)
    if importlib.util.find_spec("assignments") is None:  # run from another folder: ROOT is not on the path
        sys.path.append(str(ROOT))
    try:
        public = importlib.import_module(f"assignments.{name}.checks")
    except ModuleNotFoundError as error:
        if error.name not in (f"assignments.{name}", f"assignments.{name}.checks", "assignments"):
            raise
        raise UnknownAssignment(f"no assignment named {name!r} (expected assignments/{name}/checks.py)") from None
    try:
        hidden = importlib.import_module(f"solutions.{name}.grading")
    except ModuleNotFoundError as error:
        if error.name not in (f"solutions.{name}", f"solutions.{name}.grading", "solutions"):
            raise
        hidden = None
    seed = getattr(public, "SEED", DEFAULT_SEED)
    return Assignment(
        name=name,
        functions=list(public.FUNCTIONS),
        public_checks=list(public.PUBLIC_CHECKS),
        hidden_checks=list(hidden.HIDDEN_CHECKS) if hidden else [],
        points=dict(hidden.POINTS) if hidden else {},
        seed=seed,
        call_seconds=dict(getattr(public, "CALL_SECONDS", {})),
        oracle=dict(getattr(hidden, "ORACLE", {})),
        reference=getattr(hidden, "REFERENCE", None),
        drawn=examples.load(Path(hidden.__file__).with_name(examples.FILE_NAME), seed) if hidden else {},
        folders=tuple(Path(module.__file__).parent for module in (public, hidden) if module),
        beside_skeleton=tuple(getattr(public, "BESIDE_SKELETON", ())),
    )


PACKAGES = ("assignments", "solutions")


@contextlib.contextmanager
def _packages_from(root):
    """Import ``assignments`` and ``solutions`` from ``root`` inside the block, then restore.

    The modules loaded from ``root`` stay alive through the objects that use them (the checks
    and their reference functions); only ``sys.modules`` and ``sys.path`` are put back.
    """
    root = str(Path(root).resolve())
    ours = [module for module in sys.modules if module.split(".")[0] in PACKAGES]
    saved = {module: sys.modules.pop(module) for module in ours}
    sys.path.insert(0, root)
    importlib.invalidate_caches()
    try:
        yield
    finally:
        sys.path.remove(root)
        for module in [m for m in sys.modules if m.split(".")[0] in PACKAGES]:
            del sys.modules[module]
        sys.modules.update(saved)
