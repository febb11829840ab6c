"""The user and group ids student code runs as, and what the grader does with such a uid.

As root, the grader runs its workers as a uid and gid of their own (``sandbox_account``), so that
"every process of that user" and "every file of that user" mean exactly this grader's student code:
``kill_every_process_of`` and ``remove_files_of`` reach what left the worker's session or folder,
``tasks_of`` counts what a uid runs (as RLIMIT_NPROC does). Without root (a student's machine) or
where the container maps no second id there is no such account: the worker shares the grader's ids
(``sandbox_notice`` says so in the results).
"""

import functools
import os
import shutil
import signal
import stat
import sys
import tempfile
from pathlib import Path

from autograder.sandbox import procfs

SANDBOX_UID_BASE = 1_000_000


def sandbox_account():
    """The (uid, gid) student code runs as: None when unprivileged (our own) or when no other id exists.

    As root, each grading process gets a uid of its own, 1,000,000 plus its pid (unique among live
    processes; no /etc/passwd entry needed). So "kill every process of the sandbox user" reaches
    exactly this grader's student code, also when several graders run side by side. In a container
    whose user namespace maps only some ids (``/proc/self/uid_map``), the id is chosen among those
    mapped and unused; where only our own id is mapped there is none to switch to (see
    ``sandbox_notice``).
    """
    if not hasattr(os, "geteuid") or os.geteuid() != 0:  # Windows has no uids
        return None
    return _account_for(os.getpid())


@functools.cache
def _account_for(pid):
    """The account of grading process ``pid`` (cached by pid: a forked grader chooses its own)."""
    preferred = SANDBOX_UID_BASE + pid
    uid = _free_mapped_id("/proc/self/uid_map", preferred, _ids_in_use("Uid"))
    gid = _free_mapped_id("/proc/self/gid_map", preferred, _ids_in_use("Gid"))
    if uid is None or gid is None:
        return None
    _let_others_reach_python()
    return uid, gid


def sandbox_notice():
    """One sentence for the results when student code could not get a user of its own, else None."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or sandbox_account() is not None:
        return None
    return ("Note: this grading container maps no second user id, so your code ran as the grading user, "
            "confined by Landlock (where the kernel has it), resource limits and time limits.")


def mapped_ranges(map_file):
    """The id ranges a user-namespace map file makes usable, as ``range`` objects (inside ids).

    Each line of ``/proc/self/uid_map`` reads ``inside outside count``; without the file (not
    Linux, or no user namespaces) every 32-bit id counts as mapped, as in the initial namespace.
    """
    try:
        lines = Path(map_file).read_text().splitlines()
    except OSError:
        return [range(0, 2**32 - 1)]
    ranges = []
    for line in lines:
        fields = line.split()
        if len(fields) == 3 and all(f.isdigit() for f in fields):
            ranges.append(range(int(fields[0]), int(fields[0]) + int(fields[2])))
    return ranges


def _free_mapped_id(map_file, preferred, in_use, lowest=1000):
    """``preferred`` if the namespace maps it, else the highest mapped id >= ``lowest`` that no process
    uses (system accounts lie below ``lowest``); None when there is none."""
    ranges = mapped_ranges(map_file)
    if any(preferred in r for r in ranges) and preferred not in in_use:
        return preferred
    for ids in sorted(ranges, key=lambda r: r.stop, reverse=True):
        candidate = ids.stop - 1
        while candidate >= max(ids.start, lowest):
            if candidate not in in_use and candidate != os.getuid():
                return candidate
            candidate -= 1
            if ids.stop - candidate > 4096:  # a range this crowded is no place to look further
                break
    return None


def _ids_in_use(field_name):
    """The real uids (``Uid``) or gids (``Gid``) of every live process, read from /proc."""
    used = {os.getuid() if field_name == "Uid" else os.getgid()}
    for pid in procfs.pids():
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith(field_name + ":"):
                        used.add(int(line.split()[1]))
                        break
        except (OSError, ValueError, IndexError):
            continue
    return used


@functools.cache
def _let_others_reach_python():
    """Add search (x) permission for others on the folders above the interpreter and its libraries.

    Python often lives under /root (pyenv here; Miniforge on Gradescope), which is mode 700, so the
    sandbox user could not start it. Search permission lets it open paths it already knows without
    listing any folder; files keep their own permissions.
    """
    for start in {os.path.realpath(sys.executable), sys.prefix, sys.base_prefix}:
        for folder in Path(start).parents:
            mode = folder.stat().st_mode
            if not mode & stat.S_IXOTH:
                folder.chmod(mode | stat.S_IXOTH)


def folder_for_workers(prefix):
    """A new folder in the temporary folder, for workers' folders to be made in: the sandbox user
    may pass through it (search, not list), as it must to reach its own folder inside."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o711)
    return folder


# -- using an account --------------------------------------------------------------------------------

def may_set_groups():
    """False inside a user namespace that denies setgroups(2) (``/proc/self/setgroups`` says deny)."""
    try:
        return Path("/proc/self/setgroups").read_text().strip() != "deny"
    except OSError:
        return True


def tasks_of(uid):
    """How many processes and threads ``uid`` runs (what RLIMIT_NPROC counts), or None without /proc."""
    if not procfs.available():
        return None
    count = 0
    for pid in procfs.pids():
        try:
            if os.stat(f"/proc/{pid}").st_uid == uid:
                count += len(os.listdir(f"/proc/{pid}/task"))
        except OSError:
            continue
    return count


def kill_every_process_of(account):
    """Catch processes that left the session (setsid, double fork): kill(-1) as that user."""
    child = os.fork()
    if child == 0:
        try:
            os.setgid(account[1])
            os.setuid(account[0])
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(child, 0)


def remove_files_of(uid):
    """Delete what the sandbox user created in the world-writable folders (where Landlock is missing,
    it can write there); symlinks are removed, never followed."""
    for folder in {tempfile.gettempdir(), "/tmp", "/var/tmp", "/dev/shm"}:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                continue
