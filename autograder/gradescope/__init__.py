"""Grading on Gradescope through Otter: the zips, the plugin, the in-kernel session, local runs.

``packaging`` builds the autograder and student zips; ``entry`` is what the zip's ``run_otter.py``
runs (``upload`` reduces an upload to the graded file first, ``notebook_upload`` turns a notebook
into the module it defines, under limits); ``plugin`` is the Otter plugin that
keeps student code out of Otter's kernel, where ``session`` answers the generated test files
(and leaves ``notes`` for the plugin and ``entry``: explanations and statuses, as data);
``grade`` runs a built zip locally exactly as Gradescope does. ``grading-image.lock`` pins the
grading image. Named after the platform, not after the ``otter`` library it imports.

May import: anything students' modules may, ``autograder.core``, ``autograder.sandbox``, Otter
and PyYAML. Never the instructor tools or the command line. Not shipped to students.
"""
