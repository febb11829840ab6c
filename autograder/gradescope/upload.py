"""What a student uploaded, reduced to the one file we grade, before any grading process starts.

Gradescope unpacks an upload (one file, a zip with folders, or a GitHub repository) into
``/autograder/submission``, and Otter 7 grades there: it copies our support folders in only where
the upload has none of the same name, and starts its kernel (root) with that folder as working
directory, so a student's ``autograder/``, ``hypothesis/`` or ``numpy/`` would be imported instead of
ours. So before Otter starts (``run_otter.py`` in the zip calls ``isolate_upload``):

1. the graded file is found: ``NAME.py`` (or ``NAME.ipynb`` where the assignment accepts notebooks)
   at the top of the upload or inside one folder (the whole unzipped handout), a regular file reached
   through no symbolic link; copies of the shipped skeleton are ignored when a real answer is there;
2. the upload is moved aside, unread, into a root-only folder, and the submission folder is made anew
   holding only a copy of that file; Otter then fills it with our support packages and tests;
3. when no single file qualifies, results.json gets one clear message and 0 points, and Otter is not
   started.

Reading is limited to names and metadata (``lstat``), and the chosen file itself; nothing in the
upload is imported or executed.
"""

import hashlib
import json
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from autograder.sandbox.printable import printable

MANIFEST = "upload.json"  # written into the autograder zip's top level by packaging
MAX_FILE_BYTES = 5 * 2**20  # a graded file larger than this is not a hand-written answer
IGNORED_FOLDERS = {"__MACOSX", "__pycache__", ".git", ".ipynb_checkpoints", "node_modules"}


class UploadProblem(Exception):
    """No single gradable file in the upload; the message says what was found and what to do."""


@dataclass(frozen=True)
class Expected:
    """What an assignment's upload must contain: ``NAME`` + one of ``suffixes``.

    ``skeletons`` are the SHA-256 digests of the files handed out (the skeleton, the notebook): a
    copy of one of them beside a real answer is the handout, not a second answer.
    """

    name: str
    suffixes: tuple = (".py",)
    points: float = 0.0
    skeletons: frozenset = frozenset()

    @property
    def file_names(self):
        return [self.name + suffix for suffix in self.suffixes]

    def to_json(self):
        return json.dumps({"name": self.name, "suffixes": list(self.suffixes), "points": self.points,
                           "skeletons": sorted(self.skeletons)}, indent=2)

    @classmethod
    def from_json(cls, text):
        data = json.loads(text)
        return cls(data["name"], tuple(data["suffixes"]), float(data["points"]), frozenset(data["skeletons"]))


def expected_for(name, handout_folder, points=0.0):
    """What an upload of assignment ``name`` must hold, from the files handed out in ``handout_folder``:
    ``NAME.py``, and ``NAME.ipynb`` where a notebook is handed out too; their digests mark copies."""
    shipped = [Path(handout_folder) / f"{name}{suffix}" for suffix in (".py", ".ipynb")]
    present = [path for path in shipped if path.is_file()]
    return Expected(name, tuple(path.suffix for path in present) or (".py",), float(points),
                    frozenset(digest(path) for path in present))


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def find_graded_file(upload, expected):
    """The one file of ``upload`` (a folder) to grade; raise ``UploadProblem`` otherwise.

    Candidates are regular files named exactly as expected, at the top or one folder down (system
    folders such as ``__MACOSX`` aside), never reached through a symbolic link. Answers (files that
    are not copies of the handout's) win over copies; at the top over one folder down. Two equally
    good candidates are an ambiguity for the student to resolve, not for us to guess.
    """
    upload = Path(upload)
    top, nested, near_misses = [], [], []
    for entry, depth in _entries(upload):
        if entry.name in expected.file_names:
            if not stat.S_ISREG(os.lstat(entry).st_mode):
                raise UploadProblem(f"{_shown(entry, upload)} is a link or a folder, not a file: upload the "
                                    f"file itself")
            (top if depth == 0 else nested).append(entry)
        elif entry.suffix.lower() in (".py", ".ipynb") and stat.S_ISREG(os.lstat(entry).st_mode):
            near_misses.append(entry)
    if not top and not nested:
        found = ", ".join(_shown(c, upload) for c in sorted(near_misses)[:10]) or "no Python file or notebook"
        raise UploadProblem(f"your upload has no file named {_wanted(expected)} (found: {found}); rename your "
                            f"file to {expected.file_names[0]} and upload it again")
    answers = [[c for c in group if _is_answer(c, expected)] for group in (top, nested)]
    chosen = next(group for group in (*answers, top, nested) if group)
    if len(chosen) > 1:
        found = ", ".join(_shown(c, upload) for c in chosen)
        raise UploadProblem(f"your upload holds more than one file we could grade ({found}); "
                            f"upload exactly one {_wanted(expected)}")
    chosen = chosen[0]
    if chosen.stat().st_size > MAX_FILE_BYTES:
        raise UploadProblem(f"{_shown(chosen, upload)} is larger than {MAX_FILE_BYTES // 2**20} MiB; upload "
                            f"the file you wrote")
    return chosen


