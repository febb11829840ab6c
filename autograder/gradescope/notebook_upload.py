"""A notebook upload, read by us before Otter sees it: the module it defines, made under limits.

Otter reads a notebook upload itself (``nbformat.read``, before any plugin runs): one saved with a
byte-order mark, or whose metadata nests 100,000 levels deep, stops it before it writes results.json,
and a cell Python cannot parse (one huge expression) used to fail every check of our grading kernel
with Otter's raw messages. So ``run_otter.py`` (``entry``) turns ``NAME.ipynb`` into ``NAME.py`` before
Otter starts, and Otter grades that file as it grades any script: the notebook itself is never
read by Otter or by a grading process.

The reading is ``notebook.read``, the same as ``check`` on a student's machine: a
byte-order mark is dropped; imports, definitions and constants are kept; every other top-level
statement, and every cell Python cannot read, is left out with a note. Reading an upload is work
on untrusted data, so it runs in a forked child process limited to ``MEMORY_BYTES`` of address
space beyond what it inherits and ``CPU_SECONDS`` of CPU time (``WALL_SECONDS`` of waiting), never in the root process
itself; the child sends back only the module's text and the notes, as JSON. A file that is not
a notebook at all, or that cannot be read within the limits, gets one message and 0 points
(``UploadProblem``), as an upload without a gradable file does.
"""

import json
import multiprocessing
import os
import resource
from pathlib import Path

from autograder.gradescope.upload import MAX_FILE_BYTES, UploadProblem
from autograder.sandbox.printable import printable

MEMORY_BYTES = 512 * 2**20
CPU_SECONDS = 10
WALL_SECONDS = 30  # a backstop for a slow, shared machine: the CPU limit is what stops a busy child
_REPLY_BYTES = 4 * MAX_FILE_BYTES  # the module is a part of the notebook; the notes are short


def notebook_as_module(notebook_path):
    """Replace ``NAME.ipynb`` by ``NAME.py``, the module its cells define; return ``(module path,
    notes)``, one note (``printable``) per statement or cell left out. Raises ``UploadProblem``."""
    notebook_path = Path(notebook_path)
    module_path = notebook_path.with_suffix(".py")
    read = in_limited_child(_read_notebook, str(notebook_path))
    if read is None:
        raise UploadProblem(f"{notebook_path.name} could not be read within the grader's limits "
                            f"({MEMORY_BYTES // 2**20} MiB of memory, {CPU_SECONDS} s); upload "
                            f"{module_path.name} instead")
    if "problem" in read:
        raise UploadProblem(f"{read['problem']}; open it in Jupyter, save it and upload it again, or upload "
                            f"{module_path.name} instead")
    module_path.write_text(read["source"], encoding="utf-8")
    notebook_path.unlink()
    return module_path, [printable(note) for note in read["notes"]]


def _read_notebook(path):
    """In the child: ``{"source", "notes"}`` of the notebook at ``path``, or ``{"problem"}``."""
    from autograder.core import notebook

    os.chdir(os.path.dirname(path))  # so that a message names the file as the student named it
    try:
        module = notebook.read(os.path.basename(path))
    except notebook.NotebookError as error:
        return {"problem": printable(str(error))}
    return {"source": module.source, "notes": module.notes}


def in_limited_child(function, argument, memory_bytes=MEMORY_BYTES, cpu_seconds=CPU_SECONDS,
                     wall_seconds=WALL_SECONDS):
    """``function(argument)``, a value JSON can carry, computed in a forked child process limited to
    ``memory_bytes`` of address space more than it inherits and ``cpu_seconds`` of CPU time; None if
    the child failed, or did not answer within ``wall_seconds`` (it is then killed)."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_limited, args=(function, argument, sending, memory_bytes, cpu_seconds))
    child.start()
    sending.close()
    try:
        if receiving.poll(wall_seconds):
            return json.loads(receiving.recv_bytes(_REPLY_BYTES))
        return None
    except (EOFError, OSError, ValueError):  # it died (memory, CPU time), or sent too much
        return None
    finally:
        receiving.close()
        child.kill()
        child.join()


def _limited(function, argument, sending, memory_bytes, cpu_seconds):
    # Beyond the inherited mappings: a parent with numpy's thread buffers mapped may hold more
    # address space than the whole allowance, and the child would then fail on its first allocation.
    allowed = _mapped_bytes() + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (allowed, allowed))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    sending.send_bytes(json.dumps(function(argument)).encode())


def _mapped_bytes():
    """The address space this process has mapped (Linux: /proc/self/statm); 0 where it cannot be read."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0
