"""The CNN assignment's public side: graded functions in handout order, public checks, limits.

Parts 1-4 (convolution and pooling on single examples) are checked in ``convolution_checks``;
part 5 (layers with backward passes, training on digits) in ``training_checks``; part 6
(parameter counts, output shapes, receptive fields) in ``counting_checks``; the worked examples of
the handout and the docstrings, one check per function, in ``worked_examples``.
"""

import dataclasses

from assignments.cnn import convolution_checks, counting_checks, training_checks, worked_examples

FUNCTIONS = convolution_checks.FUNCTIONS + training_checks.FUNCTIONS + counting_checks.FUNCTIONS
# Students run these after every change: each tries at most PUBLIC_EXAMPLES examples (counts, which are
# ints in and out, COUNTING_EXAMPLES), so that a whole check answers in under 3 s. Measured on the
# corpus: every bug the public checks caught with up to 35 examples (8 per gradient check, 8
# coordinates each) they still catch with 15 and 8 (6, and 5 coordinates).
PUBLIC_EXAMPLES, COUNTING_EXAMPLES = 15, 8


def _at_most(examples, checks):
    return [dataclasses.replace(check, max_examples=min(check.max_examples, examples)) for check in checks]


PUBLIC_CHECKS = (_at_most(PUBLIC_EXAMPLES, worked_examples.CHECKS + convolution_checks.CHECKS + training_checks.CHECKS)
                 + _at_most(COUNTING_EXAMPLES, counting_checks.CHECKS))
SEED = 20261125
BESIDE_SKELETON = ("digits.py", "digits.npz")  # the handout also puts the data and its loader beside cnn.py
CALL_SECONDS = {"train": 60.0}  # CPU seconds of one call to train (wall clock: 4x); every other call: 5 s
