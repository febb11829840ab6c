"""The sandbox: a worker process that runs untrusted student code, and the grader's side of it.

``worker`` starts and calls the worker, ``worker_main`` is the worker itself (run as a script from
a private folder, beside a copy of ``wire``, or on Linux forked from a fork server running the
same file: ``forkserver``), ``wire`` is the plain-data format between them and the words of their
replies. On the grader's side, ``accounts`` chooses the user the worker runs as
and cleans up after it, ``pipes`` reads the worker's pipes on every OS, ``oracle`` answers the
worker's nested calls with the reference, and ``procfs`` measures processes from /proc;
``printable`` makes what leaves the worker safe to show (no escape sequences, no control
characters). It knows nothing of checks, assignments or Otter.

May import: the standard library, numpy, and this package. Shipped to students.
"""
