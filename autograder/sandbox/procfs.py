"""Reading processes from /proc: what the grader measures itself rather than asks the worker."""

import functools
import os


def pids():
    """The ids of all processes we can see (none where there is no /proc)."""
    try:
        return [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return []


def stat_fields(pid):
    """The fields of /proc/PID/stat after the command name (which may hold spaces and parentheses):
    index 1 is the parent's pid, 3 the session, 11-14 CPU ticks, 21 resident pages."""
    with open(f"/proc/{pid}/stat") as proc_stat:
        return _fields(proc_stat.read())


class StatFile:
    """/proc/PID/stat of one process, kept open: ``fields()`` reads it afresh each time (as
    ``stat_fields``) without opening it again, for a process watched many times a second. Once the
    process is gone, ``fields()`` raises OSError (the open file never shows another process)."""

    def __init__(self, pid):
        self._fd = os.open(f"/proc/{pid}/stat", os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))

    def fields(self):
        return _fields(os.pread(self._fd, 4096, 0).decode())

    def close(self):
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _fields(text):
    return text.rsplit(")", 1)[1].split()


def cpu_and_memory(fields):
    """(CPU seconds of the process and of the children it waited for, resident bytes) from its stat."""
    ticks = int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return ticks / _sysconf("SC_CLK_TCK"), int(fields[21]) * _sysconf("SC_PAGE_SIZE")


@functools.cache
def _sysconf(name):
    return os.sysconf(name)


@functools.cache
def available():
    """Whether this system has a /proc to read (Linux; not macOS or Windows)."""
    return os.path.isdir("/proc/self/task")
