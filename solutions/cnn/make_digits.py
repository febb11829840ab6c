"""Build the digits of the CNN assignment: the handout's ``assignments/cnn/digits.npz`` and the
held-back ``solutions/cnn/heldout_digits.npz`` that only the autograder zip ships.

Source: the 8x8 handwritten digits of the UCI "Optical Recognition of
Handwritten Digits" data set (E. Alpaydin and C. Kaynak, 1998,
https://doi.org/10.24432/C50P49), licensed under Creative Commons
Attribution 4.0 International (CC BY 4.0). The data set comes as two files
written by different people: ``optdigits.tes`` (1,797 digits by 13 writers)
and ``optdigits.tra`` (3,823 digits by 30 others). Each digit is 8x8 pixels
with values 0..16 (the number of ink pixels in a 4x4 block of the scanned
32x32 bitmap) and a label 0-9.

The instructor runs this script once per file (no network, no run-time use)::

    python solutions/cnn/make_digits.py [OUTPUT.npz]
    python solutions/cnn/make_digits.py --heldout optdigits.tra [OUTPUT.npz]

The first needs scikit-learn, whose ``sklearn.datasets.load_digits`` is a copy
of ``optdigits.tes``; it writes ``assignments/cnn/digits.npz`` (the course
itself does not need scikit-learn), a compressed ``.npz`` with the keys

* ``x_train``, ``x_test``: float64, shape (N, 1, 8, 8), values in [0, 1]
  (pixel value / 16), batch-first NCHW with one channel;
* ``y_train``, ``y_test``: int64, shape (N,), labels 0-9.

Its split is a fixed stratified 75/25 split: for each class, the images of
that class are permuted with one ``numpy.random.default_rng(0)`` (classes
visited in order 0..9) and the first ``round(0.25 * n_class)`` go to the
test set. Within each split the images keep their original order. The
result depends only on numpy's PCG64 generator, not on scikit-learn's
version.

The second reads ``optdigits.tra`` as the UCI repository serves it (one digit
per line: 64 pixel values then the label, comma-separated) and writes
``solutions/cnn/heldout_digits.npz``, with the keys ``x`` and ``y`` in the same
formats: ``HELDOUT_PER_CLASS`` digits of each class, drawn by
``numpy.random.default_rng(0)`` in the same way (classes in order 0..9) and
kept in file order, leaving out any digit pixel for pixel equal to one of the
handout's. ``train``'s integration check measures accuracy on them: digits by
writers whose handwriting the handout never shows, which no submission can
look up in a file it was given.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUTPUT = ROOT / "assignments" / "cnn" / "digits.npz"
HELDOUT_OUTPUT = ROOT / "solutions" / "cnn" / "heldout_digits.npz"
TEST_FRACTION = 0.25
HELDOUT_PER_CLASS = 50
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


def stratified_sample(y, per_class=HELDOUT_PER_CLASS, seed=SEED):
    """Sorted indices of `per_class` examples of each label, each class permuted by one generator."""
    rng = np.random.default_rng(seed)
    return np.sort(np.concatenate([rng.permutation(np.flatnonzero(y == label))[:per_class]
                                   for label in np.unique(y)]))


def as_images(pixels):
    """(N, 64) pixel counts 0..16 -> float64 images (N, 1, 8, 8) with values in [0, 1]."""
    return (np.asarray(pixels, dtype=np.float64) / 16.0).reshape(-1, 1, 8, 8)


def read_uci(path):
    """(pixels (N, 64) int64, labels (N,) int64) of a UCI optdigits file; ValueError if it is not one."""
    try:
        rows = np.loadtxt(path, delimiter=",", dtype=np.int64, ndmin=2)
    except ValueError as error:
        raise ValueError(f"{path} is not a UCI optdigits file (65 comma-separated integers a line): {error}") from None
    pixels, labels = rows[:, :64], rows[:, 64]
    if rows.shape[1] != 65 or pixels.min() < 0 or pixels.max() > 16 or not set(labels) <= set(range(10)):
        raise ValueError(f"{path} is not a UCI optdigits file: each line needs 64 pixels in 0..16 and a label 0-9")
    return pixels, labels


def write_handout_digits(output):
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        sys.exit("make_digits.py needs scikit-learn (pip install scikit-learn) to build the handout's digits; "
                 "it is only needed to build the data file, not to run the course.")
    digits = load_digits()
    images = np.asarray(digits.images, dtype=np.float64)  # (1797, 8, 8)
    labels = np.asarray(digits.target, dtype=np.int64)
    assert images.shape == (1797, 8, 8) and images.min() >= 0 and images.max() <= 16
    x = as_images(images.reshape(-1, 64))
    train_idx, test_idx = stratified_split(labels)
    output.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(output, x_train=x[train_idx], y_train=labels[train_idx],
                        x_test=x[test_idx], y_test=labels[test_idx])
    return f"{len(train_idx)} train / {len(test_idx)} test images"


def write_heldout_digits(source, output, handout=DEFAULT_OUTPUT):
    pixels, labels = read_uci(source)
    with np.load(handout) as shipped:
        seen = {image.tobytes() for key in ("x_train", "x_test") for image in shipped[key]}
    x = as_images(pixels)
    unseen = np.array([image.tobytes() not in seen for image in x])
    rows = np.flatnonzero(unseen)[stratified_sample(labels[unseen])]
    np.savez_compressed(output, x=x[rows], y=labels[rows])
    return (f"{len(rows)} held-back images, {HELDOUT_PER_CLASS} a class, from the {len(labels)} of {source} "
            f"({len(labels) - unseen.sum()} left out as equal to a handout image)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("output", nargs="?", type=Path, help="the file to write (default: the usual place)")
    parser.add_argument("--heldout", type=Path, metavar="optdigits.tra",
                        help="build the held-back split from this UCI file instead of the handout's digits")
    args = parser.parse_args(argv)
    if args.heldout is None:
        output = args.output or DEFAULT_OUTPUT
        summary = write_handout_digits(output)
    else:
        output = args.output or HELDOUT_OUTPUT
        try:
            summary = write_heldout_digits(args.heldout, output)
        except (OSError, ValueError) as error:
            parser.exit(2, f"error: {error}\n")
    print(f"wrote {output}: {summary}, {output.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
