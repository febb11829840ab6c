"""``python -m autograder``: the instructors' command line in the repository; in a student handout,
which has no ``cli.py``, the students' (``check`` alone), writing no more compiled code there."""

import importlib.util
import sys

if importlib.util.find_spec("autograder.cli") is not None:
    from autograder.cli import main
else:
    sys.dont_write_bytecode = True  # the handout's folders stay as unpacked (but autograder/__init__'s)
    from autograder.check import main

raise SystemExit(main())
