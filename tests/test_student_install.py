"""The handout as a student gets it: unpacked in an empty folder, installed with `python -m venv` and
`pip install -r requirements.txt` on the oldest and newest Pythons we support, then checked.

Needs Python 3.10 and 3.13 from pyenv (`pyenv install 3.10 3.13`) and PyPI (or a pip cache):
a missing Python fails the test rather than skipping it, since skipping would hide the claim.
"""

import glob
import os
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from conftest import REFERENCE, ROOT, SKELETON

from autograder.gradescope.packaging import build_student_zip

PYTHONS = ["3.10", "3.13"]
HANDOUT = ROOT / "assignments" / "cnn" / "README.md"


def pyenv_python(version):
    root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    found = sorted(glob.glob(f"{root}/versions/{version}.*/bin/python{version}"))
    if not found:
        pytest.fail(f"Python {version} is not installed under {root} (pyenv install {version})")
    return found[-1]


def run(command, cwd):
    """Run as a student would: nothing of this repository in the environment; HOME (pip's cache)
    above the handout folder, which must stay as it was unpacked."""
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(Path(cwd).parent / "home")})


@pytest.fixture
def empty_folder():
    """A new folder of our own (not under pytest's numbered folders, which concurrent pytest runs
    on a shared machine may clean up while this slow test runs)."""
    with tempfile.TemporaryDirectory(prefix="student-install-") as folder:
        yield Path(folder)


@pytest.mark.slow(28)
@pytest.mark.parametrize("version", PYTHONS)
def test_unpacked_handout_installs_and_checks(cnn, version, empty_folder):
    python = pyenv_python(version)
    tmp_path = empty_folder
    with zipfile.ZipFile(build_student_zip("cnn", tmp_path / "student.zip")) as archive:
        archive.extractall(tmp_path)
    handout = tmp_path / "cnn"
    shipped_files = [str(path.relative_to(handout)) for path in handout.rglob("*")]
    install = run([python, "-m", "venv", ".venv"], handout)
    assert install.returncode == 0, install.stderr
    pip = run([".venv/bin/pip", "install", "--disable-pip-version-check", "-r", "requirements.txt"], handout)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    packages = run([".venv/bin/pip", "list", "--format=freeze"], handout).stdout.lower()
    assert "numpy==" in packages and "hypothesis==" in packages and "pytest" not in packages

    skeleton = run([".venv/bin/python", "check.py"], handout)
    assert skeleton.returncode == 1, skeleton.stdout + skeleton.stderr
    assert skeleton.stdout.startswith(f"Checking {handout / 'cnn.py'} (no file named; neither cnn.py nor cnn.ipynb")
    assert skeleton.stdout.count("not implemented yet") == len(cnn.functions)

    # `make check` uses the .venv the student made, whatever Python made it: it never makes another.
    make = run(["make", "check", "PYTHON=/no/such/python"], handout)  # a failing check is no make error either
    assert make.returncode == 0 and "Error" not in make.stdout + make.stderr, make.stdout + make.stderr
    assert "not implemented yet" in make.stdout

    # A complete, correct file in the handout: the first check draws the examples and keeps them in
    # build/; every later one feeds them (the figure of issue 23: under 3 s on a quiet 2-core machine).
    shutil.copyfile(REFERENCE, handout / "cnn.py")
    for run_number in (1, 2):
        started = time.monotonic()
        reference = run([".venv/bin/python", "check.py"], handout)
        print(f"Python {version}: check of the reference, run {run_number}: {time.monotonic() - started:.1f} s "
              f"wall ({reference.stdout.splitlines()[-1]})")
        assert reference.returncode == 0, reference.stdout + reference.stderr
        assert reference.stdout.splitlines()[-1].startswith("All public checks pass (")

    elsewhere = tmp_path / "work"  # the student's own folder, anywhere: check.py finds its package
    elsewhere.mkdir()
    shutil.copyfile(SKELETON, elsewhere / "cnn.py")
    mine = run([str(handout / ".venv/bin/python"), str(handout / "check.py"), "cnn.py"], elsewhere)
    assert mine.returncode == 1 and mine.stdout.startswith("Checking cnn.py (the file you named)"), mine.stdout

    notebook = run([".venv/bin/python", "check.py", "cnn.ipynb"], handout)
    assert notebook.returncode == 1, notebook.stdout + notebook.stderr
    assert notebook.stdout.count("not implemented yet") == len(cnn.functions)

    left = sorted(str(path.relative_to(handout)) for path in handout.rglob("*")
                  if ".venv" not in path.parts and "build" not in path.parts)
    assert left == sorted(shipped_files), "the checks wrote into the handout"  # no __pycache__, no .hypothesis
    assert sorted(p.name for p in (handout / "build").iterdir()) == ["drawn-examples"]
    assert [p.name for p in elsewhere.iterdir()] == ["cnn.py"]

    commands = run([".venv/bin/python", "-m", "autograder", "--help"], handout)  # the students' command line
    assert commands.returncode == 0 and "{check}" in commands.stdout and "skeleton" not in commands.stdout

    if version == PYTHONS[-1]:  # the handout's data snippet, unchanged, at the end of cnn.py, run from elsewhere
        snippet = re.search(r"```python\n(if __name__ == \"__main__\":\n.*?)```", HANDOUT.read_text(), re.DOTALL)
        (handout / "cnn.py").write_text(REFERENCE.read_text() + "\n\n" + snippet.group(1))
        trained = run([str(handout / ".venv/bin/python"), str(handout / "cnn.py")], elsewhere)
        assert trained.returncode == 0 and float(trained.stdout.split()[-1]) > 0.95, trained.stdout + trained.stderr
        quiet = run([".venv/bin/python", "check.py"], handout)
        assert quiet.returncode == 0 and "top level" not in quiet.stdout, quiet.stdout
