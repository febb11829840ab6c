"""The examples each check is fed first, drawn once and kept: in the autograder zip, in memory, on disk.

Seeded, Hypothesis feeds a check the same examples whatever the submission answers, until one
fails (see ``runner``), so they are drawn once and fed first to every later grading. They are kept
in three layers, most trusted first:

- the autograder zip: every check's, drawn from the assignment's seed when the zip is built
  (``solutions/NAME/drawn_examples.pickle``, beside the hidden checks and as secret as they are;
  ``Assignment.drawn``). On Gradescope each submission is graded by a process of its own: this is
  the layer it uses;
- this process: what Hypothesis fed a check in a passing run by itself (``remember``);
- this checkout or handout: the instructor's tools (``make audit``, ``make grade-all``, ``make check``),
  the tests and a student's ``check`` keep them on disk between processes, in
  ``build/drawn-examples/NAME-IDENTITY.pickle`` of ``repository.ROOT`` (the repository, or the
  unpacked handout), where ``Assignment.identity`` covers everything the examples are drawn from
  (the machinery, the assignment's packages, the versions of Python, Hypothesis and numpy), so any
  change to them starts afresh: a handout's requirements are ranges, and each student's versions
  draw their own on the first run; the files of the ``KEPT_VERSIONS`` most recently written
  identities are kept, so going back to an earlier version does not draw again.

Examples stand only for the Hypothesis version and seed that drew them; under any other, grading
draws its own. One lookup, ``examples_for(assignment, checks)``, finds them in the three layers.
Each check's are a ``runner.Drawn``: the examples, and whether Hypothesis would stop at the first
if it failed. That is known for examples drawn ahead (``runner.draw_examples``), not for those of a
passing run, until ``draw_missing`` finds it; the layers keep the examples that know it, so the
autograder zip always does.
"""

import multiprocessing
import os
import pickle
import threading
import weakref
from pathlib import Path

import hypothesis

from autograder.core.repository import BUILD
from autograder.core.runner import draw_examples

FILE_NAME = "drawn_examples.pickle"
KEPT = BUILD / "drawn-examples"
KEPT_VERSIONS = 5  # files kept per assignment: the most recently written
_in_memory = weakref.WeakKeyDictionary()  # check -> {seed: its Drawn examples}
_on_disk = {}  # path -> what this process read from or wrote to a kept file (check key -> Drawn)


def examples_for(assignment, checks):
    """The ``Drawn`` examples to feed each of ``checks`` first, from the zip, this process or this
    checkout (None for a check that has none yet), in the order of ``checks``."""
    kept = _kept(assignment) or {}
    found = []
    for check in checks:
        best = None
        for drawn in (assignment.drawn.get(check.key), _in_memory.get(check, {}).get(assignment.seed),
                      kept.get(check.key)):
            if drawn is not None and _adds_to(drawn, best):
                best = drawn
        found.append(best)
    return found


def _adds_to(drawn, known):
    """Whether ``drawn`` tells more than ``known`` (a check's ``Drawn`` examples, or None). Examples
    of one check and identity are the same whatever drew them: only ``first_is_final`` may be known
    by one and not the other."""
    return known is None or (known.first_is_final is None and drawn.first_is_final is not None)


def remember(assignment, fed):
    """Keep the examples of ``fed`` (check -> ``Drawn``: drawn ahead, or fed in a passing run) for
    later gradings: in this process, and on disk for this checkout's other processes."""
    for check, drawn in fed.items():
        by_seed = _in_memory.setdefault(check, {})
        if _adds_to(drawn, by_seed.get(assignment.seed)):
            by_seed[assignment.seed] = drawn
    kept = _kept(assignment)
    new = {check.key: drawn for check, drawn in fed.items()
           if kept is not None and _adds_to(drawn, kept.get(check.key))}
    if new:
        _keep(assignment, new)


def draw_missing(assignment, checks):
    """Draw, and keep in this checkout, the examples of those of ``checks`` that have none yet, and
    find whether a failure at the first is final where that is not known yet; return for how many
    checks (none where nothing is kept: the autograder zip)."""
    kept = _kept(assignment)
    unknown = to_draw(assignment, checks)
    if kept is not None and unknown:
        remember(assignment, dict(zip([check for check, _ in unknown], _draw_all(unknown, assignment.seed))))
        return len(unknown)
    return 0


