"""Run a command in a new user namespace whose uid and gid maps we choose: a container's view of ids.

``python tests/userns.py INSIDE OUTSIDE COUNT -- command ...`` maps ``COUNT`` ids from ``INSIDE`` (as
the command sees them) to ``OUTSIDE`` (as this machine sees them), for users and groups alike, as
container runtimes do (Docker maps 0-65535; rootless ones a sub-range). ``unshare --map-users``
needs ``newuidmap``; this needs only root, which may write any map for a child of its own.
"""

import ctypes
import os
import sys

CLONE_NEWUSER = 0x10000000


def main(inside, outside, count, command):
    ready_read, ready_write = os.pipe()
    go_read, go_write = os.pipe()
    child = os.fork()
    if child == 0:
        if ctypes.CDLL(None, use_errno=True).unshare(CLONE_NEWUSER) != 0:
            os._exit(111)
        os.write(ready_write, b"1")
        os.read(go_read, 1)  # the parent has written our maps
        os.setgid(0)
        os.setuid(0)
        os.execvp(command[0], command)
    os.read(ready_read, 1)
    for name in ("uid_map", "gid_map"):
        with open(f"/proc/{child}/{name}", "w") as map_file:
            map_file.write(f"{inside} {outside} {count}\n")
    os.write(go_write, b"1")
    _, status = os.waitpid(child, 0)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    separator = sys.argv.index("--")
    inside, outside, count = map(int, sys.argv[1:separator])
    sys.exit(main(inside, outside, count, sys.argv[separator + 1:]))
