"""Grade an upload exactly as Gradescope does: the zip's own ``run_otter.py`` in the zip's own environment.

Gradescope unzips the autograder into ``/autograder/source``, builds an environment from the zip's
``environment.yml`` (``setup.sh``), puts the student's upload in ``/autograder/submission`` and runs
``run_autograder``, which starts ``python /autograder/source/run_otter.py``. Locally we do the same in
a temporary folder laid out like ``/autograder``, with a virtual environment built from the zip's
requirements only (the same Python version and pip packages; built once per set of requirements
and reused), no ``PYTHONPATH`` and no editable install of this repository: support code comes from
the zip or nowhere, so a zip that grades here grades there.
"""

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import yaml

from autograder.core.feedback import SYMBOLS, format_table, status_words
from autograder.core.outcomes import Status
from autograder.core.repository import BUILD
from autograder.gradescope.upload import MANIFEST, Expected
from autograder.sandbox.printable import printable

ENVIRONMENTS = BUILD / "grading-env"


class GradingEnvironmentError(RuntimeError):
    """The zip's environment could not be built (no such Python here, or installing failed)."""


def zip_requirements(autograder_zip):
    """(Python version, pip requirements) that the zip's ``environment.yml`` asks Gradescope for."""
    with zipfile.ZipFile(autograder_zip) as archive:
        environment = yaml.safe_load(archive.read("environment.yml"))
    python, pip = None, []
    for dependency in environment["dependencies"]:
        if isinstance(dependency, str) and dependency.startswith("python="):
            python = dependency.split("=", 1)[1]
        elif isinstance(dependency, dict):
            pip += dependency.get("pip", [])
    return python, pip


def grading_environment(autograder_zip):
    """The Python of a virtual environment holding exactly the zip's requirements (built on first use)."""
    version, requirements = zip_requirements(autograder_zip)
    key = hashlib.sha256(json.dumps([version, requirements]).encode()).hexdigest()[:16]
    environment = ENVIRONMENTS / key
    python = environment / "bin" / "python"
    ENVIRONMENTS.mkdir(parents=True, exist_ok=True)
    with open(ENVIRONMENTS / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel tests and graders build it once
        if (environment / "ready").is_file():
            return python
        shutil.rmtree(environment, ignore_errors=True)
        build_environment(environment, version, requirements)
        (environment / "ready").write_text("\n".join(requirements) + "\n")
    return python


def build_environment(folder, version, requirements):
    """A virtual environment in ``folder`` with Python ``version`` (None: this one) and ``requirements``
    installed; return its Python. Raises ``GradingEnvironmentError`` saying what failed.

    uv (a pinned instructors' dependency) installs the same packages as Gradescope's pip, compiled
    to bytecode as pip does, in seconds rather than the two minutes pip takes for Otter's ~120."""
    from uv import find_uv_bin

    uv = find_uv_bin()
    _run([uv, "venv", "--quiet", "--python", _python_of_version(version), str(folder)],
         "creating a virtual environment")
    python = Path(folder) / "bin" / "python"
    _run([uv, "pip", "install", "--quiet", "--python", str(python), "--compile-bytecode", *requirements],
         f"installing {' '.join(requirements)}")
    return python


def installed_packages(python):
    """``name==version`` of every package in ``python``'s environment, as ``pip freeze`` lists them."""
    from uv import find_uv_bin

    listed = subprocess.run([find_uv_bin(), "pip", "freeze", "--python", str(python)],
                            check=True, capture_output=True, text=True)
    return listed.stdout


def _python_of_version(version):
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    if version in (None, here):
        return getattr(sys, "_base_executable", sys.executable)
    found = shutil.which(f"python{version}")
    if not found:
        raise GradingEnvironmentError(f"the autograder zip asks for Python {version}, which is not installed here")
    return found


def _run(command, what):
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        raise GradingEnvironmentError(f"{what} failed: {(completed.stderr or completed.stdout).strip()[-2000:]}")


def grade_like_gradescope(autograder_zip, upload, output_dir, container=()):
    """Grade ``upload`` (a file, a folder, or a zip of either) with the zip's ``run_otter.py``.

    ``container`` is a command prefix that ``run_otter.py`` runs under (the tests emulate containers
    with limited user namespaces this way, e.g. ``unshare -U --map-user=0``). Returns the parsed
    results.json (Gradescope's format), also copied to ``output_dir``.
    """
    python = grading_environment(autograder_zip)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / "results.json").unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="gradescope-") as scratch:
        root = Path(scratch) / "autograder"
        for folder in ("source", "submission", "results"):
            (root / folder).mkdir(parents=True)
        (root / "submission_metadata.json").write_text("{}")
        with zipfile.ZipFile(autograder_zip) as archive:
            archive.extractall(root / "source")
        expected = Expected.from_json((root / "source" / MANIFEST).read_text())
        lay_out_upload(Path(upload), root / "submission", expected)
        completed = subprocess.run(
            [*container, str(python), str(root / "source" / "run_otter.py"), str(root)],
            cwd=root, env=_clean_environment(python), capture_output=True, text=True,
        )
        results = root / "results" / "results.json"
        if not results.is_file():
            raise RuntimeError(f"the autograder wrote no results.json:\n{completed.stderr[-2000:]}")
        shutil.copyfile(results, output_dir / "results.json")
    return json.loads((output_dir / "results.json").read_text())


