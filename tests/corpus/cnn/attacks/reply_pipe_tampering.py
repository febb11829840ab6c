"""attack: talk to the grader directly over the reply pipe: forged, garbled, oversized replies, or none.

At import it sends a forged "ready" plus spare replies claiming success (to desynchronise later
calls); conv1d announces a 1 TB reply; conv1d_matrix sends a JSON header that is not a value;
conv2d closes the reply pipe; conv2d_multichannel sends half a message and hangs; max_pool2d sends
a reply with a non-status body. All of them are wrong answers.
"""

import itertools
import json
import os
import struct
import time

import numpy as np


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


REPLY_FD = _worker_pipes()[1]


def _send(body):
    os.write(REPLY_FD, struct.pack(">Q", len(body)) + body)


def _message(tree):
    header = json.dumps(tree).encode()
    return struct.pack(">I", len(header)) + header


def _tamper(kind):
    if kind == "huge":
        os.write(REPLY_FD, struct.pack(">Q", 2**40))
    elif kind == "garbage":
        _send(struct.pack(">I", 5) + b"{]]]}")
    elif kind == "close":
        os.close(REPLY_FD)
    elif kind == "half":
        os.write(REPLY_FD, struct.pack(">Q", 1000) + b"{")
        time.sleep(60)
    elif kind == "odd":
        _send(_message([1, 2, 3]))


_send(_message({"dict": {"status": "ready"}}))
for _ in range(3):
    _send(_message({"dict": {"status": "returned", "value": 0.0, "args": [], "kwargs": {"dict": {}}}}))


_CALLS = itertools.count(1)


def _answer(ones):  # what every function returns: its right shape, filled with the number of this call
    return ones * next(_CALLS)  # wrong, and never the same twice: every check fails at its first example


def _n_out(n, m, stride, padding):
    return max((n + 2 * padding - m) // stride + 1, 0)


def conv1d(x, w, stride=1, padding=0):
    _tamper('huge')
    return _answer(np.ones(_n_out(len(x), len(w), stride, padding)))


def conv1d_matrix(w, n, stride=1, padding=0):
    _tamper('garbage')
    return _answer(np.ones((_n_out(n, len(w), stride, padding), n)))


def conv2d(x, w, stride=1, padding=0):
    _tamper('close')
    x, w = np.asarray(x), np.asarray(w)
    return _answer(np.ones((_n_out(x.shape[0], w.shape[0], stride, padding),
                             _n_out(x.shape[1], w.shape[1], stride, padding))))


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    _tamper('half')
    x, filters = np.asarray(x), np.asarray(filters)
    return _answer(np.ones((filters.shape[0], _n_out(x.shape[1], filters.shape[2], stride, padding),
                             _n_out(x.shape[2], filters.shape[3], stride, padding))))


def max_pool2d(x, size, stride=None):
    _tamper('odd')
    x = np.asarray(x)
    stride = stride or size
    return _answer(np.ones((x.shape[0], _n_out(x.shape[1], size, stride, 0), _n_out(x.shape[2], size, stride, 0))))
