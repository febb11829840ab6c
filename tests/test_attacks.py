"""Adversarial submissions, graded through the real `otter run` path: no attack gains a point.

Each entry in ``tests/corpus/cnn/attacks/`` is a complete upload: a file whose first docstring line
says ``attack: <what it tries>``, or a folder (uploaded as Gradescope unpacks a zip) whose ``cnn.py``
docstring or ``attack.txt`` says it (a folder may hold ``cnn.ipynb`` instead: notebook uploads). It
gets every function wrong unless its attack works (then it would answer with a stolen reference,
forged results or patched checks), so any point it gains means the sandbox failed. Its wrong
answers differ at every call (``_answer``: ones times the call's number), so every check fails at
its first example: grading costs little beyond the attack. For each attack, graded as Gradescope
grades (the built zip's ``run_otter.py`` in the zip's own environment,
``gradescope.grade.grade_like_gradescope``):

- results.json is valid (Gradescope's format), smaller than 1 MB, and not forged;
- every function scores 0, except those the attack implements correctly (full credit: one failing
  function never costs another its points), and the feedback says what happened;
- no reference source and no hidden test appears in the feedback;
- no control character or terminal escape sequence is in results.json or in `make grade`'s report;
- no process of this grading's sandbox uid is left alive, and no file of that uid is left anywhere
  in /tmp, /var/tmp, /dev/shm or the results folder (nothing written outside the sandbox);
- grading finishes in bounded time.

Root only: the sandbox user switch needs it, and without it these attacks would run as the user
who runs the tests (some of them try to signal and rewrite things). A few quicker tests at the end
drive ``Worker`` directly with small limits (budgets, memory over many processes, floods).
"""

import hashlib
import os
import pickle
import socket
import struct
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS, REFERENCE, ROOT, WORKER_PIPES, student_module
from test_packaging import validate_gradescope_results

from autograder.core import assignment as assignments
from autograder.core.runner import draw_examples
from autograder.gradescope.grade import grade_like_gradescope, render_results
from autograder.sandbox import procfs
from autograder.sandbox.accounts import SANDBOX_UID_BASE
from autograder.sandbox.printable import printable
from autograder.sandbox.worker import MAX_TEXT, Limits, Worker

CNN = assignments.load("cnn")
ATTACKS = sorted(path for path in (CORPUS / "attacks").iterdir() if path.suffix == ".py" or path.is_dir())
GRADING_SECONDS = 150  # per attack; most take 10-20 s, those that hang or crash a little more
PROCESS_BYTES = 2**30  # the most memory any process of a grading may hold: Gradescope's container is small
pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox user switch needs root, and without "
                                "it the attacks would run as the user running the tests")

