"""Benchmark grading as Gradescope does (``gradescope.grade.grade_like_gradescope``): wall seconds, CPU
seconds, peak memory; and the CPU seconds each graded function's calls use beside its limit. And
the students' side: how long ``check`` takes in an unpacked handout (``handout_check_seconds``),
and how many lines of feedback it gives a failing function (``feedback_lines``).

Peak memory is the largest total resident memory of the whole process tree (Otter, its kernel,
the student worker, and this process), sampled every 20 ms from /proc: the figure to hold against Gradescope's
768 MB container.
"""

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from autograder.core import assignment as assignments
from autograder.core.feedback import format_table, render_failures
from autograder.core.grading import choose, grade
from autograder.core.outcomes import Status
from autograder.core.repository import ROOT
from autograder.gradescope.grade import grade_like_gradescope, grading_environment
from autograder.instructor.patching import apply_patch
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


def handout_check_seconds(student_zip, submission, runs=3):
    """Unpack ``student_zip`` into an empty folder, put ``submission`` in as the student's file, and run
    its ``check.py`` ``runs`` times with this Python (numpy and Hypothesis at the pinned versions):
    the wall seconds of each run (the first draws the examples and keeps them in the handout's build/)."""
    with tempfile.TemporaryDirectory() as folder:
        with zipfile.ZipFile(student_zip) as archive:
            archive.extractall(folder)
        handout = next(path for path in Path(folder).iterdir() if path.is_dir())
        shutil.copyfile(submission, handout / f"{handout.name}.py")
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([sys.executable, "check.py"], cwd=handout, capture_output=True, check=False)
            seconds.append(time.perf_counter() - started)
        return seconds


def feedback_lines(name, workers=None):
    """``{(corpus bug, function): lines}``: how many lines ``check`` (public checks, failures shrunk) gives
    each function that fails, for every bug of the corpus (``tests/corpus/NAME/bugs``)."""
    bugs = sorted((ROOT / "tests" / "corpus" / name / "bugs").glob("*.py"))
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
        found = pool.map(_feedback_lines_of, [name] * len(bugs), bugs)
    return {(bug.stem, function): lines for bug, counts in zip(bugs, found) for function, lines in counts.items()}


def _feedback_lines_of(name, bug):
    assignment = assignments.load(name)
    reference = (ROOT / "solutions" / name / f"{name}.py").read_text()
    with tempfile.TemporaryDirectory() as folder:
        submission = Path(folder) / f"{name}.py"
        submission.write_text(apply_patch(reference, bug.read_text()))
        report = grade(assignment, submission, choose(assignment, hidden=False))
    blocks = render_failures(report)
    return {r.function: sum(len(b.splitlines()) for b in blocks if b[2:].split(":")[0] == r.function)
            for r in report.results if r.status is Status.FAILED}


def summarise_lines(counts):
    """One line: the median and the largest number of lines per failing function, and the worst case."""
    worst = max(counts, key=counts.get)
    return (f"{len(counts)} failing functions over the corpus's bugs: median {statistics.median(counts.values()):g} "
            f"lines of feedback each, at most {counts[worst]} ({worst[1]} in {worst[0]})")
