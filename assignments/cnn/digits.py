"""The handwritten digits of part 5, and their loader: ``from digits import load_digits``.

The handout puts this file and ``digits.npz`` beside ``cnn.py`` (and the repository has them
beside the skeleton), so the import works wherever ``cnn.py`` runs: ``python cnn.py`` from any
folder, the notebook in Jupyter, and Colab once the notebook's setup cell has run. The checks
load the same data from here.
"""

from pathlib import Path

import numpy as np


def load_digits():
    """The shipped 8x8 digits, a dict of numpy arrays: ``x_train`` (1347, 1, 8, 8) and ``x_test``
    (450, 1, 8, 8), float64 pixels in [0, 1]; ``y_train`` (1347,) and ``y_test`` (450,), integer
    labels 0-9."""
    with np.load(Path(__file__).with_name("digits.npz")) as data:
        return {key: data[key] for key in ("x_train", "y_train", "x_test", "y_test")}
