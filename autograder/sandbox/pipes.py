"""Reading the worker's two pipes without waiting longer than asked, the same on every OS.

The grader reads the worker's replies (``ReplyReader``) and the student's prints
(``OutputCollector``, which keeps at most so many bytes per call) while it watches the clock. On
POSIX, ``select`` says which pipe has something to read; Windows' ``select`` takes sockets only, so
there (``SELECT_ON_PIPES`` false) a daemon thread reads each pipe, and the worker marks the end of
each call's output with ``wire.END_OF_OUTPUT`` so that the grader knows when it has all of it.
"""

import os
import queue
import select
import threading

from autograder.sandbox import wire
from autograder.sandbox.printable import printable

SELECT_ON_PIPES = os.name == "posix"  # Windows' select() takes sockets only: there, threads read the pipes


def _read_in_thread(fd, deliver):
    """Start a daemon thread passing each chunk read from ``fd`` to ``deliver`` (b"" at the end)."""
    def run():
        while True:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                chunk = b""
            deliver(chunk)
            if not chunk:
                return
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


class ReplyReader:
    """The pipe the worker replies on, read without waiting longer than asked.

    With ``select`` on pipes (POSIX) it also drains the output pipe while it waits; elsewhere
    (Windows) a thread reads the replies into a small queue, so a flood holds little memory.
    """

    def __init__(self, pipe, output):
        self._pipe = pipe
        self.fd = fd = pipe.fileno()
        self._output = output
        self._pending = b""
        self._chunks = None if SELECT_ON_PIPES else queue.Queue(maxsize=16)
        self._thread = None if SELECT_ON_PIPES else _read_in_thread(fd, self._put)

    def _put(self, chunk):
        while (chunks := self._chunks) is not None:  # None once closed: then the chunk is dropped
            try:
                chunks.put(chunk, timeout=0.1)
                return
            except queue.Full:
                continue

    def read(self, most, timeout):
        """Up to ``most`` bytes; b"" when the worker closed the pipe; None if nothing came in ``timeout``."""
        if self._thread is None:
            watched = [self.fd] + ([self._output.fd] if self._output.open else [])
            readable, _, _ = select.select(watched, [], [], timeout)
            if self._output.fd in readable:
                self._output.read_available()
            return os.read(self.fd, most) if self.fd in readable else None
        if not self._pending:
            try:
                self._pending = self._chunks.get(timeout=timeout)
            except queue.Empty:
                return None
            if not self._pending:
                self._chunks.put(b"")  # the end stays the end
                return b""
        chunk, self._pending = self._pending[:most], self._pending[most:]
        return chunk

    def close(self):
        self._chunks = None  # lets the thread's put give up
        if self._thread is not None:
            self._thread.join(timeout=1)
        if self._thread is None or not self._thread.is_alive():
            self._pipe.close()


class OutputCollector:
    """The student's stdout and stderr (one pipe), keeping at most ``limit`` bytes per call.

    Read when ``select`` says so (POSIX), or by a thread of its own (Windows). A reply arriving
    does not tell the thread's reader that the output before it was read: there the worker ends
    each call's output with ``wire.END_OF_OUTPUT``, which ``take`` waits for and removes."""

    def __init__(self, pipe, limit):
        self._pipe = pipe
        self.fd = fd = pipe.fileno()
        self._limit = limit
        self._kept = bytearray()
        self._dropped = 0
        self._lock = threading.Lock()
        self._ends = threading.Condition(self._lock)  # thread mode: END_OF_OUTPUT seen and not taken
        self._ends_seen = 0
        self._carry = b""  # thread mode: bytes that may be the start of END_OF_OUTPUT
        self.open = True
        if SELECT_ON_PIPES:
            os.set_blocking(fd, False)
            self._thread = None
        else:
            self._thread = _read_in_thread(fd, self._keep_marked)

    def _keep(self, chunk):
        with self._lock:
            self._store(chunk)

    def _store(self, chunk):
        if not chunk:
            self.open = False  # the student closed its output: stop watching it
        room = max(self._limit - len(self._kept), 0)
        self._kept += chunk[:room]
        self._dropped += len(chunk) - len(chunk[:room])

    def _keep_marked(self, chunk):
        """Thread mode: keep ``chunk`` without the END_OF_OUTPUT marks in it, and count them."""
        mark = wire.END_OF_OUTPUT
        with self._lock:
            pieces = (self._carry + chunk).split(mark)
            tail, self._carry = pieces[-1], b""
            if chunk:  # hold back an end that may be the start of a mark split across two reads
                held = next((n for n in range(min(len(mark) - 1, len(tail)), 0, -1) if tail.endswith(mark[:n])), 0)
                pieces[-1], self._carry = tail[:len(tail) - held], tail[len(tail) - held:]
            if b"".join(pieces):
                self._store(b"".join(pieces))
            if not chunk:
                self._store(b"")  # the end of the pipe
            self._ends_seen += len(pieces) - 1
            self._ends.notify_all()

    def read_available(self, chunks=16):
        """Read what the pipe holds now, without blocking: at most ``chunks`` reads of 64 KiB, so that
        a process that keeps printing cannot keep the grader here."""
        for _ in range(chunks):
            try:
                chunk = os.read(self.fd, 1 << 16)
            except (BlockingIOError, OSError):
                return
            self._keep(chunk)
            if not chunk:
                return

    def take(self, call_ended=False):
        """The output since the last ``take``, truncated, as ``printable`` text. ``call_ended``: the
        worker replied, so all the output of the call is written (thread mode: wait for its mark, at
        most 1 s)."""
        if self._thread is None:
            self.read_available()  # the worker flushes before it replies, so this is all of it
        with self._lock:
            if self._thread is not None and call_ended:
                self._ends.wait_for(lambda: self._ends_seen or not self.open, timeout=1.0)
                self._ends_seen = max(self._ends_seen - 1, 0)
            text = printable(self._kept.decode(errors="replace"))
            if self._dropped:
                text += f"\n... ({self._dropped} more bytes of output dropped)"
            self._kept.clear()
            self._dropped = 0
        return text

    def close(self):
        if self._thread is not None:
            self._thread.join(timeout=1)
        if self._thread is None or not self._thread.is_alive():
            self._pipe.close()