# Per attack: the functions implemented correctly (full credit expected; all others get 0), words
# the feedback of some functions (or of any) must contain, and whether the defence needs Landlock
# (see docs/threat-model.md: without it, local grading leaves a world-readable checkout readable by the sandbox user).
DIED = "stopped the Python process running it"
NOT_LOADED = "not graded: the file could not be loaded"  # every function; the first check explains
WRONG = "returned wrong values"
EXPECTED = {
    "daemon_rewrites_results": {"words": {"conv1d": WRONG}},
    "endless_loop_ignores_signals": {"credit": {"conv2d"}, "words": {"conv1d": "conv1d was stopped: "}},
    "backward_by_probing_forward": {"credit": {"conv1d_matrix"}, "words": {
        "conv_backward": "This check runs your own conv_forward", "linear_backward": "runs your own linear_forward"}},
    "exfiltrate_via_exception": {"words": {"conv1d": "raised Exfiltration", "conv2d_multichannel": "raised"}},
    "finalizer_trick": {"words": {"conv1d": WRONG}},
    "float_subclass_returned": {"words": {"conv1d": "returned a float", "conv2d": "cannot be sent",
                                          "max_pool2d": "returned a dict"}},
    "forge_results_at_exit": {"words": {"conv1d": WRONG}},
    "forge_results_at_import": {"words": {"conv1d": WRONG}},
    "fork_bomb": {"words": {"conv1d_matrix": WRONG}},
    "gc_scan": {"words": {"conv1d": WRONG}},
    "hang_at_import": {"words": {"conv1d": "importing it failed: ", "conv2d": NOT_LOADED}},
    "hidden_inputs_to_public_feedback": {"credit": {"conv1d"}, "words": {"conv1d_matrix": "seen so far: x#"},
                                         "hidden_inputs_of": "conv1d"},
    "huge_return_value": {"anywhere": ["it is too large to send", "it returned more than 32 MiB of data"]},
    "kernel_hijack": {"words": {"conv1d": WRONG}},
    "memory_hog": {"anywhere": ["MemoryError"]},
    "memory_hog_in_children": {"words": {"conv1d": "MiB of memory together"}},
    "monkeypatch_hypothesis_otter": {"words": {"conv1d": WRONG}},
    "monkeypatch_numpy": {"words": {"conv1d": WRONG}},
    "nan_inf": {"words": {"conv1d": "infinite or NaN", "conv2d": "infinite or NaN"}},
    "ndarray_subclass_claims_equality": {"words": {"conv1d": WRONG, "max_pool2d": WRONG}},
    "os_exit_at_import": {"words": {"conv1d": "exited with code 0", "max_pool2d": NOT_LOADED}},
    "oracle_abuse": {"credit": {"conv2d_multichannel"}, "words": {"conv2d": "does not answer", "max_pool2d": WRONG}},
    "oracle_absurd_arguments": {"words": {"conv1d_matrix": "MemoryError",
                                          "conv2d_multichannel": "its call of conv2d, answered by the reference"}},
    "os_exit_in_call": {"credit": {"conv2d"}, "words": {"conv1d": DIED, "conv1d_matrix": "exited with code 3"}},
    "output_flood": {"words": {"conv1d": WRONG, "conv2d": WRONG}},
    "proc_snooping": {"words": {"conv1d": WRONG}},
    "raise_at_import": {"words": {"conv1d": "RuntimeError: the grader should print all of this"}},
    "read_reference_known_paths": {"words": {"conv1d": WRONG}, "landlock": True},
    "read_reference_via_checkout": {"words": {"conv1d": WRONG}, "landlock": True},
    # conv2d's closed reply pipe stops the worker; or, under load, the fresh worker's first answer is
    # one of the replies forged at import (no arguments given back): nothing from the worker is trusted.
    "reply_pipe_tampering": {"words": {"conv1d": "the worker answered out of turn",
                                       "conv2d": (DIED, "conv2d changed its argument x")}},
    "rewrite_worker_files": {"words": {"conv1d": DIED, "conv2d": WRONG}},
    "signal_the_grader": {"words": {"conv1d": WRONG}},
    "slow_import_garbled_replies": {"words": {"conv1d": "more than", "conv2d": "could not be checked"}},
    "stack_frames": {"words": {"conv1d": WRONG}},
    "symlink_folder_swap": {"words": {"conv1d": WRONG}},
    "sys_exit_at_import": {"words": {"conv1d": "SystemExit", "predict": NOT_LOADED}},
    "train_keeps_reference_trained_params": {"credit": {"init_params", "sgd_step", "predict"}, "points": {"train": 9},
                                             "words": {"train": "together, loss_and_grads among them"}},
    # folders: the upload around cnn.py (see autograder/gradescope/upload.py)
    "replace_our_modules": {"words": {"conv1d": "is not in your file", "train": "is not in your file"}},
    "shadow_libraries": {"words": {"conv1d": "is not in your file"}},
    "startup_files": {"words": {"conv1d": "is not in your file"}},
    "symlink_to_reference": {"refused": "cnn.py is a link or a folder, not a file"},
    "symlinked_folder_to_reference": {"refused": "your upload has no file named cnn.py"},
    "terminal_escapes": {"words": {"conv1d": "raised Looks", "conv1d_matrix": "raised Looks",
                                   "conv2d": "returned a dict", "conv2d_multichannel": "returned a str"}},
    # notebooks, read before Otter sees them (autograder/gradescope/notebook_upload.py)
    "notebook_byte_order_mark": {"credit": {"conv2d"}, "words": {"conv1d": WRONG}},
    "notebook_nested_metadata": {"refused": "cnn.ipynb is not a readable notebook (it nests too deeply)"},
    "notebook_not_json": {"refused": "cnn.ipynb is not a readable notebook (it is not JSON)"},
    "notebook_unreadable_cells": {"credit": {"conv2d"}, "words": {"conv1d": "raised ValueError"},
                                  "anywhere": ['the cell beginning \\"1 + 1 + 1 + 1', 'the cell beginning \\"---',
                                               "left out, Python cannot read it", "left out its first line"]},
}


