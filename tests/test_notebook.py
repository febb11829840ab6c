"""Notebooks: the handout notebook is generated and current, runs headless with its check cells,
and the grader takes a notebook's definitions (only them) as the submission."""

import json
import os
import subprocess
import sys
import zipfile

import pytest
from conftest import REFERENCE, ROOT, SKELETON

from autograder.core.notebook import (
    Cell,
    Differences,
    NotebookError,
    differences,
    module_of,
    read,
    read_cells,
)
from autograder.gradescope.grade import grade_like_gradescope
from autograder.gradescope.packaging import build_student_zip
from autograder.instructor.handout_notebook import notebook_text

HANDOUT = ROOT / "assignments" / "cnn" / "README.md"
NOTEBOOK = SKELETON.with_suffix(".ipynb")
PARTS = HANDOUT.read_text().count("\n## Part ")  # one check cell each


def notebook_of(module_path, cnn):
    return notebook_text(HANDOUT.read_text(), module_path.read_text(), "cnn", cnn.functions)


def test_committed_notebook_is_up_to_date(cnn):
    assert NOTEBOOK.read_text() == notebook_of(SKELETON, cnn), "run `make skeleton`"


def test_notebook_has_each_part_its_functions_and_a_check_cell(cnn):
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    text = ["".join(c["source"]) for c in cells]
    assert PARTS >= 5
    for part in range(1, PARTS + 1):
        assert any(t.startswith(f"## Part {part}") for t in text), part
    for function in cnn.functions:
        assert sum(t.count(f"def {function}(") for t in text) == 1, function
        assert any(t.startswith("check(") and f'"{function}"' in t for t in text), function
    assert text.index('check("conv1d")') > next(i for i, t in enumerate(text) if "def conv1d(" in t)


def test_module_keeps_definitions_and_says_what_it_leaves_out_naming_cells_as_jupyter_does():
    texts = [
        "# Setup cell: the handout's own\nimport sys\nsys.path.insert(0, '.')",
        "import numpy as np\nfrom autograder.check import checker\nRATE = 0.1\nSHAPE = (2, np.float64(3))",
        "%matplotlib inline\ndef f(x):\n    return RATE * x\n\nprint(f(2))",
        "@staticmethod\ndef g(x):\n    return x",
        "data = np.load('digits.npz')\nparams = train(data)\nimport matplotlib.pyplot as plt\nplt.plot([1])",
        'check("f")',
        "def broken(:\n",
        "class Net:\n    pass\nfor i in range(3):\n    pass",
        'if __name__ == "__main__":\n    from digits import load_digits\n    data = load_digits()',
    ]
    module = module_of([Cell(f"In [{number}]", text) for number, text in enumerate(texts, start=1)])
    source, notes = module.source, module.notes
    namespace = {}
    exec(compile(source, "cnn.py", "exec"), namespace)  # the kept code runs on its own
    assert namespace["f"](2) == 0.2 and namespace["SHAPE"] == (2, 3.0) and "Net" in namespace
    assert "g" in namespace and "checker" not in source and "sys.path" not in source
    assert "np.load" not in source and "train(" not in source and "print(" not in source
    assert "import matplotlib.pyplot as plt" in source  # kept (allowed to fail); plotting calls are not
    text = "\n".join(notes)
    for left_out in ("In [3]: left out line 5 `print(f(2))`",
                     "In [5]: left out line 1 `data = np.load('digits.npz')`, line 2 `params = train(data)`, line 4 "
                     "`plt.plot([1])`", "In [8]: left out line 3 `for i in range(3):`",
                     "In [7]: left out, it has a syntax error", "In [3]: left out 1 notebook command"):
        assert left_out in text, left_out
    assert 'check("f")' not in text and "sys.path" not in text and "__main__" not in text + source  # said nothing of
    line = source.splitlines().index("    return RATE * x") + 1
    assert module.locate(line) == ("In [3]", 3, "return RATE * x")  # a line of the module, in its cell


