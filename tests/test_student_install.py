"""The handout as a student gets it: unpacked in an empty folder, installed with `python -m venv` and
`pip install -r requirements.txt` on the oldest and newest Pythons we support, then checked.

Needs Python 3.10 and 3.13 from pyenv (`pyenv install 3.10 3.13`) and PyPI (or a pip cache):
a missing Python fails the test rather than skipping it, since skipping would hide the claim.
"""

import glob
import os
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from conftest import REFERENCE

from autograder.gradescope.packaging import build_student_zip

PYTHONS = ["3.10", "3.13"]


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


@pytest.mark.slow(18)
@pytest.mark.parametrize("version", PYTHONS)
def test_unpacked_handout_installs_and_checks(cnn, version, empty_folder):
    python = pyenv_python(version)
    tmp_path = empty_folder
    with zipfile.ZipFile(build_student_zip("cnn", tmp_path / "student.zip")) as archive:
        archive.extractall(tmp_path)
    handout = tmp_path / "cnn"
    shipped = sorted(p.name for p in handout.iterdir())
    install = run([python, "-m", "venv", ".venv"], handout)
    assert install.returncode == 0, install.stderr
    pip = run([".venv/bin/pip", "install", "--disable-pip-version-check", "-r", "requirements.txt"], handout)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    packages = run([".venv/bin/pip", "list", "--format=freeze"], handout).stdout.lower()
    assert "numpy==" in packages and "hypothesis==" in packages and "pytest" not in packages

    started = time.monotonic()
    skeleton = run([".venv/bin/python", "-m", "autograder", "check"], handout)
    print(f"Python {version}: check of the skeleton {time.monotonic() - started:.1f} s")
    assert skeleton.returncode == 1, skeleton.stdout + skeleton.stderr
    assert "cnn.py" in skeleton.stdout.splitlines()[0]
    assert skeleton.stdout.count("not implemented yet") == len(cnn.functions)

    elsewhere = tmp_path / "work"  # the student's own folder, anywhere: check.py finds its package
    elsewhere.mkdir()
    shutil.copyfile(REFERENCE, elsewhere / "cnn.py")
    started = time.monotonic()
    reference = run([str(handout / ".venv/bin/python"), str(handout / "check.py"), "cnn.py"], elsewhere)
    print(f"Python {version}: check of the reference {time.monotonic() - started:.1f} s")
    assert reference.returncode == 0, reference.stdout + reference.stderr
    assert "All public checks pass." in reference.stdout

    notebook = run([".venv/bin/python", "-m", "autograder", "check", "cnn.ipynb"], handout)
    assert notebook.returncode == 1, notebook.stdout + notebook.stderr
    assert notebook.stdout.count("not implemented yet") == len(cnn.functions)

    make = run(["make", "check", f"PYTHON={python}"], handout)  # the shortcut: a failing check is no make error
    assert make.returncode == 0 and "Error" not in make.stdout + make.stderr, make.stdout + make.stderr
    assert "not implemented yet" in make.stdout

    assert sorted(p.name for p in handout.iterdir()) == sorted(shipped + [".venv"])  # no .hypothesis/, nothing
    assert [p.name for p in elsewhere.iterdir()] == ["cnn.py"]
