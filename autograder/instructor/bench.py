"""Benchmark grading: as Gradescope does it, on this machine and in an emulation of its small container;
and the students' side: how long ``check`` takes in an unpacked handout (``handout_check_seconds``),
and how many lines of feedback it gives a failing function (``feedback_lines``).

``measure`` grades an upload the way Gradescope does (``gradescope.grade.grade_like_gradescope``):
wall seconds, CPU seconds of every process, peak memory (the largest total resident memory of the
whole process tree: Otter, its kernel, the student's worker, the reference's, sampled every 20 ms
from /proc; in a container, the container's own count). ``container`` emulates Gradescope's
default container around it: pinned to one CPU, and where this machine lets root make cgroups, a
768 MB memory limit for everything inside. ``check_costs`` says where the time of one grading goes
(the same checks, graded directly): per function and per kind of check, the CPU seconds of the
grader, of the student's code and of the reference answering for it, and how many checks were fed
the examples drawn before; ``cpu_margins`` sets each function's largest call beside its limit.
"""

import contextlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from autograder.core import assignment as assignments
from autograder.core import examples
from autograder.core.feedback import format_table, render_failures
from autograder.core.grading import choose, grade
from autograder.core.outcomes import Status
from autograder.core.repository import ROOT
from autograder.gradescope.grade import grade_like_gradescope, grading_environment
from autograder.instructor.patching import apply_patch
from autograder.sandbox.procfs import cpu_and_memory, pids, stat_fields
from autograder.sandbox.worker import Limits

CONTAINER_BYTES = 768 * 2**20  # Gradescope's default container
REFERENCE_RUNS = 3  # a few seconds each, and they vary by a second from one run to the next
MEMORY_CGROUPS = Path("/sys/fs/cgroup/memory")  # cgroup v1, where the machine has it


@dataclass
class Measurement:
    results: dict  # results.json
    wall: float
    cpu: float  # CPU seconds of every process of the grading
    peak_bytes: int

    @property
    def score(self):
        graded = [t for t in self.results["tests"] if t.get("max_score") is not None]
        return sum(t["score"] for t in graded), sum(t["max_score"] for t in graded)


def measure(autograder_zip, submission, output_dir, container=None):
    """Grade once, as Gradescope does (in ``container`` when given); return a ``Measurement``."""
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
    if container is not None and container.peak_bytes() is not None:
        peak[0] = container.peak_bytes()
    return Measurement(results, wall, cpu, peak[0])


class container:
    """Run the block (this process and what it starts) as in Gradescope's default container: on one
    CPU, and, where root may make a memory cgroup here, with ``memory_bytes`` for all of it together
    (``peak_bytes``: the most it used). ``limits`` says what was emulated."""

    def __init__(self, cpus=1, memory_bytes=CONTAINER_BYTES):
        self._cpus, self._memory = cpus, memory_bytes
        self._affinity = self._group = None
        self.limits = ""

    def __enter__(self):
        self._affinity = os.sched_getaffinity(0)
        os.sched_setaffinity(0, sorted(self._affinity)[:self._cpus])
        limits = [f"{self._cpus} CPU"]
        group = MEMORY_CGROUPS / f"autograder-bench-{uuid.uuid4().hex[:8]}"
        try:
            group.mkdir()
            (group / "memory.limit_in_bytes").write_text(str(self._memory))
            (group / "cgroup.procs").write_text(str(os.getpid()))
            self._group = group
            limits.append(f"{self._memory / 2**20:g} MiB")
        except OSError:  # no cgroup v1 here, or not root: the CPU only
            with contextlib.suppress(OSError):
                group.rmdir()
            limits.append("memory not limited (no cgroup)")
        self.limits = ", ".join(limits)
        return self

    def peak_bytes(self):
        if self._group is None:
            return None
        return int((self._group / "memory.max_usage_in_bytes").read_text())

    def __exit__(self, *exc_info):
        os.sched_setaffinity(0, self._affinity)
        if self._group is not None:
            (MEMORY_CGROUPS / "cgroup.procs").write_text(str(os.getpid()))
            for _ in range(50):  # the group's last processes may take a moment to go
                try:
                    self._group.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)


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


def kind_of(verdict):
    """Which kind of check a verdict is: public, hidden or integration."""
    if not verdict.graded:
        return "public"
    return "integration" if verdict.check.integration else "hidden"


KINDS = ("public", "hidden", "integration")


