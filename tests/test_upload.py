"""Uploads as students make them: the graded file is found, everything else is left unread, and the
container's user ids never stop grading.

The quick tests call ``upload.find_graded_file`` on folders laid out as Gradescope unpacks uploads;
the slower ones grade through the built zip exactly as Gradescope does (``grade_like_gradescope``).
"""

import mmap
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import CORPUS, REFERENCE, ROOT, SKELETON, notebook_json
from test_packaging import validate_gradescope_results

from autograder.core import assignment as assignments
from autograder.gradescope.grade import grade_like_gradescope, grading_environment
from autograder.gradescope.notebook_upload import MEMORY_BYTES, in_limited_child, notebook_as_module
from autograder.gradescope.upload import Expected, UploadProblem, digest, find_graded_file, isolate_upload
from autograder.sandbox.printable import PLACEHOLDER

CNN = Expected("cnn", (".py",), 200.0, frozenset({digest(SKELETON)}))
NOTEBOOKS = Expected("cnn", (".py", ".ipynb"), 200.0, frozenset({digest(SKELETON)}))
GRADED = assignments.load("cnn").functions


def lay_out(folder, files):
    """Create ``files`` ({relative path: text, or ('link', target)}) under ``folder``."""
    for relative, content in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, tuple):
            path.symlink_to(content[1])
        else:
            path.write_text(content)
    return folder


ANSWER = "def conv1d(x, w, stride=1, padding=0):\n    return x\n"


@pytest.mark.parametrize("files, chosen", [
    ({"cnn.py": ANSWER}, "cnn.py"),
    ({"cnn/cnn.py": ANSWER, "cnn/README.md": "", "cnn/autograder/cli.py": ""}, "cnn/cnn.py"),
    ({"cnn.py": ANSWER, "autograder/gradescope/session.py": "", "hypothesis/__init__.py": ""}, "cnn.py"),
    ({"cnn.py": ANSWER, "old/cnn.py": "old"}, "cnn.py"),  # the top level wins
    ({"cnn.py": SKELETON.read_text(), "work/cnn.py": ANSWER}, "work/cnn.py"),  # skeleton copies lose
    ({"cnn.py": ANSWER, "cnn.ipynb": "{}"}, "cnn.py"),  # a notebook is not gradable here
    ({"__MACOSX/cnn.py": "junk", "cnn/cnn.py": ANSWER}, "cnn/cnn.py"),
], ids=["top", "whole-handout-folder", "beside-our-packages", "top-wins", "skeleton-copy-ignored",
        "notebook-ignored", "macos-junk-ignored"])
def test_the_graded_file_is_found_where_students_put_it(tmp_path, files, chosen):
    assert find_graded_file(lay_out(tmp_path, files), CNN) == tmp_path / chosen


@pytest.mark.parametrize("files, words", [
    ({"CNN.py": ANSWER}, "has no file named cnn.py (found: CNN.py); rename your file to cnn.py"),
    ({"cnn (1).py": ANSWER}, "(found: cnn (1).py)"),
    ({"cnn.ipynb": "{}"}, "has no file named cnn.py (found: cnn.ipynb)"),
    ({"README.md": ""}, "(found: no Python file or notebook)"),
    ({"a/cnn.py": ANSWER, "b/cnn.py": ANSWER + "#"}, "more than one file we could grade (a/cnn.py, b/cnn.py)"),
    ({"cnn.py": ("link", "/etc/hostname")}, "cnn.py is a link or a folder, not a file"),
    ({"cnn": ("link", str(REFERENCE.parent))}, "has no file named cnn.py"),  # links are not followed
    ({"deep/er/cnn.py": ANSWER}, "has no file named cnn.py"),
    ({"\x1b[2J\x1b]0;title\x07cnn.py": ANSWER}, f"(found: {PLACEHOLDER}{PLACEHOLDER}cnn.py)"),  # names are printable
], ids=["capitals", "browser-copy", "only-notebook", "nothing", "two-answers", "file-link", "folder-link", "deep",
        "escapes-in-name"])
def test_an_upload_without_one_gradable_file_gets_a_clear_message(tmp_path, files, words):
    with pytest.raises(UploadProblem) as problem:
        find_graded_file(lay_out(tmp_path, files), CNN)
    assert words in str(problem.value)


def test_notebooks_count_where_the_assignment_accepts_them(tmp_path):
    lay_out(tmp_path, {"cnn/cnn.ipynb": "{}", "cnn/cnn.py": SKELETON.read_text()})
    assert find_graded_file(tmp_path, NOTEBOOKS) == tmp_path / "cnn" / "cnn.ipynb"
    (tmp_path / "cnn" / "cnn.py").write_text(ANSWER)
    with pytest.raises(UploadProblem, match="more than one file we could grade"):
        find_graded_file(tmp_path, NOTEBOOKS)


