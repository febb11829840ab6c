"""Which functions a change may affect (``core/callgraph.py``): what the audit grades of a patch."""

from conftest import CORPUS, REFERENCE

from autograder.core.callgraph import affected
from autograder.instructor.patching import apply_patch

BEFORE = '''
import numpy as np

SCALE = 2.0


def double(x):
    return SCALE * x


def quadruple(x):
    return double(double(x))


def square(x):
    return np.square(x)
'''


def test_the_same_functions_moved_and_reformatted_affect_nothing():
    reformatted = "def double(x):\n    return (SCALE *\n            x)"
    moved = BEFORE.replace("def double(x):\n    return SCALE * x", reformatted)
    moved = moved.replace("import numpy as np\n", "") + "\nimport numpy as np\n"
    assert affected(BEFORE, BEFORE) == set()
    assert affected(BEFORE, moved) == set()


def test_a_rewritten_function_affects_itself_and_its_callers_only():
    after = BEFORE.replace("return SCALE * x", "return x + x")
    assert affected(BEFORE, after) == {"double", "quadruple"}


def test_a_changed_constant_or_import_affects_the_functions_using_it():
    assert affected(BEFORE, BEFORE.replace("SCALE = 2.0", "SCALE = 2")) == {"double", "quadruple"}
    assert affected(BEFORE, BEFORE.replace("import numpy as np", "import numpy as np\nimport math as np")) == {"square"}
    assert affected(BEFORE, "import numpy as np\n\ndef square(x):\n    return np.square(x)\n") == set()


def test_a_removed_helper_affects_its_users_and_a_new_one_only_itself():
    without_double = BEFORE.replace("def double(x):\n    return SCALE * x\n", "")
    assert affected(BEFORE, without_double) == {"quadruple"}
    assert affected(BEFORE, BEFORE + "\n\ndef _helper():\n    return 1\n") == {"_helper"}


def test_alternatives_of_parts_1_to_4_leave_part_5_and_6_as_the_reference_has_them(cnn):
    reference = REFERENCE.read_text()
    einsum = apply_patch(reference, (CORPUS / "correct" / "einsum.py").read_text())
    graded = [f for f in cnn.functions if f in affected(reference, einsum)]
    assert graded == ["conv1d", "conv1d_matrix", "conv2d", "conv2d_multichannel", "max_pool2d"]
    training = apply_patch(reference, (CORPUS / "correct" / "training_loops.py").read_text())
    assert "train" in affected(reference, training) and "conv1d" not in affected(reference, training)
