"""docs/writing-checks.md, "Adding an assignment": a second assignment in a folder laid out like this repository
(scaffolded by `python -m autograder new`), built into both zips and graded, with no change to
the machinery."""

import subprocess
import sys
import zipfile

import pytest
from conftest import ROOT

from autograder.core import assignment as assignments
from autograder.core.grading import grade
from autograder.gradescope.packaging import build_autograder_zip, build_student_zip
from autograder.instructor.skeleton import make_skeleton

# The files the guide lists, for assignment NAME = vectors.
FILES = ["solutions/vectors/__init__.py", "solutions/vectors/vectors.py", "solutions/vectors/grading.py",
         "assignments/vectors/__init__.py", "assignments/vectors/checks.py", "assignments/vectors/README.md",
         "assignments/vectors/vectors.py"]


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """A folder laid out like the repository, holding only the new assignment."""
    folder = tmp_path_factory.mktemp("repo")
    completed = subprocess.run([sys.executable, "-m", "autograder", "new", "vectors", "--root", str(folder)],
                               cwd=ROOT, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    return folder


@pytest.fixture(scope="module")
def vectors(root):
    return assignments.load("vectors", root=root)


def test_scaffold_writes_the_files_the_guide_lists(root):
    assert all((root / f).is_file() for f in FILES)
    reference = (root / "solutions/vectors/vectors.py").read_text()
    assert "# BEGIN SOLUTION" in reference
    assert (root / "assignments/vectors/vectors.py").read_text() == make_skeleton(reference)
    guide = (ROOT / "docs" / "writing-checks.md").read_text()
    section = guide.split("## Adding an assignment", 1)[1].split("\n## ", 1)[0]
    for path in FILES:
        assert path.replace("vectors", "NAME") in section, path
    again = subprocess.run([sys.executable, "-m", "autograder", "new", "vectors", "--root", str(root)],
                           cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 2 and again.stderr.startswith("error: ") and "exists already" in again.stderr


def test_loads_from_its_root_and_leaves_the_repository_packages_alone(vectors):
    assert vectors.functions == ["norms"] and vectors.points == {"norms": 10}
    assert len(vectors.public_checks) == 1 and len(vectors.hidden_checks) == 1
    assert "assignments.vectors" not in sys.modules
    assert assignments.load("cnn").functions[0] == "conv1d"  # the repository's packages are back


def test_reference_full_marks_skeleton_zero_bug_partial(vectors, root, tmp_path):
    report = grade(vectors, root / "solutions/vectors/vectors.py")
    assert report.points == report.possible == 10
    skeleton = grade(vectors, root / "assignments/vectors/vectors.py")
    assert skeleton.points == 0 and skeleton.result("norms").status == "not implemented"
    wrong = tmp_path / "vectors.py"
    wrong.write_text("import numpy as np\n\n\ndef norms(x):\n    return np.sum(np.abs(x), axis=1)\n")
    buggy = grade(vectors, wrong)
    assert buggy.points == 0 and buggy.result("norms").status == "failed"
    assert buggy.result("norms").hidden[0].example  # the minimal counterexample students see


@pytest.mark.slow(3)
def test_builds_both_zips(vectors, root, tmp_path):
    autograder_zip = build_autograder_zip("vectors", tmp_path / "autograder.zip", root=root)
    with zipfile.ZipFile(autograder_zip) as archive:
        names = set(archive.namelist())
        test_file = archive.read("tests/norms.py").decode()
    assert {"run_autograder", "otter_config.json", "autograder/gradescope/plugin.py", "tests/norms.py",
            "files/solutions/vectors/vectors.py", "files/solutions/vectors/grading.py",
            "files/assignments/vectors/checks.py"} <= names
    assert "norms: agrees with the reference" in test_file and "points=10" in test_file
    student_zip = build_student_zip("vectors", tmp_path / "student.zip", root=root)
    with zipfile.ZipFile(student_zip) as archive:
        names = set(archive.namelist())
        text = "\n".join(archive.read(n).decode() for n in names)
    assert {"vectors/vectors.py", "vectors/README.md", "vectors/Makefile",
            "vectors/assignments/vectors/checks.py", "vectors/autograder/sandbox/worker.py"} <= names
    assert not any("solutions" in n or n.endswith("grading.py") and "autograder/" not in n for n in names)
    assert "BEGIN SOLUTION" not in text and "np.sqrt(np.sum(x * x" not in text


def test_the_default_assignment_is_the_only_one_or_the_one_pyproject_names(root, tmp_path):
    """No assignment name in the machinery: a folder with one assignment means it; with two, the one
    `[tool.autograder] assignment` names, else every command says to choose (one error line)."""
    assert assignments.default_name(root) == "vectors"
    assert assignments.default_name(ROOT) == "cnn"
    two = tmp_path / "two"
    for name in ("cnn", "vectors"):
        (two / "assignments" / name).mkdir(parents=True)
        (two / "assignments" / name / "checks.py").write_text("")
    with pytest.raises(assignments.UnknownAssignment, match="several assignments \\(cnn, vectors\\)"):
        assignments.default_name(two)
    (two / "pyproject.toml").write_text('[tool.autograder]\nassignment = "vectors"\n')
    assert assignments.default_name(two) == "vectors"


def test_commands_find_the_repository_wherever_they_run(tmp_path):
    """One root: `make skeleton --verify` (or any command) reads the repository's files from any folder."""
    completed = subprocess.run([sys.executable, "-m", "autograder", "skeleton", "--verify"], cwd=tmp_path,
                               capture_output=True, text=True)
    assert completed.returncode == 0 and "up to date" in completed.stdout, completed.stderr
    assert list(tmp_path.iterdir()) == []