def test_saved_cells_are_named_by_their_execution_count_or_first_line(tmp_path):
    saved = tmp_path / "cnn.ipynb"
    saved.write_text(json.dumps({"cells": [
        {"cell_type": "code", "execution_count": 4, "metadata": {}, "outputs": [],
         "source": ["def f(x):\n", "    return x\n"]},
        {"cell_type": "markdown", "metadata": {}, "source": ["text"]},
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": ["\nprint(1)"]},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    assert [cell.label for cell in read_cells(saved)] == ["In [4]", 'the cell beginning "print(1)"']


def test_differences_between_what_a_kernel_ran_and_the_saved_notebook_among_what_a_check_runs():
    ran = module_of([Cell("In [1]", "def _pad(x):\n    return x"), Cell("In [2]", "def f(x):\n    return _pad(x) * K"),
                     Cell("In [3]", "K = 2  # a comment"), Cell("In [4]", "def h():\n    return 1")])
    saved = module_of([Cell("In [2]", "def f(x):\n    return _pad(x) * K + 1"), Cell("In [3]", "K = 2"),
                       Cell("In [4]", "def h():\n    return 2"), Cell("In [5]", "def g():\n    pass")])
    assert differences(ran, saved, ["f"]) == Differences(changed=("f",), kernel_only=("_pad",))
    assert differences(ran, saved, ["f", "h", "g"]) == Differences(changed=("f", "h"), kernel_only=("_pad",))
    assert not differences(saved, saved, ["f", "g", "h"])  # a later part not run yet is no difference


@pytest.mark.parametrize("text", ["{not json", "[" * 100_000 + "]" * 100_000], ids=["not-json", "nested-deeply"])
def test_bad_notebook_is_a_one_line_error(tmp_path, text):
    bad = tmp_path / "cnn.ipynb"
    bad.write_text(text)
    with pytest.raises(NotebookError):
        read(bad)
    result = subprocess.run([sys.executable, "-m", "autograder", "check", str(bad)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and result.stderr.startswith("error:")


@pytest.mark.slow(10)
def test_gradescope_grades_the_notebook_form_of_the_reference_at_full_marks(cnn, tmp_path, built_zips):
    """Uploaded beside the handout's untouched cnn.py (the whole folder), the notebook is the answer,
    even saved with a byte-order mark; its training cell is left out, and the results say so once."""
    upload = tmp_path / "upload"
    upload.mkdir()
    (upload / "cnn.py").write_text(SKELETON.read_text())
    cells = json.loads(notebook_of(REFERENCE, cnn))
    cells["cells"].append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                           "source": ["params = train(*load_digits())\n", "print(predict(params, x))"]})
    (upload / "cnn.ipynb").write_text(json.dumps(cells), encoding="utf-8-sig")
    results = grade_like_gradescope(built_zips[0], upload, tmp_path / "results")
    graded = [t for t in results["tests"] if t["name"] in cnn.functions]
    assert len(graded) == len(cnn.functions) and all(t["score"] == t["max_score"] > 0 for t in graded)
    assert results["output"].count("params = train(*load_digits())") == 1


@pytest.fixture(scope="module")
def handout(tmp_path_factory):
    folder = tmp_path_factory.mktemp("handout")
    with zipfile.ZipFile(build_student_zip("cnn", folder / "student.zip")) as archive:
        archive.extractall(folder)
    return folder / "cnn"


def run_notebook(path):
    """Execute a notebook headless in its own folder (as Jupyter does); return each cell's text output."""
    import nbclient
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    named, os.environ["JPY_SESSION_NAME"] = os.environ.get("JPY_SESSION_NAME"), str(path)  # as Jupyter names it
    try:
        nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        if named is None:
            del os.environ["JPY_SESSION_NAME"]
        else:
            os.environ["JPY_SESSION_NAME"] = named
    return [("".join(c["source"]), "".join(o.get("text", "") for o in c.get("outputs", [])))
            for c in notebook.cells if c["cell_type"] == "code"]


@pytest.mark.slow(8)
def test_notebook_with_the_reference_passes_every_check_cell(cnn, handout):
    notebook = handout / "reference.ipynb"
    notebook.write_text(notebook_of(REFERENCE, cnn))
    checks = [(source, output) for source, output in run_notebook(notebook) if source.startswith("check(")]
    assert len(checks) == PARTS
    for source, output in checks:
        assert "All these checks pass (" in output and "✗" not in output and "differs" not in output, (source, output)
    assert sum(output.count("✓ passed") for _, output in checks) == len(cnn.functions)
    assert not (handout / ".hypothesis").exists()


@pytest.mark.slow(2)
def test_skeleton_notebook_says_not_implemented_yet(cnn, handout):
    checks = [(source, output) for source, output in run_notebook(handout / "cnn.ipynb") if source.startswith("check(")]
    assert len(checks) == PARTS
    for source, output in checks:
        assert "Some checks did not pass yet (" in output and "✗" not in output and "differs" not in output, \
            (source, output)
    assert sum(output.count("not implemented yet") for _, output in checks) == len(cnn.functions)


LOOP_CONV1D = '''def conv1d(x, w, stride=1, padding=0):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    xp = np.pad(x, padding)
    n_out = (len(xp) - len(w)) // stride + 1
    return np.array([xp[i * stride:i * stride + len(w)] @ w for i in range(n_out)])'''


class FakeShell:
    """What ``check()`` reads of an IPython kernel: its input history (``In``), item 0 empty."""

    def __init__(self, cells):
        self.history_manager = type("History", (), {"input_hist_raw": ["", *cells]})()
        self.user_ns = {}


@pytest.mark.slow(4)
def test_check_in_a_kernel_names_cells_and_says_how_the_kernel_differs_from_the_saved_notebook(
        tmp_path, monkeypatch, capsys):
    """What the kernel ran: a helper (deleted from the saved notebook since) and a conv1d that raises in
    line 3 of In [4]; the saved notebook: a conv1d of its own. check() says which cell, and that the
    kernel differs from the file; check(saved=True) checks the file."""
    from autograder import check

    kernel = ["# Setup cell: run it first", "import numpy as np", "def _pad(x):\n    return x\n",
              "def conv1d(x, w, stride=1, padding=0):\n    x = _pad(x)\n    raise ValueError('half done')",
              'check("conv1d")']
    monkeypatch.setattr(check, "_shell", lambda: FakeShell(kernel))
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.chdir(tmp_path)
    saved = json.loads(notebook_text(HANDOUT.read_text(), SKELETON.read_text(), "cnn", ["conv1d"]))
    saved["cells"].append({"cell_type": "code", "execution_count": 9, "metadata": {}, "outputs": [],
                           "source": LOOP_CONV1D})
    (tmp_path / "cnn.ipynb").write_text(json.dumps(saved))

    check.checker("cnn")("conv1d")
    out = capsys.readouterr().out
    assert "The saved notebook cnn.ipynb differs from what this kernel ran" in out
    assert "only in the kernel" in out and "_pad" in out and "changed since the kernel ran them" in out
    assert "at In [4], line 3: raise ValueError('half done')" in out  # the cell as Jupyter numbers it
    assert "cnn.py" not in out and "Some checks did not pass yet" in out

    check.checker("cnn")("conv1d", saved=True)
    out = capsys.readouterr().out
    assert f"Checking the saved {tmp_path / 'cnn.ipynb'}" in out and "All these checks pass (" in out
