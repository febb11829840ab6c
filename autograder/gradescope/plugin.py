"""The Otter plugin that keeps student code out of Otter's grading kernel.

Otter executes a submission as ``__main__`` in the IPython kernel that then runs the tests, as
root. With this plugin (named in ``otter_config.json``) the kernel executes one line instead,
``submission_path = "..."``; the test cases read that path and grade the file through the sandboxed
worker (``autograder.gradescope.session``). The plugin also locks the autograder folder (tests,
reference, results) to root before grading, defuses Otter's log server (see
``harden_otter_log_server``), puts our explanation in place of Otter's failure messages (which
quote the test file) so students read only the explanation, and caps the length of every message,
so that results.json stays far below Gradescope's 1 MB whatever the submission printed or returned.
"""

import dataclasses
import os
import select
import shutil

import nbformat
from otter.plugins import AbstractOtterPlugin

from autograder.gradescope.notes import read_notes
from autograder.gradescope.upload import make_private
from autograder.sandbox.accounts import sandbox_notice

FEEDBACK_CHARACTERS = 300_000  # all messages together (a public check's appears twice in results.json)


class SandboxPlugin(AbstractOtterPlugin):
    def before_grading(self, config):
        """Before Otter starts its kernel: the submission folder holds the graded file and our support
        files only; the autograder folder is private to root (the sandbox user can neither read nor
        write it); Otter's log server is harmless."""
        folder = getattr(config, "autograder_dir", None)
        if folder and os.path.isdir(folder):
            reset_submission_folder(folder, self.submission_path)
            make_private(folder)
        harden_otter_log_server()

    def before_execution(self, submission):
        """Execute only the submission's path in Otter's kernel, never the submission itself."""
        cell = nbformat.v4.new_code_cell(f"submission_path = {os.path.abspath(self.submission_path)!r}")
        return nbformat.v4.new_notebook(cells=[cell])

    def after_grading(self, results):
        """Put our explanation in place of each failure message (Otter's quotes the test file), and
        show what passed checks measured (e.g. the accuracy a training run reached): both from the
        notes the grading left (``autograder.gradescope.notes``). A failure without a note (the
        grader itself broke) keeps Otter's message, for the instructor to see."""
        notes = read_notes(self.submission_path)
        for test_file in results.results.values():
            for result in test_file.test_case_results:
                name = result.test_case.name
                if result.passed and name in notes.passed:
                    result.test_case = dataclasses.replace(result.test_case, success_message=notes.passed[name])
                if not result.passed and name in notes.failed:
                    result.message = "❌ " + notes.failed[name]
        for said_once in notes.submission + [sandbox_notice()]:  # for the whole submission
            if said_once:
                results.output = f"{results.output}\n\n{said_once}" if results.output else said_once
        cap_messages(results)


def reset_submission_folder(autograder_dir, submission_path):
    """Leave in ``autograder_dir/submission`` only the graded file, our support files and our tests.

    ``run_otter.py`` already made the folder hold nothing but the graded file; this holds even when
    Otter is started some other way (``otter run`` on an upload with folders): Otter's kernel imports
    from this folder, so whatever else an upload brings (a package named like ours or like a library,
    ``sitecustomize.py``, ``.pth`` files) is deleted before the kernel starts, and ours are copied in
    again, replacing any a student's folder kept out.
    """
    submission = os.path.join(autograder_dir, "submission")
    graded = os.path.basename(submission_path)
    for name in os.listdir(submission):
        path = os.path.join(submission, name)
        if name == graded and not os.path.islink(path):
            continue
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)
    support = os.path.join(autograder_dir, "source", "files")
    if os.path.isdir(support):
        shutil.copytree(support, submission, dirs_exist_ok=True)
    shutil.copytree(os.path.join(autograder_dir, "source", "tests"), os.path.join(submission, "tests"))
    open(os.path.join(submission, "__init__.py"), "a").close()


def harden_otter_log_server():
    """Otter's log server (``otter.execute.logging``) must not run code or hang for anyone.

    While it grades, Otter's process (root) listens on a localhost TCP port for log records from
    its kernel, and unpickles whatever arrives: any local user, such as the sandbox user, could run
    code as root there, or make it loop forever with a bad length (the port is listed in
    /proc/net/tcp). Landlock stops the worker from connecting where the kernel supports it; this
    holds everywhere: the server now reads and discards (the kernel's logs only matter to Otter's
    --debug), with a time limit, and never keeps Otter from exiting. Otter's server looks for its
    stop signal once a second, and Python waits for it at exit (half a second a grading, on
    average): ours looks every 20 ms.
    """
    try:
        from otter.execute import logging as otter_logging
    except ImportError:
        return
    otter_logging.LogRecordStreamHandler.handle = _discard_log_records
    otter_logging.LogRecordSocketReceiver.daemon_threads = True
    otter_logging.LogRecordSocketReceiver.serve_until_stopped = _serve_until_stopped


def _serve_until_stopped(server):
    """Otter's ``serve_until_stopped``, answering its stop signal within 20 ms instead of a second."""
    while not server.abort:
        try:
            ready, _, _ = select.select([server.socket.fileno()], [], [], 0.02)
        except OSError:
            ready = None
        if ready:
            server.handle_request()


def _discard_log_records(handler):
    handler.connection.settimeout(300)
    try:
        while handler.connection.recv(1 << 16):
            pass
    except OSError:
        pass


def cap_messages(results):
    """Cut every test case's message to its share of ``FEEDBACK_CHARACTERS`` (2,000 to 20,000)."""
    cases = [result for test_file in results.results.values() for result in test_file.test_case_results]
    room = min(max(FEEDBACK_CHARACTERS // max(len(cases), 1), 2_000), 20_000)
    for result in cases:
        if result.message and len(result.message) > room:
            result.message = result.message[:room] + "\n... (the rest of this message was cut)"
        success = getattr(result.test_case, "success_message", None)
        if isinstance(success, str) and len(success) > room:
            result.test_case = dataclasses.replace(result.test_case, success_message=success[:room] + "...")
