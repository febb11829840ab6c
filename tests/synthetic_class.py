"""Synthetic classes: submissions made from the reference, the skeleton and the bug corpus, packed as
Gradescope's "Export Submissions" zip (``submission_metadata.yml`` and one folder per submission).

The tests of class grading build their small classes with it (``tests/test_bulk.py``,
``tests/test_class_results.py``). ``python tests/synthetic_class.py export.zip`` writes the class of
30 submissions (31 students) the README's figures of a class run were measured on: references,
partial work, single-function bugs, a notebook, a syntax error, an endless loop at import, a second
``.py`` beside ``cnn.py``, the whole handout folder, a misnamed ``CNN.py``, a group of two, five
late uploads.
"""

import ast
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "solutions" / "cnn" / "cnn.py"
SKELETON = ROOT / "assignments" / "cnn" / "cnn.py"
CORPUS = ROOT / "tests" / "corpus" / "cnn"
TOP = "assignment_9_export/"  # Gradescope's zip holds one folder


def source(kind):
    """The text of a ``cnn.py``: "reference", "skeleton", "syntax error", "hangs at import", "partial"
    (parts 1-4 done, the rest the skeleton's), or the name of a bug of the corpus applied to the reference."""
    from autograder.instructor.patching import apply_patch

    reference = REFERENCE.read_text()
    if kind == "reference":
        return reference
    if kind == "skeleton":
        return SKELETON.read_text()
    if kind == "syntax error":
        return reference.replace("def conv1d(", "def conv1d((", 1)
    if kind == "hangs at import":  # waiting, not spinning: stopped by the same 10 s, without burning them
        return "import time\n\nwhile True:\n    time.sleep(1)\n"
    if kind == "partial":
        skeleton = SKELETON.read_text()
        later = [node for node in ast.parse(skeleton).body if isinstance(node, ast.FunctionDef)
                 and node.name not in ("conv1d", "conv1d_matrix", "conv2d", "conv2d_multichannel", "max_pool2d")]
        return reference + "\n\n" + "\n\n".join(ast.get_source_segment(skeleton, node) for node in later) + "\n"
    return apply_patch(reference, (CORPUS / "bugs" / f"{kind}.py").read_text())


def notebook(kind):
    """``source(kind)`` as the handout's notebook, ``cnn.ipynb``."""
    from autograder.core import assignment as assignments
    from autograder.instructor.handout_notebook import notebook_text

    cnn = assignments.load("cnn")
    return notebook_text((ROOT / "assignments" / "cnn" / "README.md").read_text(), source(kind), "cnn", cnn.functions)


def gradescope_metadata(submissions):
    """``submission_metadata.yml`` as Gradescope writes it, from ``{folder: (submitters, created_at, more)}``;
    submitters are (name as YAML, SID, email), ``more`` the folder's other lines (scores, history)."""
    lines = ["---"]
    for folder, (submitters, created_at, more) in submissions.items():
        lines += [f"{folder}:", "  :submitters:"]
        for name, sid, email in submitters:
            lines += [f"  - :name: {name}", f"    :sid: '{sid}'", f"    :email: {email}"]
        lines += [f"  :created_at: {created_at}", *more]
    return "\n".join(lines) + "\n"


def write_export(path, metadata, files, damaged=()):
    """Write the export zip ``path``: ``metadata`` (None: left out) and ``files`` ({path in the
    export: text}); the members named in ``damaged`` are written, then their data garbled."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if metadata is not None:
            archive.writestr(TOP + "submission_metadata.yml", metadata)
        for name, text in files.items():
            archive.writestr(TOP + name, text)
    for name in damaged:
        damage(path, TOP + name)
    return path


def damage(path, member):
    """Garble the compressed data of ``member`` in zip ``path`` (reading it then fails; the others are fine)."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    data = bytearray(Path(path).read_bytes())
    name_length, extra_length = (int.from_bytes(data[info.header_offset + at:info.header_offset + at + 2], "little")
                                 for at in (26, 28))
    start = info.header_offset + 30 + name_length + extra_length
    for at in range(start + 2, start + min(info.compress_size - 2, 40)):
        data[at] ^= 0xFF
    Path(path).write_bytes(bytes(data))


DUE = "2026-11-20T23:59:00-08:00"
ON_TIME, LATE = "2026-11-20 17:01:02.123456000 -08:00", "2026-11-21 09:30:00.000000000 -08:00"
CLASS_OF_30 = [  # (what the submission is, how it is handed in, late?)
    *[("reference", "cnn.py", False)] * 7,
    ("reference", "cnn.py", True),
    ("partial", "cnn.py", False),
    ("partial", "cnn.py", True),
    ("skeleton", "cnn.py", False),
    *[(bug, "cnn.py", False) for bug in (
        "conv1d_stride_ignored", "conv1d_matrix_transposed", "conv2d_flipped_kernel", "max_pool2d_average",
        "relu_backward_gates_on_dout", "softmax_cross_entropy_no_max_shift", "linear_backward_dw_transposed",
        "train_ignores_lr", "fc_params_no_bias", "receptive_field_ignores_stride")],
    ("max_pool2d_stride_ignored", "cnn.py", True),
    ("output_shapes_ceil", "cnn.py", True),
    ("reference", "notebook", False),
    ("syntax error", "cnn.py", False),
    ("hangs at import", "cnn.py", False),
    ("reference", "beside helpers.py", False),
    ("reference", "handout folder", True),
    ("reference", "CNN.py", False),
    ("conv2d_stride_ignored", "group of two", False),
]


def class_of_30():
    """(metadata, files) of the export of ``CLASS_OF_30``: submission_3001 ... submission_3030."""
    people, files = {}, {}
    for number, (kind, how, late) in enumerate(CLASS_OF_30, 3001):
        folder = f"submission_{number}"
        submitters = [(f"Student {number}", str(number), f"s{number}@example.edu")]
        if how == "group of two":
            submitters.append((f"Partner of {number}", str(number + 1000), f"p{number}@example.edu"))
        people[folder] = (submitters, LATE if late else ON_TIME, ["  :score: 0.0"])
        if how == "notebook":
            files[f"{folder}/cnn.ipynb"] = notebook(kind)
        elif how == "CNN.py":
            files[f"{folder}/CNN.py"] = source(kind)
        elif how == "handout folder":  # the unpacked handout, the student's cnn.py in it
            files[f"{folder}/cnn/cnn.py"] = source(kind)
            files[f"{folder}/cnn/README.md"] = (ROOT / "assignments" / "cnn" / "README.md").read_text()
            files[f"{folder}/cnn/cnn.ipynb"] = (ROOT / "assignments" / "cnn" / "cnn.ipynb").read_text()
        else:
            files[f"{folder}/cnn.py"] = source(kind)
            if how == "beside helpers.py":
                files[f"{folder}/helpers.py"] = "def unused():\n    return 1\n"
    return gradescope_metadata(people), files


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/synthetic_class.py export.zip")
    sys.path.insert(0, str(ROOT))
    write_export(sys.argv[1], *class_of_30())
    print(f"wrote {sys.argv[1]}: {len(CLASS_OF_30)} submissions, DUE={DUE}")
