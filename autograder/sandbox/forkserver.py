"""Workers started as forks of a process that has imported numpy already: the grader's side (Linux).

A worker started as a script (``python -I -B worker_main.py ...``) spends most of its start, about
0.2 s of CPU, importing numpy, and a grading starts several (a fresh one for each function the
reference answered calls of, and after every crash). So on Linux each grading process starts
``worker_main.py --fork-server`` once (``server``), and every worker after that is a fork of it
(``ForkServer.start``; the other side is ``worker_main.serve_forks``): a millisecond of CPU. The
fork makes itself what ``Worker`` would have started (its own session, the sandbox user, its
folder, pipes and environment; then the same limits and Landlock rules, before the submission is
read) and runs the same ``main``. The server has imported only what every worker imports and never
sees a submission or the reference, so no fork inherits anything of a grading. Elsewhere (macOS,
whose system libraries do not survive a fork without an exec, and Windows) or where the kernel has
no pidfds (before Linux 5.3), ``Worker`` starts each worker as a script, as it always did.

``ForkedProcess`` is what ``Worker`` uses of ``subprocess.Popen``, for a process that is not our
child: its pid and pipes, ``wait`` and ``returncode``. The server reports each worker's end but
leaves it unreaped, its pid taken, until ``wait`` has seen it: as with a child of our own, the
grader may signal the worker's session until then without reaching another process.
"""

import functools
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_servers = {}  # (pid of the grading process, python) -> its ForkServer


@functools.cache
def usable():
    """Whether workers can be forks here: Linux with pidfds (kernel 5.3+) and fd passing."""
    if not (sys.platform.startswith("linux") and hasattr(os, "pidfd_open") and hasattr(socket, "send_fds")):
        return False
    try:
        os.close(os.pidfd_open(os.getpid()))  # Python has it, but an older kernel may not
    except OSError:
        return False
    return True


def server(python, environment, files):
    """This process's ``ForkServer`` for ``python``, started on first use (and again if it broke)
    from ``files`` (the worker's files) with ``environment(folder)``, a worker's environment; None
    when it cannot start."""
    key = (os.getpid(), python)
    found = _servers.get(key)
    if found is None or found.broken:
        if found is not None:
            found.close()
        try:
            found = _servers[key] = ForkServer(python, environment, files)
        except OSError:
            return None
        # Stopped as this process ends: run at exit, and at the end of a forked multiprocessing
        # process too (which skips atexit's handlers), never by another process (a fork of this one).
        import multiprocessing.util  # only where workers are forks (``usable``)

        multiprocessing.util.Finalize(found, found.close, exitpriority=0)
    return found


def _forget_servers_in_child():
    """A forked grading process (``make grade-all``, the audit) starts a server of its own: its
    copies of the parent's sockets are closed, never used."""
    for found in _servers.values():
        found.abandon()
    _servers.clear()


if hasattr(os, "register_at_fork"):  # POSIX only: Windows cannot fork at all
    os.register_at_fork(after_in_child=_forget_servers_in_child)


class ForkServer:
    """``worker_main.py --fork-server FD`` running from a private folder, talked to over a socket."""

    def __init__(self, python, environment, files):
        self.broken = False
        self._exits = {}  # pid -> exit code reported and not yet taken by ``exit_code``
        self._folder = Path(tempfile.mkdtemp(prefix="fork-server-"))  # 0700: the grader's alone
        for name in files:
            shutil.copyfile(_HERE / name, self._folder / name)
        self._socket, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self._process = subprocess.Popen(
                [python, "-I", "-B", str(self._folder / "worker_main.py"), "--fork-server", str(theirs.fileno())],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, cwd=self._folder, pass_fds=(theirs.fileno(),),
                env=environment(self._folder), start_new_session=True)
        except OSError:
            self._socket.close()
            shutil.rmtree(self._folder, ignore_errors=True)
            raise
        finally:
            theirs.close()

    def start(self, argv, folder, environment, account, drop_groups):
        """Fork a worker running ``worker_main.main(*argv)`` in ``folder`` with ``environment``, as
        ``account`` ((uid, gid), or None: ours), leaving it no supplementary groups if ``drop_groups``;
        return its ``ForkedProcess``. Raises OSError when the server cannot (it is ``broken`` then
        if it is gone)."""
        ends = [os.pipe() for _ in range(3)]  # the worker's stdin, stdout and stderr, each (read, write)
        theirs, ours = [ends[0][0], ends[1][1], ends[2][1]], [ends[0][1], ends[1][0], ends[2][0]]
        request = {"argv": list(argv), "folder": str(folder), "env": environment, "drop_groups": drop_groups,
                   "uid": account[0] if account else None, "gid": account[1] if account else None}
        try:
            try:
                socket.send_fds(self._socket, [json.dumps(request).encode()], theirs)
            except OSError:
                self.broken = True
                raise
            reply = {}
            while "started" not in reply and "error" not in reply:
                reply = self._receive(None)
                if self.broken:
                    raise OSError("the fork server is gone")
            if "error" in reply:
                raise OSError(f"the fork server could not start a worker: {reply['error']}")
        except OSError:
            for fd in ours:
                os.close(fd)
            raise
        finally:
            for fd in theirs:
                os.close(fd)
        return ForkedProcess(self, reply["started"], open(ours[0], "wb"), open(ours[1], "rb"), open(ours[2], "rb"))

    def exit_code(self, pid, timeout):
        """The exit code of worker ``pid`` once it has ended (it is reaped then), or None when it
        still runs after ``timeout`` seconds (None: however long it takes)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while pid not in self._exits:
            if self.broken:
                return -signal.SIGKILL  # every worker dies with the server (PR_SET_PDEATHSIG)
            if self._receive(None if deadline is None else max(deadline - time.monotonic(), 0)) is None:
                return None
        code = self._exits.pop(pid)
        try:
            self._socket.send(json.dumps({"reap": pid}).encode())
        except OSError:
            self.broken = True
        return code

    def _receive(self, timeout):
        """The server's next message (noting a worker's end), None after ``timeout`` seconds, or {}
        when the server is gone (``broken`` from then on)."""
        if self.broken:
            return {}
        if not select.select([self._socket], [], [], timeout)[0]:
            return None
        try:
            data = self._socket.recv(1 << 16)
        except OSError:
            data = b""
        if not data:
            self.broken = True
            return {}
        message = json.loads(data)
        if "exited" in message:
            self._exits[message["exited"]] = message["code"]
        return message

    def close(self):
        """Stop the server (its workers die with it) and remove its folder."""
        self.broken = True
        self._socket.close()
        try:
            self._process.wait(timeout=5)  # it ends at once when the socket closes
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        shutil.rmtree(self._folder, ignore_errors=True)

    def abandon(self):
        """Close our end without stopping the server (we are a forked copy of its grading process)."""
        self.broken = True
        self._socket.close()


class ForkedProcess:
    """A worker forked by a ``ForkServer``: what ``Worker`` uses of a ``subprocess.Popen``."""

    def __init__(self, server, pid, stdin, stdout, stderr):
        self._server, self.pid = server, pid
        self.stdin, self.stdout, self.stderr = stdin, stdout, stderr
        self.returncode = None

    def poll(self):
        return self.returncode if self.returncode is not None else self._wait(0)

    def wait(self, timeout=None):
        """The exit code (minus the signal that killed it); ``subprocess.TimeoutExpired`` after ``timeout`` s."""
        code = self.returncode if self.returncode is not None else self._wait(timeout)
        if code is None:
            raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout)
        return code

    def _wait(self, timeout):
        self.returncode = self._server.exit_code(self.pid, timeout)
        return self.returncode
