"""attack: get the oracle's reference answers where they are not given: for the function under test, or kept for later.

While its hidden checks run, conv2d_multichannel's nested calls to conv2d are answered by the
reference (the "oracle"). This file builds a correct conv2d_multichannel on conv2d and, while it is
graded, keeps the stub it is given, the answers it gets (in a global and in files) and tries to
leave the stub installed. Later: max_pool2d (graded next) returns the right answer only if any of
that survived into its grading; conv2d forges an oracle request for itself on the reply pipe; and
max_pool_forward calls the kept stub. Every function but conv2d_multichannel is wrong unless the
attack works.
"""

import json
import os
import struct

import numpy as np

KEPT = {}  # what the oracle gave, while conv2d_multichannel was graded
MARKER = "oracle-answers.json"


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


def conv2d(x, w, stride=1, padding=0):
    """Wrong, unless the grader answers a forged oracle request for conv2d itself."""
    header = json.dumps({"dict": {"status": "oracle", "call": "conv2d", "args": [], "kwargs": {"dict": {}}}})
    body = struct.pack(">I", len(header)) + header.encode()
    requests, replies = _worker_pipes()
    os.write(replies, struct.pack(">Q", len(body)) + body)
    length = struct.unpack(">Q", os.read(requests, 8))[0]
    os.read(requests, length)
    return np.full((1, 1), 123.0)  # a right answer would need the reference for this input


OWN_CONV2D = conv2d


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    """Correct, built on conv2d (the reference's answers, in hidden checks); keeps what it is given."""
    x, filters = np.asarray(x, dtype=float), np.asarray(filters, dtype=float)
    given = conv2d  # the module's conv2d when called: the grader's stub while its hidden checks run
    out = np.array([sum(given(x[c], filters[j, c], stride=stride, padding=padding) for c in range(x.shape[0]))
                    for j in range(filters.shape[0])])
    if given is not OWN_CONV2D:  # the grader's stub answered: keep it, and what it said
        KEPT["stub"] = given
        KEPT.setdefault("answers", 0)
        KEPT["answers"] += 1
        for folder in (os.getcwd(), "/tmp", "/dev/shm"):
            try:
                with open(os.path.join(folder, MARKER), "w") as file:
                    file.write("kept")
            except OSError:
                pass
    if bias is not None:
        out = out + np.asarray(bias, dtype=float)[:, None, None]
    globals()["conv2d"] = given  # try to leave the stub in place for later calls
    return out


def _survived():
    files = any(os.path.exists(os.path.join(folder, MARKER)) for folder in (os.getcwd(), "/tmp", "/dev/shm"))
    return bool(KEPT) or files or globals()["conv2d"] is not OWN_CONV2D


def max_pool2d(x, size, stride=None):
    """Right only if something of conv2d_multichannel's grading survived into this one."""
    x = np.asarray(x, dtype=float)
    stride = stride or size
    windows = np.lib.stride_tricks.sliding_window_view(x, (size, size), axis=(1, 2))[:, ::stride, ::stride]
    right = windows.max(axis=(3, 4))
    return right if _survived() else right - 1.0


def max_pool_forward(x, size, stride=None):
    """Calls the stub kept from conv2d_multichannel's grading, where the grader answers no conv2d."""
    if "stub" in KEPT:
        return KEPT["stub"](np.zeros((3, 3)), np.ones((1, 1)))
    return np.zeros((1, 1, 1, 1))
