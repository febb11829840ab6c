"""What grading is, wherever it runs: assignments, checks, running them, points, feedback.

``assignment`` loads an assignment's functions, checks and points; ``checks`` is the vocabulary
checks are written in, ``inputs`` what the strategies drawing their examples share; ``runner``
runs them with Hypothesis against the sandboxed submission (``examples``: the examples it replays,
carried by the zip or kept in a checkout); ``outcomes`` names what can become of a
check, as data; ``grading`` plans each function's checks, visibility and points, and turns verdicts
into points (``callgraph`` says which functions call which); ``feedback`` turns them into words
(``text`` lays them out); ``notebook`` reads notebooks as submissions, ``source`` what a
submission's top level does, unrun; ``repository`` says where every file is. Everything a
student's ``check`` (``autograder.check``) needs besides the sandbox.

May import: the standard library, numpy, Hypothesis, ``autograder.sandbox`` and this package
(IPython lazily, inside a notebook). Never Otter, PyYAML, matplotlib or the instructor tools.
Shipped to students.
"""
