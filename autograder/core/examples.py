"""Every check's examples, drawn when the autograder is built and carried in its zip, and kept in a checkout.

The runner keeps the examples of a check's passing run for the next grading in the same process
(``runner.drawn_examples``). On Gradescope each submission is graded by a process of its own, so
the autograder zip carries the examples of every check instead, drawn from the assignment's seed
when the zip is built: ``solutions/NAME/drawn_examples.pickle``, beside the hidden checks and as
secret as they are. In a checkout, the instructor's tools (``make audit``, ``make grade-all``,
``make check``) and the tests keep them on disk between processes, in
``build/drawn-examples/NAME-IDENTITY.pickle``, where ``Assignment.identity`` covers everything the
examples are drawn from (the machinery, the assignment's two packages, the versions of Python,
Hypothesis and numpy), so any change to them starts afresh; the files of the ``KEPT_VERSIONS`` most
recently written identities are kept, so going back to an earlier version does not draw again.
Examples stand only for the Hypothesis version and seed that drew them; under any other, grading
draws its own.
"""

import os
import pickle
from pathlib import Path

import hypothesis

from autograder.core.runner import draw_examples

FILE_NAME = "drawn_examples.pickle"


def save(assignment, path):
    """Draw the examples of every check of ``assignment`` and write them to ``path``."""
    checks = assignment.public_checks + assignment.hidden_checks
    _write(path, assignment.seed, {check.key: draw_examples(check, assignment.seed) for check in checks})
    return path


def _write(path, seed, drawn):
    """Write ``drawn`` (check key -> examples), but for checks whose examples cannot be pickled (a
    strategy may draw functions, say): those are drawn by the grading process itself."""
    try:
        data = pickle.dumps({"hypothesis": hypothesis.__version__, "seed": seed, "examples": drawn})
    except UNPICKLABLE:  # rare: find the checks at fault, one by one
        data = pickle.dumps({"hypothesis": hypothesis.__version__, "seed": seed,
                             "examples": {key: examples for key, examples in drawn.items() if _picklable(examples)}})
    Path(path).write_bytes(data)


UNPICKLABLE = (pickle.PicklingError, TypeError, AttributeError)


def _picklable(value):
    try:
        pickle.dumps(value)
    except UNPICKLABLE:
        return False
    return True


def load(path, seed):
    """The examples saved at ``path``, by check key; none when there is no such file or it was drawn
    by another Hypothesis version or from another seed."""
    try:
        with open(path, "rb") as file:
            saved = pickle.load(file)
    except FileNotFoundError:
        return {}
    if saved["hypothesis"] != hypothesis.__version__ or saved["seed"] != seed:
        return {}
    return saved["examples"]


KEPT = Path(__file__).resolve().parents[2] / "build" / "drawn-examples"
KEPT_VERSIONS = 5  # files kept per assignment: the most recently written
_kept = {}  # path -> the examples read from it or written to it by this process


def kept(assignment):
    """The examples kept in this checkout for ``assignment`` as its files are now, by check key (a
    dict to read, and to ``keep`` more in); None where nothing is kept: a handout (no hidden checks)
    or the autograder zip (it carries them all)."""
    if not assignment.has_hidden_checks or assignment.drawn:
        return None
    path = _kept_path(assignment)
    if path not in _kept:
        _kept[path] = load(path, assignment.seed)
    return _kept[path]


def keep(assignment, drawn):
    """Keep ``drawn`` (check key -> examples) with those ``kept`` for ``assignment``, on disk."""
    path = _kept_path(assignment)
    merged = {**load(path, assignment.seed), **_kept.get(path, {}), **drawn}
    _kept[path] = merged
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        written = path.with_name(f"{path.name}.{os.getpid()}")
        _write(written, assignment.seed, merged)
        os.replace(written, path)  # whole or not at all, even with other processes keeping theirs
        for stale in _by_age(set(KEPT.glob(f"{assignment.name}-*.pickle")) - {path})[KEPT_VERSIONS - 1:]:
            stale.unlink(missing_ok=True)  # drawn for files since changed, and changed again
    except OSError:  # a read-only checkout: kept for this process only
        pass


def _by_age(paths):
    """``paths``, the most recently modified first (one removed meanwhile by another process: last)."""
    def modified(path):
        try:
            return path.stat().st_mtime
        except OSError:
            return 0.0
    return sorted(paths, key=modified, reverse=True)


def _kept_path(assignment):
    return KEPT / f"{assignment.name}-{assignment.identity}.pickle"
