"""train's integration check measures the student's own network on digits the handout does not ship.

The held-back digits (``solutions/cnn/heldout_digits.npz``, in the autograder zip only, see
``solutions/cnn/make_digits.py``) are balanced and share no image with the handout's, so a
submission that looks up the handout's labels by image learns nothing about them; the reference
clears the check's threshold by a wide margin whatever ``train``'s seed.
"""

import hashlib

import numpy as np
from conftest import REFERENCE, ROOT, load_module

from autograder.core.grading import choose, grade
from autograder.instructor.patching import apply_patch
from solutions.cnn import grading

DIGITS = np.load(ROOT / "assignments" / "cnn" / "digits.npz")
ref = load_module(REFERENCE, "reference_heldout")


def fingerprint(image):
    return hashlib.sha256(image.tobytes()).hexdigest()[:16]


def test_heldout_digits_are_balanced_and_none_is_in_the_handout():
    x, y = grading.load_heldout_digits()
    assert x.dtype == np.float64 and x.shape == (500, 1, 8, 8) and 0 <= x.min() and x.max() <= 1
    assert y.dtype == np.int64 and np.array_equal(np.bincount(y), [50] * 10)
    handout = {fingerprint(image) for key in ("x_train", "x_test") for image in DIGITS[key]}
    assert not any(fingerprint(image) in handout for image in x)
    assert len({fingerprint(image) for image in x}) == len(x)


def test_the_reference_clears_the_threshold_by_a_margin_whatever_the_seed():
    """So a correct solution whose rounding or random draws differ passes too."""
    x, y = grading.load_heldout_digits()
    accuracies = [np.mean(ref.predict(ref.train(DIGITS["x_train"], DIGITS["y_train"],
                                                **{**grading.TRAIN_CALL, "seed": seed})[0], x) == y)
                  for seed in range(10)]
    assert min(accuracies) >= grading.TRAIN_ACCURACY + 0.05, accuracies


def test_looking_up_the_handouts_labels_earns_nothing(cnn, tmp_path):
    """predict answers from a table of every handout digit's label (100% on the shipped test split)
    and train learns nothing: the integration check fails, at about chance."""
    table = {fingerprint(image): int(label) for split in ("train", "test")
             for image, label in zip(DIGITS[f"x_{split}"], DIGITS[f"y_{split}"], strict=True)}
    lookup = (f"import hashlib\n\n\ndef _labels():\n    return {table!r}\n\n\n"
              "def train(x_train, y_train, epochs=60, lr=0.1, batch_size=20, seed=0):\n"
              "    return {}, [0.0] * epochs\n\n\n"
              "def predict(params, x):\n"
              "    labels = _labels()\n"
              "    return np.array([labels.get(hashlib.sha256(i.tobytes()).hexdigest()[:16], 0) for i in x])\n")
    submission = tmp_path / "cnn.py"
    submission.write_text(apply_patch(REFERENCE.read_text(), lookup))
    cheat = load_module(submission, "lookup_heldout")
    assert np.mean(cheat.predict({}, DIGITS["x_test"]) == DIGITS["y_test"]) == 1.0

    report = grade(cnn, submission, choose(cnn, ["train"], public=False), shrink=False)
    integration = [v for v in report.result("train").verdicts if v.check.integration]
    assert len(integration) == 1 and not integration[0].passed
    reached = float(integration[0].message.split("your network reached ")[1].split("%")[0])
    assert reached < 30, integration[0].message
