"""Grade one file exactly as Gradescope does: ``otter run`` on the built autograder zip.

Gradescope starts Otter from the zip's folder, so Otter imports our plugin from the zip's top
level; locally that folder is not on Python's path, so we extract the zip's ``autograder/``
package and point PYTHONPATH at it. Everything else is Otter's own code path.
"""

import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from autograder.feedback import format_table


def run_otter(autograder_zip, submission, output_dir):
    """Run ``otter run``; return the parsed results.json (Gradescope's format)."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    results_path = output_dir / "results.json"
    results_path.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as plugin_dir:
        with zipfile.ZipFile(autograder_zip) as archive:
            archive.extractall(plugin_dir, [n for n in archive.namelist() if n.startswith("autograder/")])
        environment = {**os.environ, "PYTHONPATH": plugin_dir}
        completed = subprocess.run(
            [sys.executable, "-m", "otter", "run", "--no-logo", "-a", str(Path(autograder_zip).resolve()),
             "-o", str(output_dir.resolve()), str(Path(submission).resolve())],
            env=environment, cwd=plugin_dir, capture_output=True, text=True,
        )
    if not results_path.is_file():
        raise RuntimeError(f"otter run wrote no results.json:\n{completed.stderr[-2000:]}")
    return json.loads(results_path.read_text())


def render_results(results, order=()):
    """A per-function table from results.json (functions in ``order`` first, as the handout lists
    them), then the feedback of everything that lost points."""
    graded = [t for t in results["tests"] if "max_score" in t and t.get("max_score") is not None]
    rank = {name: i for i, name in enumerate(order)}
    graded.sort(key=lambda t: rank.get(t["name"], len(rank)))
    rows = [("function", "points", "result")]
    for test in graded:
        output = test.get("output", "")
        if test["score"] == test["max_score"]:
            word = "✓ passed"
        elif test["score"] == 0 and "not implemented yet" in output:
            word = "· not implemented yet"
        else:
            word = "✗ failed"
        rows.append((test["name"], f"{test['score']:g}/{test['max_score']:g}", word))
    total = sum(t["score"] for t in graded)
    possible = sum(t["max_score"] for t in graded)
    rows.append(("total", f"{total:g}/{possible:g}", ""))
    lines = [format_table(rows)]
    for test, row in zip(graded, rows[1:]):
        if test["score"] < test["max_score"] and "not implemented" not in row[2]:
            lines += ["", f"--- {test['name']} ---", test.get("output", "").strip()]
    return "\n".join(lines)
