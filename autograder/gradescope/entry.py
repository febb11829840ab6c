"""What Gradescope runs: the zip's ``run_otter.py`` calls ``main``, which isolates the upload, then runs Otter.

Gradescope's ``run_autograder`` (Otter's, unchanged) starts ``python /autograder/source/run_otter.py``
as root. Otter's own ``run_otter.py`` would hand the upload folder to Otter as it is; ours first
keeps only the graded file (``autograder.gradescope.upload``), so that Otter's kernel, which imports from
the submission folder, finds our support packages there and nothing a student wrote. Python runs
this file as a script, so ``sys.path`` starts with ``/autograder/source`` (our packages), never with
the working directory.
"""

import json
from pathlib import Path

from autograder.gradescope.upload import MANIFEST, Expected, UploadProblem, isolate_upload, problem_results

GRADESCOPE_DIR = "/autograder"


def main(autograder_dir=GRADESCOPE_DIR):
    """Grade ``autograder_dir/submission`` into ``autograder_dir/results/results.json``; exit status."""
    folder = Path(autograder_dir)
    expected = Expected.from_json((folder / "source" / MANIFEST).read_text())
    try:
        isolate_upload(folder, expected)
    except UploadProblem as problem:
        (folder / "results").mkdir(exist_ok=True)
        (folder / "results" / "results.json").write_text(json.dumps(problem_results(str(problem), expected),
                                                                    indent=2))
        print(f"Nothing was graded: {problem}")
        return 0
    from otter.run.run_autograder import main as run_autograder

    run_autograder(str(folder))
    return 0


RUN_OTTER_PY = '''"""Runs the autograder: keep only the graded file of the upload, then Otter (gradescope/entry.py)."""

import sys

from autograder.gradescope.entry import main

if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
'''