def _is_answer(path, expected):
    """Not a byte-for-byte copy of a handed-out file."""
    return path.stat().st_size > MAX_FILE_BYTES or digest(path) not in expected.skeletons


def _entries(upload):
    """(path, depth) of the files and folders at depth 0 and 1, following no symbolic link."""
    for entry in sorted(upload.iterdir()):
        yield entry, 0
        if stat.S_ISDIR(os.lstat(entry).st_mode) and entry.name not in IGNORED_FOLDERS:
            for inner in sorted(entry.iterdir()):
                yield inner, 1


def _shown(path, upload):
    """A file's name as the message shows it (any name can be uploaded: a terminal escape too)."""
    return printable(str(path.relative_to(upload)))


def _wanted(expected):
    return " or ".join(expected.file_names)


def isolate_upload(autograder_dir, expected):
    """Leave only the graded file in ``autograder_dir/submission``; return its new path.

    The upload is moved, as it is, to ``autograder_dir/upload`` (root-only; nothing reads it again).
    Raises ``UploadProblem`` (the upload stays where it was) when no single file qualifies.
    """
    folder = Path(autograder_dir)
    submission, aside = folder / "submission", folder / "upload"
    chosen = find_graded_file(submission, expected)
    data = _read_regular_file(chosen)
    if aside.exists():
        shutil.rmtree(aside)
    try:
        submission.rename(aside)
        submission.mkdir()
    except OSError:  # the submission folder is a mount point: move what is in it instead
        aside.mkdir()
        for entry in list(submission.iterdir()):
            shutil.move(entry, aside / entry.name)
    os.chmod(aside, 0o700)
    graded = submission / (expected.name + chosen.suffix)
    graded.write_bytes(data)
    return graded


def make_private(autograder_dir):
    """As root, make ``autograder_dir`` (the tests, the reference, the results) root's alone: the
    sandbox user, which student code runs as, can neither read nor write anything in it."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.chmod(autograder_dir, 0o700)


def _read_regular_file(path):
    """The bytes of ``path``, opened without following a symbolic link (the link may be swapped in)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise UploadProblem(f"{path.name} is not a regular file: upload the file itself")
        return file.read(MAX_FILE_BYTES + 1)[:MAX_FILE_BYTES]


def problem_results(message, expected):
    """results.json (Gradescope's format) for an upload that holds no single gradable file."""
    return unscored_results(f"Nothing was graded: {message}.", expected)


def unscored_results(text, expected):
    """results.json (Gradescope's format) giving no points, ``text`` saying why, in one visible test."""
    return {
        "score": 0,
        "output": text,
        "stdout_visibility": "hidden",
        "tests": [{"name": "Your upload", "score": 0, "max_score": expected.points, "status": "failed",
                   "visibility": "visible", "output": text}],
    }