# -- notebooks: read before Otter, in a child process with limits ----------------------------------------------

def test_a_notebook_becomes_the_module_it_defines_and_a_byte_order_mark_is_no_error(tmp_path):
    path = tmp_path / "cnn.ipynb"
    path.write_text(notebook_json(ANSWER, 'print("\x1b[2Jtrained")'), encoding="utf-8-sig")
    module, notes = notebook_as_module(path)
    assert module == tmp_path / "cnn.py" and os.listdir(tmp_path) == ["cnn.py"]
    assert ANSWER in module.read_text()
    assert notes == [f'the cell beginning "print(\"{PLACEHOLDER}trained\")": left out its first line (top-level '
                     'code that does something rather than define something)']  # printable, said once


@pytest.mark.parametrize("text, words", [
    (notebook_json(ANSWER)[:-1] + ', "deep": ' + "[" * 100_000 + "]" * 100_000 + "}", "(it nests too deeply)"),
    (ANSWER, "(it is not JSON)"),
    ("{}", "(it has no list of cells with their source)"),
    (notebook_json(ANSWER).encode("utf-16"), "(it is not UTF-8 text)"),
], ids=["nested-100000-levels", "not-json", "no-cells", "utf-16"])
def test_a_file_that_is_no_notebook_gets_one_clear_message(tmp_path, text, words):
    path = tmp_path / "cnn.ipynb"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(UploadProblem) as problem:
        notebook_as_module(path)
    assert str(problem.value).startswith(f"cnn.ipynb is not a readable notebook {words}; open it in Jupyter")


def test_cells_python_cannot_read_are_left_out_with_a_note(tmp_path):
    """One huge expression (RecursionError) and a parser stack overflow (MemoryError): the rest of
    the notebook is graded."""
    path = tmp_path / "cnn.ipynb"
    path.write_text(notebook_json("1" + " + 1" * 20_000, "-" * 10_000 + "1", ANSWER))
    module, notes = notebook_as_module(path)
    assert ANSWER in module.read_text()
    assert [note.split('":')[0] for note in notes] == ['the cell beginning "1 + 1 + 1' + " + 1" * 9 + " +...",
                                                      'the cell beginning "' + "-" * 47 + "..."]
    assert all("left out, Python cannot read it" in note for note in notes)
    assert [note.split(": ")[-1] for note in notes] == ["RecursionError)", "MemoryError)"]


@pytest.mark.slow(2)
@pytest.mark.parametrize("work, cpu_seconds", [
    (lambda _: bytearray(2**31), 5),  # more memory than allowed: MemoryError, the child ends
    (lambda _: [None for _ in iter(int, 1)], 1),  # never ends: stopped by its CPU limit
], ids=["memory", "cpu"])
def test_the_reading_child_is_limited_and_its_failure_is_no_answer(work, cpu_seconds):
    assert in_limited_child(lambda x: x + 1, 1) == 2
    start = time.monotonic()
    assert in_limited_child(work, None, cpu_seconds=cpu_seconds) is None
    assert time.monotonic() - start < 10


def test_the_reading_child_is_allowed_its_memory_beyond_what_its_parent_has_mapped(tmp_path):
    """A grading process with more address space mapped than the allowance (numpy's thread buffers,
    a test runner's workers) still reads a notebook that takes memory to read."""
    mapped = mmap.mmap(-1, 2 * MEMORY_BYTES)  # mapped, never touched
    try:
        path = tmp_path / "cnn.ipynb"
        path.write_text(notebook_json(ANSWER, "TABLE = " + repr(list(range(300_000)))))
        module, notes = notebook_as_module(path)
    finally:
        mapped.close()
    assert ANSWER in module.read_text() and "TABLE = [0, 1, 2" in module.read_text() and notes == []


@pytest.mark.parametrize("mount_point", [False, True], ids=["folder", "mount-point"])
def test_isolating_keeps_only_a_copy_of_the_graded_file(tmp_path, monkeypatch, mount_point):
    if mount_point:  # a mounted submission folder cannot be renamed: its contents are moved instead
        def busy(self, target):
            raise OSError(16, "Device or resource busy")
        monkeypatch.setattr(Path, "rename", busy)
    submission = lay_out(tmp_path / "submission", {"cnn/cnn.py": ANSWER, "cnn/autograder/gradescope/session.py": "x",
                                                   "sitecustomize.py": "x", "evil.pth": "x"})
    graded = isolate_upload(tmp_path, CNN)
    assert graded == submission / "cnn.py" and graded.read_text() == ANSWER and not graded.is_symlink()
    assert sorted(os.listdir(submission)) == ["cnn.py"]
    assert (tmp_path / "upload" / "sitecustomize.py").is_file()  # moved aside, unread
    assert (tmp_path / "upload").stat().st_mode & 0o777 == 0o700


