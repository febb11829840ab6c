"""What grading is, wherever it runs: assignments, checks, running them, points, feedback.

``assignment`` loads an assignment's functions, checks and points; ``checks`` is the vocabulary
checks are written in, ``inputs`` what the strategies drawing their examples share; ``runner``
runs them with Hypothesis against the sandboxed submission (``examples``: the examples it feeds
first, carried by the zip or kept in a process or a checkout); ``outcomes`` names what can become of
a check, as data; ``grading`` plans each function's checks, visibility and points, runs them, charges
each failure to the function that has it and turns verdicts into points; ``feedback`` turns them into words
(``text`` lays them out); ``notebook`` reads notebooks as submissions, ``source`` what a
submission's top level does, unrun (``callgraph``: which of its functions call which, for the
student's ``check`` and the audit: grading itself never parses an upload); ``repository`` says
where every file is. Everything a
student's ``check`` (``autograder.check``) needs besides the sandbox.

May import: the standard library, numpy, Hypothesis, ``autograder.sandbox`` and this package
(IPython lazily, inside a notebook). Never Otter, PyYAML, matplotlib or the instructor tools.
Shipped to students.
"""
