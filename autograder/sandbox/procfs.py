"""Reading processes from /proc: what the grader measures itself rather than asks the worker."""

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
        return proc_stat.read().rsplit(")", 1)[1].split()


def cpu_and_memory(fields):
    """(CPU seconds of the process and of the children it waited for, resident bytes) from its stat."""
    ticks = int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK"), int(fields[21]) * os.sysconf("SC_PAGE_SIZE")


def available():
    """Whether this system has a /proc to read (Linux; not macOS or Windows)."""
    return os.path.isdir("/proc/self/task")