# -- through the built zip, as Gradescope runs it ---------------------------------------------------------------

@pytest.fixture(scope="module")
def autograder_zip(built_zips):
    return built_zips[0]


@pytest.fixture(scope="module")
def handout(autograder_zip, tmp_path_factory):
    """The unzipped student handout with the reference as the student's cnn.py."""
    folder = tmp_path_factory.mktemp("handout")
    with zipfile.ZipFile(autograder_zip.with_name("student.zip")) as archive:
        archive.extractall(folder)
    shutil.copyfile(REFERENCE, folder / "cnn" / "cnn.py")
    return folder / "cnn"


def full_marks(results):
    validate_gradescope_results(results)
    graded = {t["name"]: (t["score"], t["max_score"]) for t in results["tests"] if t["name"] in GRADED}
    return set(graded) == set(GRADED) and all(score == possible > 0 for score, possible in graded.values())


@pytest.mark.slow(10)
def test_the_whole_handout_uploaded_as_a_folder_gets_full_marks(autograder_zip, handout, tmp_path):
    """cnn.py at the top with the handout's own autograder/ and assignments/ beside it (a zip of the
    folder's contents): the handout's packages are set aside, ours grade it."""
    assert (handout / "autograder").is_dir() and (handout / "assignments").is_dir()
    assert full_marks(grade_like_gradescope(autograder_zip, handout, tmp_path))


@pytest.mark.slow(10)
def test_the_whole_handout_zipped_with_its_folder_gets_full_marks(autograder_zip, handout, tmp_path):
    upload = tmp_path / "upload.zip"
    with zipfile.ZipFile(upload, "w") as archive:
        for path in sorted(handout.rglob("*")):
            archive.write(path, "cnn/" + str(path.relative_to(handout)))
    assert full_marks(grade_like_gradescope(autograder_zip, upload, tmp_path / "results"))


@pytest.mark.slow(2)
def test_a_misnamed_file_gets_one_message_and_no_points(autograder_zip, tmp_path):
    upload = lay_out(tmp_path / "upload", {"CNN.py": REFERENCE.read_text()})
    results = grade_like_gradescope(autograder_zip, upload, tmp_path / "results")
    validate_gradescope_results(results)
    assert results["score"] == 0 and [t["name"] for t in results["tests"]] == ["Your upload"]
    assert "rename your file to cnn.py" in results["tests"][0]["output"]
    assert results["tests"][0]["max_score"] == sum(assignments.load("cnn").points.values())


@pytest.mark.slow(10)
@pytest.mark.skipif(os.geteuid() != 0, reason="writing a user namespace's id map needs root")
@pytest.mark.parametrize("container, notice", [
    (["unshare", "-U", "--map-user=0", "--map-group=0"], True),  # only root is mapped
    ([sys.executable, str(ROOT / "tests" / "userns.py"), "0", "0", "65536", "--"], False),  # ids 0-65535
], ids=["only-root-mapped", "docker-like-range"])
def test_the_reference_gets_full_marks_in_containers_with_few_user_ids(autograder_zip, tmp_path, container, notice):
    results = grade_like_gradescope(autograder_zip, REFERENCE, tmp_path, container=container)
    assert full_marks(results)
    text = str(results)
    assert ("maps no second user id" in results.get("output", "")) == notice
    assert text.count("maps no second user id") == int(notice)  # said once, not per check


@pytest.mark.slow(4)
@pytest.mark.skipif(os.geteuid() != 0, reason="the attack would write its marker as this user")
def test_the_plugin_alone_keeps_an_uploads_packages_out_of_the_kernel(autograder_zip, tmp_path):
    """Started without our run_otter.py (as ``otter run`` would), Otter keeps the upload's folders;
    the plugin's before_grading still removes them before the kernel starts."""
    root = tmp_path / "autograder"
    for folder in ("source", "results"):
        (root / folder).mkdir(parents=True)
    (root / "submission_metadata.json").write_text("{}")
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(root / "source")
    shutil.copytree(CORPUS / "attacks" / "replace_our_modules", root / "submission", symlinks=True)
    script = tmp_path / "otter_only.py"
    script.write_text(f"import sys\nsys.path.insert(0, {str(root / 'source')!r})\n"
                      f"from otter.run.run_autograder import main\nmain({str(root)!r})\n")
    marker_before = os.path.exists("/tmp/ATTACK-MARKER")
    subprocess.run([str(grading_environment(autograder_zip)), str(script)], cwd=tmp_path, capture_output=True)
    results = (root / "results" / "results.json").read_text()
    assert '"score": 0' in results and os.path.exists("/tmp/ATTACK-MARKER") == marker_before