def to_draw(assignment, checks):
    """``(check, its Drawn examples or None)`` for those of ``checks`` whose examples are missing, or
    do not know whether a failure at the first is final: what ``draw_missing`` draws."""
    return [(check, found) for check, found in zip(checks, examples_for(assignment, checks)) if not _complete(found)]


def _complete(found):
    """Whether ``found`` (a check's ``Drawn`` examples, or None) holds examples that know ``first_is_final``."""
    return found is not None and found.first_is_final is not None


_drawing = None  # (the arguments of _draw_all) while its forked processes draw them


def _draw_all(unknown, seed):
    """``draw_examples`` of each ``(check, examples fed so far or None)`` of ``unknown``, in order: in one
    forked process per core where this process may fork (a platform that forks, no other thread
    running), else one after the other."""
    global _drawing
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if cores < 2 or len(unknown) < 2 or threading.active_count() > 1 \
            or "fork" not in multiprocessing.get_all_start_methods():
        return [_drawn(check, seed, found) for check, found in unknown]
    _drawing = (unknown, seed)  # the forked processes find the checks here: strategies cannot be pickled
    try:
        with multiprocessing.get_context("fork").Pool(min(cores, len(unknown))) as pool:
            drawn = pool.map(_draw_one, range(len(unknown)), chunksize=1)
    finally:
        _drawing = None
    return [sent if sent is not None else _drawn(check, seed, found) for (check, found), sent in zip(unknown, drawn)]


def _draw_one(index):
    """In a forked process: the ``Drawn`` examples of ``_drawing``'s check ``index``, or None where
    they cannot be pickled to send back (then the caller draws them)."""
    unknown, seed = _drawing
    check, found = unknown[index]
    drawn = _drawn(check, seed, found)
    return drawn if _picklable(drawn) else None


def _drawn(check, seed, found):
    """``draw_examples`` of ``check``, given the examples of ``found`` (a ``Drawn``, or None) if any."""
    return draw_examples(check, seed, found.examples if found is not None else None)


def save(assignment, path):
    """Write the examples of every check of ``assignment`` to ``path`` (the zip's): those this
    checkout keeps (drawn from the same files, seed and versions, so the same), the others drawn now."""
    checks = assignment.public_checks + assignment.hidden_checks
    draw_missing(assignment, checks)
    kept = dict(zip(checks, examples_for(assignment, checks)))  # all of them, but where nothing is kept
    _write(path, assignment.seed, {check.key: found if _complete(found) else _drawn(check, assignment.seed, found)
                                   for check, found in kept.items()})
    return path


def load(path, seed):
    """The ``Drawn`` examples saved at ``path``, by check key; none when there is no such file or
    they were drawn by another Hypothesis version or from another seed."""
    try:
        with open(path, "rb") as file:
            saved = pickle.load(file)
    except FileNotFoundError:
        return {}
    if saved["hypothesis"] != hypothesis.__version__ or saved["seed"] != seed:
        return {}
    return saved["examples"]


def _write(path, seed, drawn):
    """Write ``drawn`` (check key -> ``Drawn``), but for checks whose examples cannot be pickled (a
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


def _kept(assignment):
    """The examples kept in this checkout or handout for ``assignment`` as its files are now, by check
    key; None where nothing is kept: in the autograder zip (it carries them all)."""
    if assignment.drawn:
        return None
    path = _kept_path(assignment)
    if path not in _on_disk:
        _on_disk[path] = load(path, assignment.seed)
    return _on_disk[path]


def _keep(assignment, drawn):
    """Add ``drawn`` (check key -> ``Drawn``) to the examples kept on disk for ``assignment``."""
    path = _kept_path(assignment)
    merged = {}
    for layer in (drawn, _on_disk.get(path, {}), load(path, assignment.seed)):  # the newest first
        merged.update({key: found for key, found in layer.items() if _adds_to(found, merged.get(key))})
    _on_disk[path] = merged
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
