"""Every check's examples, drawn when the autograder is built and carried in its zip.

The runner keeps the examples of a check's passing run for the next grading in the same process
(``runner.drawn_examples``), which pays off when one process grades many submissions. On
Gradescope each submission is graded by a process of its own, so the autograder zip carries the
examples of every check instead, drawn from the assignment's seed when the zip is built:
``solutions/NAME/drawn_examples.pickle``, beside the hidden checks and as secret as they are. They
stand only for the Hypothesis version and seed that drew them; under any other, grading draws its
own.
"""

import pickle

import hypothesis

from autograder.core.runner import draw_examples

FILE_NAME = "drawn_examples.pickle"


def save(assignment, path):
    """Draw the examples of every check of ``assignment`` and write them to ``path``."""
    checks = assignment.public_checks + assignment.hidden_checks
    drawn = {check.key: draw_examples(check, assignment.seed) for check in checks}
    with open(path, "wb") as file:
        pickle.dump({"hypothesis": hypothesis.__version__, "seed": assignment.seed, "examples": drawn}, file)
    return path


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
