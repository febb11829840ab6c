"""Scaffold a new assignment: ``python -m autograder new NAME`` writes a working one-function example.

The files are the ones an assignment needs (see "Adding an assignment" in docs/writing-checks.md):

- ``solutions/NAME/__init__.py``, ``solutions/NAME/NAME.py`` (reference, solution code between
  ``# BEGIN SOLUTION`` / ``# END SOLUTION``), ``solutions/NAME/grading.py`` (``POINTS``,
  ``HIDDEN_CHECKS``: one check against the reference);
- ``assignments/NAME/__init__.py``, ``assignments/NAME/checks.py`` (``FUNCTIONS``,
  ``PUBLIC_CHECKS``: one property check), ``assignments/NAME/README.md`` (handout) and
  ``assignments/NAME/NAME.py`` (the skeleton, generated from the reference).

The example function is ``norms(x)``, the Euclidean length of each row of a matrix; replace it with
the assignment's own functions, then regenerate the skeleton with ``make skeleton ASSIGNMENT=NAME``.
"""

import keyword
from pathlib import Path

from autograder.instructor.skeleton import make_skeleton

RESERVED = {"autograder", "assignments", "solutions", "tests", "numpy", "hypothesis", "wire", "worker_main"}

REFERENCE = '''"""{name}: the reference solution (students get the skeleton made from it by `make skeleton`)."""

import numpy as np


def norms(x):
    """The Euclidean length of each row of the 2-D array ``x``, as a 1-D float array.

    >>> norms(np.array([[3.0, 4.0], [1.0, 0.0]]))
    array([5., 1.])
    """
    # BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    return np.sqrt(np.sum(x * x, axis=1))
    # END SOLUTION
'''

CHECKS = '''"""Public checks of {name}: properties any correct solution has (they ship to students)."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.core.checks import Check, assert_close, float_array

FUNCTIONS = ["norms"]
SEED = 20261125

MATRICES = st.fixed_dictionaries({{
    "x": hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=5),
                    elements=st.floats(-100, 100, allow_subnormal=False)),
}})


def _scaling(student, example):
    x = example["x"]
    once = float_array(student.norms(x), "norms", (x.shape[0],))
    assert_close(student.norms(2.0 * x), 2.0 * once, "norms",
                 what="values for 2 * x (they should be 2 * norms(x))")


PUBLIC_CHECKS = [
    Check.on_calls("norms", "doubles when x doubles", MATRICES, _scaling),
]
'''

GRADING = '''"""Hidden grading of {name}: points per function and the checks that share them."""

from assignments.{name}.checks import MATRICES
from autograder.core.checks import matches_reference
from solutions.{name} import {name} as reference

POINTS = {{"norms": 10}}

HIDDEN_CHECKS = [
    matches_reference("norms", "agrees with the reference", MATRICES, reference.norms),
]
'''

HANDOUT = '''# {name}

Fill in the functions of `{name}.py`, then run the public checks:

```sh
make check
```

- `norms(x)`: the Euclidean length of each row of the 2-D array `x`, as a 1-D float array.
'''


def files(name):
    """{relative path: text} of the assignment's files (the skeleton included)."""
    reference = REFERENCE.format(name=name)
    return {
        "assignments/__init__.py": "",
        "solutions/__init__.py": "",
        f"solutions/{name}/__init__.py": "",
        f"solutions/{name}/{name}.py": reference,
        f"solutions/{name}/grading.py": GRADING.format(name=name),
        f"assignments/{name}/__init__.py": "",
        f"assignments/{name}/checks.py": CHECKS.format(name=name),
        f"assignments/{name}/README.md": HANDOUT.format(name=name),
        f"assignments/{name}/{name}.py": make_skeleton(reference),
    }


def scaffold(name, root="."):
    """Write assignment ``name`` under ``root``; return the paths written. Refuses to overwrite."""
    if not name.isidentifier() or keyword.iskeyword(name) or name != name.lower() or name in RESERVED:
        raise ValueError(f"{name!r} cannot be an assignment name: use a lowercase Python identifier "
                         f"(not {', '.join(sorted(RESERVED))})")
    root = Path(root)
    for folder in (root / "assignments" / name, root / "solutions" / name):
        if folder.exists():
            raise ValueError(f"{folder} exists already")
    written = []
    for relative, text in files(name).items():
        path = root / relative
        if path.exists():  # the packages' __init__.py files of an existing repository
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(path)
    return written