def description(attack):
    """The text that says what an attack tries: the file, or the folder's attack.txt or cnn.py."""
    if attack.is_file():
        return attack.read_text()
    for name in ("attack.txt", "cnn.py"):
        if (attack / name).is_file() and not (attack / name).is_symlink():
            return (attack / name).read_text()
    return ""


def attack_source(attack):
    """Everything the attack wrote itself (its files, links not followed)."""
    if attack.is_file():
        return attack.read_text()
    files = [path for path in sorted(attack.rglob("*")) if path.is_file() and not path.is_symlink()]
    return "\n".join(path.read_text() for path in files)


def test_every_attack_is_described():
    assert {path.stem for path in ATTACKS} == set(EXPECTED)
    for path in ATTACKS:
        assert description(path).lstrip('"').startswith("attack: "), path.name


@pytest.fixture(scope="module")
def autograder_zip(built_zips):
    return built_zips[0]


@pytest.fixture(scope="module")
def landlock(tmp_path_factory):
    """The Landlock ABI the worker confines itself with on this machine (0: none)."""
    probe = tmp_path_factory.mktemp("probe") / "probe.py"
    probe.write_text("def f():\n    return 1\n")
    with Worker(probe, "probe") as worker:
        assert worker.call("f").value == 1
        return worker.landlock


# Seconds an upload takes to grade, about, where more than the usual 6 (see conftest: the longest first).
SLOWER = {"reply_pipe_tampering": 20, "hang_at_import": 14, "endless_loop_ignores_signals": 12,
          "daemon_rewrites_results": 12, "huge_return_value": 9, "oracle_abuse": 9, "output_flood": 9,
          "notebook_byte_order_mark": 9, "notebook_unreadable_cells": 9}


@pytest.mark.parametrize("attack", [pytest.param(path, id=path.stem, marks=pytest.mark.slow(SLOWER.get(path.stem, 6)))
                                    for path in ATTACKS])
