"""Benchmark grading as Gradescope does (``otter_grade.grade_like_gradescope``): wall seconds, CPU seconds, peak memory.

Peak memory is the largest total resident memory of the whole process tree (Otter, its kernel,
the student worker, and this process), sampled every 20 ms from /proc: the figure to hold against Gradescope's
768 MB container.
"""

import os
import resource
import threading
import time

from autograder.otter_grade import grade_like_gradescope, grading_environment
from autograder.procfs import cpu_and_memory, pids, stat_fields


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
