"""Build the two zips of an assignment from one source of truth: the autograder and the handout.

``dist/NAME/autograder.zip`` (upload to Gradescope) is made by ``otter generate`` from a staging
folder holding the generated Otter test files, ``otter_config.json`` (our sandbox plugin),
``requirements.txt`` (pinned from pyproject.toml) and, as support files, the packages grading
needs: ``autograder/`` (the machinery), ``assignments/NAME/`` (public checks and strategies) and
``solutions/NAME/`` (reference, hidden checks, its data files, such as digits held back from the
handout, and every check's examples drawn now: see ``core/examples.py``). Otter copies support
files next to the submission, where the kernel imports them; the plugin is imported earlier, by
Otter itself, from the zip's top level, so ``autograder/`` is also added there. Otter's
``run_otter.py`` is replaced by ours (``gradescope/entry.py``), which first reduces the upload to the
graded file, and ``upload.json`` says which file that is.

``dist/NAME/student.zip`` holds what students need and nothing more: the skeleton as ``NAME.py``
and ``NAME.ipynb`` (with the files the assignment puts beside it: data and its loader), the
handout, the public checks, the machinery of ``check`` (``autograder``'s students' modules,
``STUDENT_TOP_LEVEL``, and its ``sandbox`` and ``core`` packages: not the instructors' command
line), ``requirements.txt`` (ranges for Python 3.10-3.13), ``check.py`` (the students' command,
``python check.py [file]`` from any folder, which writes no ``__pycache__`` folders) and a
Makefile whose ``make check`` runs it with whichever ``.venv`` the student made. Every entry is a
regular file with its permissions (0644).
"""

import json
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import tomllib
import zipfile
from pathlib import Path

from autograder.core import assignment as assignments
from autograder.core import examples
from autograder.core.repository import ROOT
from autograder.gradescope.entry import RUN_OTTER_PY
from autograder.gradescope.session import test_file_source
from autograder.gradescope.upload import MANIFEST, expected_for

GRADING_LOCK = Path(__file__).resolve().with_name("grading-image.lock")
PYTHON_VERSION = "3.11"  # the version this project is tested with; Otter's default is newer
# What students' `make check` runs, besides autograder's top-level modules (the command line): the
# sandbox and the checks (no Otter, no packaging, no instructor tools; tests/test_layout.py keeps
# these packages free of them).
STUDENT_PACKAGES = ("sandbox", "core")
STUDENT_TOP_LEVEL = ("__init__.py", "__main__.py", "check.py")  # not cli.py: the instructors' commands
DATA_SUFFIXES = {".npz", ".png"}


def runtime_requirements():
    """The pinned run-time dependencies, from pyproject.toml (the one place they are listed)."""
    return _pyproject()["project"]["dependencies"]


def otter_requirement():
    """Otter as the grading image installs it (``otter generate`` adds the same line itself)."""
    grading = _pyproject()["project"]["optional-dependencies"]["grading"]
    pinned = next(r for r in grading if r.startswith("otter-grader"))
    return "otter-grader[grading,plugins]==" + pinned.split("==", 1)[1]