def test_attack_gains_nothing(attack, autograder_zip, landlock, tmp_path):
    expected = EXPECTED[attack.stem]
    if expected.get("landlock") and not landlock:
        pytest.xfail("documented limit: without Landlock the sandbox user can read a world-readable checkout")
    output = tmp_path / "results"
    markers_before = {path: os.path.exists(path) for path in MARKERS}
    with SandboxWatch() as watch:
        started = time.monotonic()
        results = grade_like_gradescope(autograder_zip, attack, output)
        elapsed = time.monotonic() - started
        survivors = watch.survivors(graded="refused" not in expected)
    text = (output / "results.json").read_text()

    validate_gradescope_results(results)
    assert (output / "results.json").stat().st_size < 1_000_000
    assert elapsed < GRADING_SECONDS
    assert max(watch.peak_bytes.values(), default=0) < PROCESS_BYTES  # none: refused before any sandbox process
    assert survivors == []
    assert {path: os.path.exists(path) for path in MARKERS} == markers_before
    assert "FORGED-BY-ATTACK" not in text
    assert unprintable(results) == [] and unprintable(render_results(results)) == []
    assert not leaked_lines(text, attack_source(attack))
    assert watch.files_left(output) == []
    if "refused" in expected:  # nothing was graded: one message, no points
        assert [(t["name"], t["score"]) for t in results["tests"]] == [("Your upload", 0)]
        assert results["score"] == 0 and expected["refused"] in results["tests"][0]["output"]
        return
    graded = {t["name"]: t for t in results["tests"] if t.get("max_score") is not None}
    assert {"conv1d", "conv1d_matrix", "conv2d", "conv2d_multichannel", "max_pool2d"} <= set(graded)
    credit, points = expected.get("credit", set()), expected.get("points", {})
    wrong_scores = {name: t["score"] for name, t in graded.items()
                    if t["score"] != points.get(name, t["max_score"] if name in credit else 0)}
    assert wrong_scores == {}
    if "hidden_inputs_of" in expected:
        hidden = hidden_fingerprints(expected["hidden_inputs_of"]) - public_fingerprints(expected["hidden_inputs_of"])
        visible = "\n".join(t.get("output", "") for t in results["tests"] if t.get("visibility") != "hidden")
        assert hidden and not any(print_ in visible for print_ in hidden)
    for function, words in expected.get("words", {}).items():  # the words, or one of the words
        assert any(said in graded[function]["output"] for said in ((words,) if isinstance(words, str) else words)), \
            f"{function}: {graded[function]['output'][:3000]}"
    for words in expected.get("anywhere", []):
        assert words in text


@pytest.mark.slow(10)
def test_a_huge_source_file_is_read_under_a_cap(autograder_zip, tmp_path):
    """A 5 MiB file (under the upload cap) ending in a list literal of 2.4 million ones: parsing it
    takes gigabytes. Once the grading kernel parsed it, uncapped (2.7 GB: Gradescope's container
    would kill the grading); the worker reads it now, under its memory limit, and the file is not
    loaded (out of memory, or of time): one clear message, every process of the grading under a gigabyte."""
    upload = tmp_path / "cnn.py"
    upload.write_text(REFERENCE.read_text() + "\nONES = [" + "1," * 2_400_000 + "]\n")
    assert 4.5 * 2**20 < upload.stat().st_size < 5 * 2**20
    with SandboxWatch() as watch:
        results = grade_like_gradescope(autograder_zip, upload, tmp_path / "results")
        watch.survivors()
    validate_gradescope_results(results)
    assert sum(t.get("score") or 0 for t in results["tests"]) == 0
    assert "Your file could not be loaded" in results["tests"][0]["output"]
    assert max(watch.peak_bytes.values()) < PROCESS_BYTES


def test_what_an_earlier_grading_left_is_not_blamed_on_this_one(tmp_path):
    """A folder an earlier run's grading left with a uid this grading happens to have too (pids come
    round again) is not this grading's; the same folder changed while this one runs is."""
    uid = SANDBOX_UID_BASE + 2**22 + 1  # above any pid (Linux allows 2**22): no grading has it
    stale = tmp_path / "worker-stale"
    stale.mkdir()
    os.chown(stale, uid, uid)
    time.sleep(FILE_CLOCK_SLACK + 0.1)
    with SandboxWatch() as watch:
        watch.uids.add(uid)
        assert watch.files_left(tmp_path) == []
        os.chown(stale, uid, uid)  # as a worker of this grading would
        assert watch.files_left(tmp_path) == [str(stale)]


# -- what the checks above look for ----------------------------------------------------------------

def fingerprints(checks):
    """The fingerprints (see the attack hidden_inputs_to_public_feedback) of the inputs ``x`` the
    examples of ``checks`` give."""
    found = set()
    for check in checks:
        for example in draw_examples(check, CNN.seed).examples:
            if "x" in example:
                digest = hashlib.sha256(np.ascontiguousarray(np.asarray(example["x"], dtype=float)).tobytes())
                found.add("x#" + digest.hexdigest()[:12])
    return found


