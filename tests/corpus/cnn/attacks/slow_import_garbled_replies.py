"""attack: make every restart of the worker cost the grader dearly: a slow import, a garbled reply on every call.

The file sleeps 8 s when it is loaded (under the 10-s import limit), and every function writes bytes
out of the protocol on the reply pipe before it returns. A garbled reply kills the worker; each
function's next call needs a new one, which loads the file again. Once that was an ordinary
failure, tried again and shrunk by Hypothesis: 40-80 restarts, 341 s for one function, no
results.json after 11 minutes. A reply out of the protocol now gives its function up at once, and
starting a worker counts on the budget of the call that needed it.
"""

import fcntl
import os
import stat
import time

import numpy as np

time.sleep(8)


def _garble():
    for fd in range(3, 256):  # the worker's private reply pipe: the first pipe open for writing
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode) and fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_WRONLY:
                os.write(fd, b"\xff" * 8 + b"not a reply")
                return
        except OSError:
            continue


def conv1d(x, w, stride=1, padding=0):
    _garble()
    return np.zeros(1)


def conv1d_matrix(w, n, stride=1, padding=0):
    _garble()
    return np.zeros((1, 1))


def conv2d(x, w, stride=1, padding=0):
    _garble()
    return np.zeros((1, 1))


def conv2d_multichannel(x, filters, bias=None, stride=1, padding=0):
    _garble()
    return np.zeros((1, 1, 1))


def max_pool2d(x, size, stride=None):
    _garble()
    return np.zeros((1, 1, 1))