def grading_requirements():
    """Every package of the grading image at an exact version: ``GRADING_LOCK``, resolved from
    pyproject's pins and Otter by ``python -m autograder lock``, so that a zip rebuilt in six months
    installs the same image (Otter's own dependencies are not pinned by Otter)."""
    if not GRADING_LOCK.is_file():
        raise FileNotFoundError(f"{GRADING_LOCK} is missing: run `make lock`")
    lines = [line.strip() for line in GRADING_LOCK.read_text().splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def write_grading_lock():
    """Resolve the grading image in a fresh virtual environment and write its every package's version."""
    from autograder.gradescope.grade import build_environment, installed_packages  # PyYAML: instructors only

    with tempfile.TemporaryDirectory() as folder:
        python = build_environment(folder, PYTHON_VERSION, [otter_requirement(), *runtime_requirements()])
        frozen = installed_packages(python)
    GRADING_LOCK.write_text(f"# The grading image, every package pinned: `make lock` resolves it from\n"
                            f"# {otter_requirement()} and pyproject.toml's dependencies (Python {PYTHON_VERSION}).\n"
                            + frozen)
    return GRADING_LOCK


def student_requirements():
    """What students install: version ranges for Python 3.10-3.13, from pyproject.toml."""
    return _pyproject()["tool"]["autograder"]["student-requirements"]


def _pyproject():
    with open(ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)


def zips_are_current(name, folder, root=ROOT):
    """Whether ``folder`` holds both zips of assignment ``name``, made after every file they are made
    from was last changed (the machinery, the assignment's folders, pyproject.toml, all in ``root``)."""
    made_from = [root / "autograder", root / "assignments" / name, root / "solutions" / name, root / "pyproject.toml"]
    zips = [Path(folder) / "autograder.zip", Path(folder) / "student.zip"]
    if not all(path.is_file() for path in zips):
        return False
    built = min(path.stat().st_mtime for path in zips)
    sources = (path for top in made_from for path in ([top] if top.is_file() else top.rglob("*")))
    return not any(path.is_file() and "__pycache__" not in path.parts and path.stat().st_mtime > built
                   for path in sources)


def build_autograder_zip(name, destination, root=ROOT):
    """Build the Gradescope autograder zip for assignment ``name`` at ``destination``.

    ``root`` holds the assignment's ``assignments/NAME`` and ``solutions/NAME`` (default: this
    repository); the machinery (``autograder/``, pinned requirements) always comes from here.
    """
    assignment = assignments.load(name, root=root)
    if not assignment.has_hidden_checks:
        raise assignments.UnknownAssignment(f"assignment {name!r} has no solutions/{name}/grading.py")
    with tempfile.TemporaryDirectory() as staging_name:
        staging = Path(staging_name)
        (staging / "tests").mkdir()
        for function in assignment.functions:
            (staging / "tests" / f"{function}.py").write_text(test_file_source(assignment, function))
        config = {
            "lang": "python",
            "plugins": ["autograder.gradescope.plugin.SandboxPlugin"],
            "show_hidden": True,  # per-function feedback becomes visible once grades are published
        }
        (staging / "otter_config.json").write_text(json.dumps(config, indent=2))
        (staging / "requirements.txt").write_text("\n".join(grading_requirements()) + "\n")
        copy_package(ROOT / "autograder", staging / "autograder")
        copy_assignment_packages(name, staging, root)
        examples.save(assignment, staging / "solutions" / name / examples.FILE_NAME)
        subprocess.run(
            [sys.executable, "-m", "otter", "generate", "--python-version", PYTHON_VERSION,
             "autograder", "assignments", "solutions"],
            cwd=staging, check=True, capture_output=True, text=True,
        )
        destination.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(staging / "autograder.zip") as generated, \
                zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as archive:
            for item in generated.infolist():
                if item.filename != "run_otter.py":  # ours isolates the upload first (gradescope/entry.py)
                    archive.writestr(item, generated.read(item))
            archive.writestr("run_otter.py", RUN_OTTER_PY)
            archive.writestr(MANIFEST, expected_upload(assignment, root).to_json())
            add_folder(archive, staging / "autograder", "autograder")
    return destination


def expected_upload(assignment, root=ROOT):
    """What Gradescope must find in an upload: the handed-out file names, points, and digests."""
    return expected_for(assignment.name, Path(root) / "assignments" / assignment.name,
                        sum(assignment.points.values()))


def copy_assignment_packages(name, staging, root=ROOT):
    """assignments/NAME (without the skeleton) and solutions/NAME (reference, hidden checks, and
    data only the grader may see, such as digits held back from the handout)."""
    public, solution = Path(root) / "assignments" / name, Path(root) / "solutions" / name
    for package in ("assignments", "solutions"):
        (staging / package).mkdir()
        (staging / package / "__init__.py").touch()
    for file in public.iterdir():
        if (file.suffix == ".py" and file.name != f"{name}.py") or file.suffix in DATA_SUFFIXES:
            copy_file(file, staging / "assignments" / name / file.name)
    hidden_data = [file.name for file in sorted(solution.iterdir()) if file.suffix in DATA_SUFFIXES]
    for file_name in ("__init__.py", f"{name}.py", "grading.py", *hidden_data):
        copy_file(solution / file_name, staging / "solutions" / name / file_name)


def build_student_zip(name, destination, root=ROOT):
    """Build the student handout zip: ``NAME/`` with skeleton (.py and .ipynb), handout, public checks,
    ``check.py``, Makefile."""
    public = Path(root) / "assignments" / name
    beside = assignments.load(name, root=root).beside_skeleton
    top = Path(name)
    with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(public / f"{name}.py", top / f"{name}.py")
        if (public / f"{name}.ipynb").is_file():
            archive.write(public / f"{name}.ipynb", top / f"{name}.ipynb")
        archive.write(public / "README.md", top / "README.md")
        for file_name in beside:
            archive.write(public / file_name, top / file_name)
        write_text(archive, top / "Makefile", student_makefile(name))
        write_text(archive, top / "check.py", student_check_script(name))
        write_text(archive, top / "requirements.txt", "\n".join(student_requirements()) + "\n")
        write_text(archive, top / "assignments" / "__init__.py", "")
        for file in sorted(public.rglob("*")):
            relative = file.relative_to(public)
            if "__pycache__" in relative.parts or file.name in (f"{name}.py", f"{name}.ipynb", "README.md"):
                continue
            if relative.parts[0] == "figures":  # shown by the handout, which sits at the top
                archive.write(file, top / relative)
            elif file.suffix == ".py" or file.suffix in DATA_SUFFIXES:
                archive.write(file, top / "assignments" / name / relative)
        for module in student_modules():
            archive.write(ROOT / "autograder" / module, top / "autograder" / module)
    return destination


def write_text(archive, name, text):
    """Add ``text`` to ``archive`` as the regular file ``name``, readable by all (0644), as ``write`` adds a
    file from disk (``writestr`` would give it no file type and mode 0600)."""
    entry = zipfile.ZipInfo(str(name), date_time=time.localtime()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = (stat.S_IFREG | 0o644) << 16
    archive.writestr(entry, text)


def student_modules():
    """The files of ``autograder/`` that students get, relative to it: ``STUDENT_TOP_LEVEL`` and every
    module of ``STUDENT_PACKAGES``."""
    package = ROOT / "autograder"
    files = [package / name for name in STUDENT_TOP_LEVEL]
    for name in STUDENT_PACKAGES:
        files += [file for file in (package / name).rglob("*.py") if "__pycache__" not in file.parts]
    return sorted(file.relative_to(package) for file in files)


def student_check_script(name):
    return f'''"""The public checks of your {name}.py or {name}.ipynb: `python check.py [file]`, from any folder.

Without a file it checks the {name}.py beside this one, or {name}.ipynb there if that is the one
with your work (it says which, and why). Use the Python that has numpy and hypothesis (e.g.
.venv/bin/python check.py). The checks' examples are kept in build/ here after the first run, so
later runs are faster; delete it whenever you like.
"""

import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ folders among your files
sys.path.insert(0, str(Path(__file__).resolve().parent))

from autograder.check import main  # noqa: E402

sys.exit(main(["check", "--assignment", "{name}", *sys.argv[1:]]))
'''


def student_makefile(name):
    return f"""# `make check` runs the public checks on your {name}.py or {name}.ipynb (or SUBMISSION=path/to/file):
# a shortcut for `.venv/bin/python check.py`. It uses the .venv you made (any Python 3.10-3.13); with
# none, it makes one with $(PYTHON) and installs numpy and hypothesis into it (a few seconds).
# Checks that do not pass yet are not an error of make.
PYTHON ?= python3
VENV := .venv

.PHONY: check
check:
\t@[ -x $(VENV)/bin/python ] || $(PYTHON) -m venv $(VENV)
\t@$(VENV)/bin/python -c "from importlib.util import find_spec as f; exit(not (f('numpy') and f('hypothesis')))" \\
\t\t|| $(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
\t@$(VENV)/bin/python check.py $(SUBMISSION) || [ $$? -eq 1 ]
"""


def copy_package(source, destination):
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def copy_file(source, destination):
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, destination)


def add_folder(archive, folder, prefix):
    for file in sorted(folder.rglob("*.py")):
        archive.write(file, str(Path(prefix) / file.relative_to(folder)))
