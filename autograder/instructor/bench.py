"""Benchmark grading as Gradescope does (``gradescope.grade.grade_like_gradescope``): wall seconds, CPU
seconds, peak memory; and the CPU seconds each graded function's calls use beside its limit.

Peak memory is the largest total resident memory of the whole process tree (Otter, its kernel,
the student worker, and this process), sampled every 20 ms from /proc: the figure to hold against Gradescope's
768 MB container.
"""

import os
import resource
import threading
import time

from autograder.core.feedback import format_table
from autograder.core.grading import grade
from autograder.gradescope.grade import grade_like_gradescope, grading_environment
from autograder.sandbox.procfs import cpu_and_memory, pids, stat_fields
from autograder.sandbox.worker import Limits


def _tree_rss_bytes(root_pid):
    """Resident memory of ``root_pid`` and all its descendants."""
    children, rss = {}, {}
    for pid in pids():
        try:
            fields = stat_fields(pid)
            children.setdefault(int(fields[1]), []).append(pid)
            rss[pid] = cpu_and_memory(fields)[1]
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def measure(autograder_zip, submission, output_dir):
    """Grade once; return (results, wall seconds, CPU seconds of all children, peak bytes)."""
    grading_environment(autograder_zip)  # built once, before the clock starts
    peak, done = [0], threading.Event()

    def sample():
        while not done.wait(0.02):
            peak[0] = max(peak[0], _tree_rss_bytes(os.getpid()))

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    try:
        results = grade_like_gradescope(autograder_zip, submission, output_dir)
    finally:
        done.set()
        sampler.join()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return results, wall, cpu, peak[0]


def cpu_margins(assignment, submission):
    """Grade ``submission`` (public and hidden checks) and tabulate, per function, the most CPU seconds
    one call used beside the per-call CPU limit, and the margin (limit / used). Returns (table, report)."""
    report = grade(assignment, submission)
    rows = [("function", "CPU s (largest call)", "limit s", "margin", "points")]
    for result in report.results:
        used = report.cpu_seconds.get(result.function, 0.0)
        limit = assignment.call_seconds.get(result.function, Limits().call_cpu_seconds)
        rows.append((result.function, f"{used:.2f}", f"{limit:g}", f"{limit / max(used, 0.01):.0f}x",
                     f"{result.points:g}/{result.possible:g}"))
    return format_table(rows), report