def lay_out_upload(upload, submission, expected):
    """Put ``upload`` into ``submission`` as Gradescope does: a folder's contents, or a zip unpacked
    (zipfile drops absolute paths and ``..``; links stay links in folders). A single file is given
    the name the assignment expects (``alice.py`` is graded as ``cnn.py``): naming mistakes are for
    uploads of folders and zips to show, not for the instructor's own file names."""
    if upload.is_dir():
        shutil.copytree(upload, submission, symlinks=True, dirs_exist_ok=True)
    elif upload.suffix == ".zip":
        with zipfile.ZipFile(upload) as archive:
            archive.extractall(submission)
    else:
        name = expected.name + upload.suffix if upload.suffix in expected.suffixes else upload.name
        shutil.copyfile(upload, submission / name)


def _clean_environment(python):
    """What Gradescope's shell gives ``run_otter.py``: the environment's PATH, no PYTHONPATH."""
    keep = {name: os.environ[name] for name in ("HOME", "LANG", "TMPDIR", "TERM") if name in os.environ}
    return {**keep, "PATH": f"{python.parent}:/usr/local/bin:/usr/bin:/bin"}


def render_results(results, order=()):
    """A per-function table from results.json (functions in ``order`` first, as the handout lists
    them), then the feedback of everything that lost points, but not of what is not implemented;
    ``printable`` whatever wrote the results, as it is for a terminal."""
    graded = [t for t in results["tests"] if "max_score" in t and t.get("max_score") is not None]
    rank = {name: i for i, name in enumerate(order)}
    graded.sort(key=lambda t: rank.get(t["name"], len(rank)))
    statuses = [result_status(test) for test in graded]
    rows = [("function", "points", "result")]
    for test, status in zip(graded, statuses):
        waiting_on = (test.get("extra_data") or {}).get("waiting_on") or ()
        rows.append((test["name"], f"{test['score']:g}/{test['max_score']:g}",
                     f"{SYMBOLS[status]} {status_words(status, [str(name) for name in waiting_on])}"))
    total = sum(t["score"] for t in graded)
    possible = sum(t["max_score"] for t in graded)
    rows.append(("total", f"{total:g}/{possible:g}", ""))
    lines = [format_table(rows)]
    if results.get("output"):
        lines += ["", results["output"].strip()]
    for test, status in zip(graded, statuses):
        if test["score"] < test["max_score"] and status is not Status.NOT_IMPLEMENTED:
            lines += ["", f"--- {test['name']} ---", test.get("output", "").strip()]
    return printable("\n".join(lines))


def result_status(test):
    """A graded test's ``Status``: the function's status the autograder stored in its ``extra_data``
    (``entry.add_to_results``), else (a test of something else) passed with full points."""
    stored = (test.get("extra_data") or {}).get("status")
    if stored in {s.value for s in Status}:
        return Status(stored)
    return Status.PASSED if test["score"] == test["max_score"] else Status.FAILED