def hidden_fingerprints(function):
    return fingerprints([c for c in CNN.hidden_checks if c.function == function])


def public_fingerprints(function):
    return fingerprints([c for c in CNN.public_checks if c.function == function])


MARKERS = ["/autograder", "/tmp/results", "/tmp/ATTACK-MARKER", "/tmp/results.json"]
SCANNED = ["/tmp", "/var/tmp", "/dev/shm"]
FILE_CLOCK_SLACK = 1.0  # seconds: file times come from a coarser clock than time.time()


def unprintable(found):
    """The strings in ``found`` (results.json's data, or text) holding a control character or escape
    sequence that ``printable`` would replace."""
    if isinstance(found, str):
        return [found[:200]] if printable(found) != found else []
    items = found.items() if isinstance(found, dict) else enumerate(found) if isinstance(found, list) else ()
    return [text for key, value in items for text in unprintable(key) + unprintable(value)]


def leaked_lines(text, attack_source):
    """Lines of the reference's solution blocks and of the hidden checks that appear in ``text``."""
    blocks = REFERENCE.read_text().split("# BEGIN SOLUTION")[1:]
    solution = "\n".join(block.split("# END SOLUTION")[0] for block in blocks)
    hidden = (ROOT / "solutions" / "cnn" / "grading.py").read_text()
    lines = {line.strip() for line in (solution + "\n" + hidden).splitlines()}
    own = {line.strip() for line in attack_source.splitlines()}
    return sorted(line for line in lines - own if len(line) >= 40 and line in text)


class SandboxWatch:
    """Watches /proc while grading runs, to learn the uid(s) its sandbox can have.

    The grader's sandbox uid is 1,000,000 plus the pid of the grading process (Otter's kernel), a
    descendant of this test process running as root: so every 0.1 s we note 1,000,000 + the pid of
    each such descendant. Other graders running on the machine at the same time (other tests, side
    by side) are not descendants, so they never count; nor are the student's own processes, which
    run as a sandbox uid and grade nothing: a fork bomb's thousands of pids would otherwise stand for
    the pids other graders get, and their workers' files would be taken for this grading's.
    """

    def __init__(self):
        self.uids = set()
        self.started = None  # time.time() at the start: what a grading leaves is changed after it
        self.peak_bytes = {}  # pid -> the most memory (resident) seen in use by a process of this grading
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self):
        self.started = time.time()
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()

    def _watch(self):
        me = os.getpid()
        while not self._stop.is_set():
            children = {}
            owners = {}
            resident = {}
            for pid, (parent, _, uid, memory) in processes().items():
                children.setdefault(parent, []).append(pid)
                owners[pid], resident[pid] = uid, memory
            todo = list(children.get(me, []))
            while todo:
                pid = todo.pop()
                if owners[pid] == 0:  # a grader (root) chooses its sandbox uid from its pid
                    self.uids.add(SANDBOX_UID_BASE + pid)
                self.peak_bytes[pid] = max(self.peak_bytes.get(pid, 0), resident[pid])
                todo += children.get(pid, [])
            self._stop.wait(0.1)

    def survivors(self, graded=True, patience=0.5):
        """Live (not zombie) processes running as a sandbox uid of this grading, ``patience`` seconds
        after grading ended: those still exiting then get that long to go. Once none is alive, none
        can appear (grading is over, and only a live one could start another), so the answer is
        known at the first look that finds none. An upload refused before grading starts no worker,
        and may end before the first look at /proc."""
        self._stop.set()
        self._thread.join()
        assert self.uids or not graded, "never saw the grading process"
        given_up = time.monotonic() + patience
        while True:
            alive = [(pid, uid) for pid, (_, state, uid, _) in processes().items() if uid in self.uids and state != "Z"]
            if not alive or time.monotonic() > given_up:
                return alive
            time.sleep(0.05)

    def files_left(self, *extra_folders):
        """Files and folders owned by a sandbox uid of this grading, in the world-writable places, and
        created or changed while it ran (their ctime, which no user can set back): a sandbox uid is
        1,000,000 plus a pid, and pids come round again, so what an earlier run's grading left
        behind (killed before it could clean up) may carry this grading's uid."""
        found = []
        for top in [*SCANNED, *map(str, extra_folders)]:
            found += [path for path, uid, changed in _walk(top, depth=4)
                      if uid in self.uids and changed >= self.started - FILE_CLOCK_SLACK]
        return found


