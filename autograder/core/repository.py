"""Where the machinery's files are: one root, never the current folder.

``ROOT`` is the folder holding ``autograder/``: in the repository, its top folder (beside
``assignments/``, ``solutions/``, ``tests/``, ``build/`` and ``dist/``); in an unpacked handout,
the handout's folder (beside ``assignments/`` and the student's file). Every path the commands
read or write starts there, so a command does the same wherever it is run.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"  # made by the machinery and kept between runs (drawn examples, grading environments)
DIST = ROOT / "dist"  # what the instructor hands out and uploads, and what grading writes


def dist(name):
    """``dist/NAME``: assignment ``name``'s zips and grades."""
    return DIST / name