def check_costs(report):
    """A table of where the time of grading ``report`` went: per function, the CPU seconds of each kind
    of check (grader, student's code and reference together), the wall seconds, and how many checks
    were fed the examples drawn before (the others were drawn by Hypothesis)."""
    rows, figures = [("function", *(f"{kind} CPU s" for kind in KINDS), "wall s", "fed/checks", "student CPU s",
                      "reference CPU s")], []
    for result in report.results:
        costs = [v.cost for v in result.verdicts if v.cost is not None]
        by_kind = [sum(v.cost.cpu for v in result.verdicts if v.cost is not None and kind_of(v) == kind)
                   for kind in KINDS]
        figures.append([*by_kind, sum(c.wall for c in costs), sum(c.fed for c in costs), len(costs),
                        sum(c.student for c in costs), sum(c.oracle for c in costs)])
        rows.append(_cost_row(result.function, figures[-1]))
    rows.append(_cost_row("total", [sum(column) for column in zip(*figures)] if figures else [0] * 8))
    return format_table(rows)


def _cost_row(name, figures):
    *by_kind, wall, fed, count, student, oracle = figures
    return (name, *(f"{value:.2f}" for value in by_kind), f"{wall:.2f}", f"{fed}/{count}", f"{student:.2f}",
            f"{oracle:.2f}")


def grading_cpu(report):
    """CPU seconds of the grading itself (grader, student's code, reference), from its checks' costs."""
    return sum(v.cost.cpu for r in report.results for v in r.verdicts if v.cost is not None)


def cpu_margins(assignment, report):
    """Per function of ``report``, the most CPU seconds one call used beside the per-call CPU limit,
    and the margin (limit / used)."""
    rows = [("function", "CPU s (largest call)", "limit s", "margin", "points")]
    for result in report.results:
        used = report.cpu_seconds.get(result.function, 0.0)
        limit = assignment.call_seconds.get(result.function, Limits().call_cpu_seconds)
        rows.append((result.function, f"{used:.2f}", f"{limit:g}", f"{limit / max(used, 0.01):.0f}x",
                     f"{result.points:g}/{result.possible:g}"))
    return format_table(rows)


def plain_loop_solution(reference_source, corpus):
    """The reference with every correct alternative of ``corpus`` written with plain loops applied
    (``*loops*.py``, ``*naive*.py``: the slowest correct styles), as a source text."""
    source = reference_source
    for patch in sorted([*corpus.glob("*loops*.py"), *corpus.glob("*naive*.py")]):
        source = apply_patch(source, patch.read_text())
    return source


def run(assignment, autograder_zip, reference, corpus, folder):
    """Everything ``make bench`` prints about grading, as text: the reference and the plain-loop
    solution graded as Gradescope does, on this machine and in the emulated container; where each
    one's time goes, check by check; and the plain-loop solution's largest calls beside their limits."""
    # The zip carries its examples; the gradings done directly here take this checkout's, drawn now
    # if a change to the machinery or the assignment made them stale: drawing is not grading's cost.
    examples.draw_missing(assignment, assignment.public_checks + assignment.hidden_checks)
    plain = Path(folder) / f"{assignment.module_name}.py"
    plain.write_text(plain_loop_solution(Path(reference).read_text(), corpus))
    submissions = {"reference": Path(reference), "plain loops": plain}
    rows = [("submission", "where", "wall s", "CPU s", "peak MB", "score")]
    measured = {}
    for label, submission in submissions.items():
        for where in ("this machine", "1 CPU, 768 MB"):
            runs = []
            for _ in range(REFERENCE_RUNS if label == "reference" else 1):
                with contextlib.ExitStack() as stack:
                    box = stack.enter_context(container()) if where != "this machine" else None
                    runs.append(measure(autograder_zip, submission, Path(folder) / "out", box))
            found = measured[label, where] = sorted(runs, key=lambda run: run.wall)[len(runs) // 2]
            where = box.limits if box is not None else where
            score, possible = found.score
            rows.append((label, where, f"{found.wall:.1f}", f"{found.cpu:.1f}", f"{found.peak_bytes / 2**20:.0f}",
                         f"{score:g}/{possible:g}"))
    lines = [f"Graded as Gradescope grades (the built zip, run_otter.py in the zip's environment; the reference: "
             f"the median of {REFERENCE_RUNS} runs):", format_table(rows)]
    for label, submission in submissions.items():
        report = grade(assignment, submission)
        ours = grading_cpu(report)
        otter = measured[label, "this machine"].cpu - ours
        lines += ["", f"Where the time goes, {label} ({report.points:g}/{report.possible:g}), graded directly: "
                      f"{ours:.1f} CPU s of checks; Otter, its kernel and starting workers: about {otter:.1f} CPU s "
                      f"of the {measured[label, 'this machine'].cpu:.1f} above", check_costs(report)]
        if label == "plain loops":
            lines += ["", "The plain-loop solution's largest call of each function beside its limit:",
                      cpu_margins(assignment, report)]
    return "\n".join(lines)


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
