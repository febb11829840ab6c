"""The sandbox: a worker process that runs untrusted student code, and the grader's side of it.

``worker`` starts and calls the worker, ``worker_main`` is the worker itself (run as a script from
a private folder, beside a copy of ``wire``), ``wire`` is the plain-data format between them and
``procfs`` measures processes from /proc. It knows nothing of checks, assignments or Otter.

May import: the standard library, numpy, and this package. Shipped to students.
"""
