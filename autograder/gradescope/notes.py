"""What grading in Otter's kernel leaves for Otter's own process, as data, next to the submission.

Otter reports a test case only as passed, or failed with its exception's text wrapped in an excerpt
of the test file; it knows nothing of functions' statuses. So ``session`` writes, once per
submission, what each test case should say and what each function's status is, and the plugin
(``after_grading``) and ``entry`` (after Otter wrote results.json) read it back: nothing is parsed
out of Otter's text. The file lies in the submission folder, which only root can read while Otter
grades; student code never runs in the kernel that writes it.
"""

import json
import os
from dataclasses import asdict, dataclass, field

FILE_NAME = ".autograder-notes.json"


@dataclass
class Notes:
    passed: dict = field(default_factory=dict)  # test case -> what the passed check measured, if anything
    failed: dict = field(default_factory=dict)  # test case -> the explanation a student reads
    functions: dict = field(default_factory=dict)  # function -> {"status": its ``Status`` value, "waiting_on": [...]}
    submission: list = field(default_factory=list)  # said once, for the whole submission

    def save(self, submission_path):
        with open(notes_path(submission_path), "w", encoding="utf-8") as file:
            json.dump(asdict(self), file)


def notes_path(submission_path):
    return os.path.join(os.path.dirname(os.path.abspath(submission_path)), FILE_NAME)


def read_notes(submission_path):
    """The ``Notes`` left for ``submission_path`` (empty ones when grading left none)."""
    try:
        with open(notes_path(submission_path), encoding="utf-8") as file:
            return Notes(**json.load(file))
    except (OSError, ValueError, TypeError):
        return Notes()