def processes():
    """{pid: (parent pid, state, uid, resident bytes)} of every process."""
    found = {}
    for pid in procfs.pids():
        try:
            fields = procfs.stat_fields(pid)
            found[pid] = (int(fields[1]), fields[0], os.stat(f"/proc/{pid}").st_uid, procfs.cpu_and_memory(fields)[1])
        except (OSError, IndexError, ValueError):
            continue
    return found


def _walk(top, depth):
    try:
        entries = list(os.scandir(top))
    except OSError:
        return
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        yield entry.path, info.st_uid, info.st_ctime
        if depth > 1 and entry.is_dir(follow_symlinks=False):
            yield from _walk(entry.path, depth - 1)


# -- the worker directly, with small limits -------------------------------------------------------------

STUDENT = WORKER_PIPES + '''
import os, sys, threading, time, json, struct
import numpy as np

def fine(x):
    return x + 1

def slow(x):
    time.sleep(0.45)
    return x

def children_hog(x):
    for _ in range(4):
        if os.fork() == 0:
            block = np.ones(200 * 2**20 // 8)
            time.sleep(60 + block[0])
            os._exit(0)
    time.sleep(30)

def flood_forever(x):
    def spam():
        while True:
            os.write(1, b"y" * 65536)
    for _ in range(2):
        threading.Thread(target=spam, daemon=True).start()
    return x

def long_error(x):
    header = json.dumps({"dict": {"status": "raised", "error": "e" * 400_000, "where": "w" * 400_000,
                                  "status2": "s" * 100}}).encode()
    message = struct.pack(">I", len(header)) + header
    os.write(worker_pipes()[1], struct.pack(">Q", len(message)) + message)
    time.sleep(60)

def big(x):
    return np.zeros(2 * 2**20)  # 16 MiB

def big_frame(x):  # what a reply over the limit looks like when it bypasses the worker's own check
    os.write(worker_pipes()[1], struct.pack(">Q", 16 * 2**20))
    time.sleep(60)

def crash(x):
    os._exit(1)
'''


@pytest.fixture
def student(tmp_path):
    return student_module(tmp_path, STUDENT)


def test_a_function_that_is_slow_on_every_call_runs_out_of_its_total_budget(student):
    limits = Limits(call_seconds=1, call_cpu_seconds=1, function_seconds=2)
    with Worker(student, "student", limits) as worker:
        start = time.monotonic()
        outcomes = [worker.call("slow", [1.0], seconds=0.5) for _ in range(12)]
        assert time.monotonic() - start < 4
        assert outcomes[0].status == "returned" and outcomes[-1].status == "timeout"
        assert "over all its calls" in outcomes[-1].error
        assert worker.call("fine", [1.0]).value == 2.0  # other functions keep their own budget


def test_memory_is_capped_over_all_processes_of_the_sandbox(student):
    limits = Limits(call_seconds=10, call_cpu_seconds=10, memory_bytes=600 * 2**20)
    with Worker(student, "student", limits) as worker:
        start = time.monotonic()
        outcome = worker.call("children_hog", [1.0])
        assert outcome.status == "crashed" and "MiB of memory together" in outcome.error
        assert time.monotonic() - start < 8
        assert worker.call("fine", [1.0]).value == 2.0


