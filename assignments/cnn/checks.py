"""The CNN assignment's public side: graded functions in handout order, public checks, limits.

Parts 1-4 (convolution and pooling on single examples) are checked in ``convolution_checks``;
part 5 (layers with backward passes, training on digits) in ``training_checks``; part 6
(parameter counts, output shapes, receptive fields) in ``counting_checks``; the worked examples of
the handout and the docstrings, one check per function, in ``worked_examples``.
"""

from assignments.cnn import convolution_checks, counting_checks, training_checks, worked_examples

FUNCTIONS = convolution_checks.FUNCTIONS + training_checks.FUNCTIONS + counting_checks.FUNCTIONS
PUBLIC_CHECKS = worked_examples.CHECKS + convolution_checks.CHECKS + training_checks.CHECKS + counting_checks.CHECKS
SEED = 20261125
BESIDE_SKELETON = ("digits.py", "digits.npz")  # the handout also puts the data and its loader beside cnn.py
CALL_SECONDS = {"train": 60.0}  # CPU seconds of one full training run (wall clock: 4x); every other call: 5 s
