"""Instructors' tools: making handouts, proving the checks, grading and summarising a class.

``skeleton``, ``handout_notebook`` and ``scaffold`` make what students get and new assignments;
``audit`` (with ``patching``), ``replay`` and ``bench`` prove and measure the checks; ``bulk``,
``class_submissions``, ``class_summary``, ``class_pages``, ``lateness`` and ``progress`` grade a class.

May import: every package of ``autograder`` but the command line (``autograder.sandbox``,
``autograder.core``, ``autograder.gradescope``), and the instructor extras (PyYAML, matplotlib).
Not shipped to students.
"""