def test_output_that_never_stops_neither_hangs_the_grader_nor_grows_the_feedback(student):
    with Worker(student, "student", Limits(call_seconds=2, call_cpu_seconds=2)) as worker:
        assert worker.call("flood_forever", [1.0]).status == "returned"
        start = time.monotonic()
        for _ in range(5):
            outcome = worker.call("fine", [1.0])
            assert outcome.status == "returned" and outcome.value == 2.0 and len(outcome.output) < 11_000
        assert time.monotonic() - start < 5


def test_text_and_replies_from_the_worker_are_capped(student):
    with Worker(student, "student", Limits(call_seconds=2, call_cpu_seconds=2, reply_bytes=2**20)) as worker:
        outcome = worker.call("big", [1.0])  # refused by the worker itself, which goes on
        assert outcome.status == "unsendable" and "more than 1 MiB of data" in outcome.error
        assert worker.call("fine", [1.0]).value == 2.0
        outcome = worker.call("big_frame", [1.0])  # refused by the grader, which reads no more
        assert outcome.status == "garbled" and "more than 1 MiB of data" in outcome.error
        outcome = worker.call("long_error", [1.0])
        assert outcome.status == "raised"
        assert len(outcome.error) < MAX_TEXT + 100 and len(outcome.where) < MAX_TEXT + 100


def test_a_crashed_workers_folder_is_removed_before_the_next_starts(student):
    with Worker(student, "student", Limits(call_seconds=2, call_cpu_seconds=2)) as worker:
        assert worker.call("fine", [1.0]).status == "returned"
        first = worker._folder
        assert worker.call("crash", [1.0]).status == "crashed"
        assert not first.exists()
        assert worker.call("fine", [1.0]).status == "returned"
        second = worker._folder
    assert not second.exists()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="Landlock is Linux-only")
def test_landlock_confines_reads_writes_and_connections_where_the_kernel_has_it(tmp_path, landlock):
    if not landlock:
        pytest.skip("this kernel has no Landlock: the uid and the folder permissions are the defence")
    path = tmp_path / "probe.py"
    path.write_text(f'''
import os, socket
def probe():
    result = {{}}
    for name, action in [("reference", lambda: open({str(REFERENCE)!r}).read()),
                         ("tmp", lambda: os.listdir("/tmp")),
                         ("write", lambda: open("/tmp/landlock-probe", "w")),
                         ("tcp", lambda: socket.create_connection(("127.0.0.1", 9), timeout=1)),
                         ("own folder", lambda: open("scratch.txt", "w").write("ok"))]:
        try:
            action()
            result[name] = "allowed"
        except OSError as error:
            result[name] = type(error).__name__
    return result
''')
    with Worker(path, "probe") as worker:
        found = worker.call("probe").value
    assert found["reference"] == "PermissionError" and found["tmp"] == "PermissionError"
    assert found["write"] == "PermissionError" and found["own folder"] == "allowed"
    if landlock >= 4:
        assert found["tcp"] == "PermissionError"
    assert not Path("/tmp/landlock-probe").exists()


def test_otters_log_server_neither_runs_what_it_receives_nor_hangs(tmp_path):
    """Otter's grading process unpickles whatever reaches its localhost log port; the plugin defuses it."""
    from otter.execute.logging import start_server

    from autograder.gradescope.plugin import harden_otter_log_server

    marker = tmp_path / "code ran in the grader"

    class Payload:
        def __reduce__(self):
            return exec, (f"open({str(marker)!r}, 'w')",)

    harden_otter_log_server()
    record = pickle.dumps(Payload(), 1)
    (host, port), stop_server = start_server()
    try:
        for data in (struct.pack(">L", len(record)) + record, b"\xff" * 64):  # code; then a 4 GB length
            with socket.create_connection((host, port)) as connection:
                connection.sendall(data)
        time.sleep(0.5)
        cpu = time.process_time()
        time.sleep(1)
        assert time.process_time() - cpu < 0.5  # no handler spinning on a closed connection
    finally:
        stop_server()
    assert not marker.exists()
