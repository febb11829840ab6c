"""Build ``assignments/cnn/digits.npz``, the data set of the CNN assignment.

Source: the 8x8 handwritten digits of the UCI "Optical Recognition of
Handwritten Digits" data set (E. Alpaydin and C. Kaynak, 1998,
https://doi.org/10.24432/C50P49), licensed under Creative Commons
Attribution 4.0 International (CC BY 4.0), in the copy bundled with
scikit-learn (``sklearn.datasets.load_digits``: 1,797 images of 8x8 pixels
with values 0..16, labels 0-9).

The instructor runs this script once (it needs scikit-learn; the course
itself does not)::

    python solutions/cnn/make_digits.py [OUTPUT.npz]

It writes a compressed ``.npz`` with the keys

* ``x_train``, ``x_test``: float64, shape (N, 1, 8, 8), values in [0, 1]
  (pixel value / 16), batch-first NCHW with one channel;
* ``y_train``, ``y_test``: int64, shape (N,), labels 0-9.

The split is a fixed stratified 75/25 split: for each class, the images of
that class are permuted with one ``numpy.random.default_rng(0)`` (classes
visited in order 0..9) and the first ``round(0.25 * n_class)`` go to the
test set. Within each split the images keep their original order. The
result depends only on numpy's PCG64 generator, not on scikit-learn's
version.
"""

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUTPUT = ROOT / "assignments" / "cnn" / "digits.npz"
TEST_FRACTION = 0.25
SEED = 0


def stratified_split(y, test_fraction=TEST_FRACTION, seed=SEED):
    """Return (train_idx, test_idx), sorted, stratified by label."""
    rng = np.random.default_rng(seed)
    test_parts = []
    for label in np.unique(y):
        idx = np.flatnonzero(y == label)
        n_test = int(round(test_fraction * len(idx)))
        test_parts.append(rng.permutation(idx)[:n_test])
    test_idx = np.sort(np.concatenate(test_parts))
    train_mask = np.ones(len(y), dtype=bool)
    train_mask[test_idx] = False
    return np.flatnonzero(train_mask), test_idx


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    output = Path(argv[0]) if argv else DEFAULT_OUTPUT
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        sys.exit(
            "make_digits.py needs scikit-learn (pip install scikit-learn); "
            "it is only needed to build the data file, not to run the course."
        )

    digits = load_digits()
    images = np.asarray(digits.images, dtype=np.float64)  # (1797, 8, 8)
    labels = np.asarray(digits.target, dtype=np.int64)
    assert images.shape == (1797, 8, 8) and images.min() >= 0 and images.max() <= 16

    x = (images / 16.0)[:, None, :, :]  # (N, 1, 8, 8), values in [0, 1]
    train_idx, test_idx = stratified_split(labels)

    output.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        output,
        x_train=x[train_idx],
        y_train=labels[train_idx],
        x_test=x[test_idx],
        y_test=labels[test_idx],
    )
    print(
        f"wrote {output}: {len(train_idx)} train / {len(test_idx)} test images, "
        f"{output.stat().st_size / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
