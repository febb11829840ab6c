"""Feedback pages of a graded class: one self-contained HTML page per student, and an index.

A student's page holds what Gradescope shows them, in the same words (``autograder.core.feedback``):
the per-function table with points, each failed check explained with its minimal counterexample,
what passed checks measured and the Hypothesis seed; above it, who handed in (the group's
members), when, how late and the late penalty. No reference or hidden-test source is in the
records the pages are made from. Everything a student wrote (names, printed output, exception
messages, returned values) is escaped, and a Content-Security-Policy forbids scripts and every
outside resource, so a page can be mailed or opened anywhere. The index has the class summary,
the histogram (embedded) and a link to every page.
"""

import base64
import html
import re
from pathlib import Path

from autograder.core.feedback import FAILURES_HEADING, seed_line
from autograder.instructor.bulk import pages_path, read_records, student_rows
from autograder.instructor.lateness import LatePenalty

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; }
pre { background: #f6f6f6; padding: 0.6rem; overflow-x: auto; white-space: pre-wrap; }
.score { font-size: 1.25rem; font-weight: bold; }
"""
POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"  # no scripts, nothing fetched


def page(title, body):
    """A whole HTML document around ``body`` (already escaped): inline style, no outside resources."""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n')


def table(rows, links=None):
    """Rows of strings as an HTML table, the first row as its header; ``links[i]`` links row i's first cell."""
    head = "".join(f"<th>{html.escape(cell)}</th>" for cell in rows[0])
    body = []
    for number, row in enumerate(rows[1:]):
        cells = [html.escape(str(cell)) for cell in row]
        if links and links[number]:
            cells[0] = f'<a href="{html.escape(links[number])}">{cells[0] or "(no name)"}</a>'
        body.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    return f"<table>\n<tr>{head}</tr>\n" + "\n".join(body) + "\n</table>"


def facts(pairs):
    """(label, value) pairs as a two-column table, the labels as row headers."""
    rows = "\n".join(f"<tr><th>{html.escape(key)}</th><td>{html.escape(value)}</td></tr>" for key, value in pairs)
    return f"<table>\n{rows}\n</table>"


def student_page(assignment_name, record, row):
    """One student's feedback page, from the submission's record and the student's CSV row."""
    who = [("student", row["name"] or row["submission"]), ("SID", row["sid"]), ("email", row["email"])]
    if row["group"]:
        who.append(("group", row["group"]))
    who.append(("submission", row["submission"]))
    if row["submitted_at"]:
        late = f" ({row['hours_late']} h late)" if row["hours_late"] not in ("", "0") else ""
        who.append(("submitted", row["submitted_at"] + late))
    parts = [f"<h1>{html.escape(assignment_name)}: feedback for {html.escape(row['name'] or row['submission'])}</h1>",
             facts([(key, value) for key, value in who if value])]
    feedback = record.get("feedback")
    if record.get("error") or not feedback:
        parts.append(f"<p class=\"score\">This submission could not be graded: "
                     f"{html.escape(record.get('error') or 'no feedback was recorded')}</p>")
        return page(f"{assignment_name}: feedback", "\n".join(parts))
    possible = feedback["table"][-1][-1].split("/")[-1]
    score = f"Total: {row['total']}/{possible}"
    if row["late_penalty"] not in ("", "0"):
        score += f", minus {row['late_penalty']} for lateness: {row['total_after_penalty']}/{possible}"
    parts += [f'<p class="score">{html.escape(score)}</p>', table(feedback["table"])]
    if feedback["failures"]:
        parts.append(f"<h2>{html.escape(FAILURES_HEADING)}</h2>")
        parts += [f"<pre>{html.escape(text)}</pre>" for text in feedback["failures"]]
    if feedback["notes"]:
        parts.append("<pre>" + html.escape("\n".join(feedback["notes"])) + "</pre>")
    parts.append(f"<p>{html.escape(seed_line(feedback['seed']))}</p>")
    return page(f"{assignment_name}: feedback", "\n".join(parts))


def index_page(assignment_name, summary_text, histogram, rows, links):
    """The class's page: the summary, the histogram (PNG bytes, embedded) and every student's row."""
    image = base64.b64encode(histogram).decode("ascii")
    columns = ["name", "sid", "email", "total", "hours_late", "late_penalty", "total_after_penalty", "submission",
               "error"]
    parts = [f"<h1>{html.escape(assignment_name)}: class results</h1>",
             f"<pre>{html.escape(summary_text)}</pre>",
             f'<img alt="histogram of the totals" src="data:image/png;base64,{image}">',
             "<h2>Students</h2>",
             table([columns] + [[row[c] for c in columns] for row in rows], links)]
    return page(f"{assignment_name}: class results", "\n".join(parts))


def write_pages(assignment_name, out, summary_text, histogram, due=None, penalty=LatePenalty()):
    """Write ``<OUT stem>.feedback/index.html`` and one page per student of CSV ``out``'s records;
    return the folder. Pages of an earlier run are replaced."""
    folder = pages_path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.html"):
        old.unlink()
    records = read_records(out)
    functions = next(iter(records.values()))["functions"] if records else []
    rows, links, taken = [], [], set()
    for identifier in sorted(records):
        for row in student_rows(records[identifier], functions, due, penalty):
            name = _file_name(row, taken)
            (folder / name).write_text(student_page(assignment_name, records[identifier], row), encoding="utf-8")
            rows.append(row)
            links.append(name)
    (folder / "index.html").write_text(index_page(assignment_name, summary_text, histogram, rows, links),
                                       encoding="utf-8")
    return folder


def _file_name(row, taken):
    """``submission_1002-1003.html``: the submission and the student's SID (or email, or name), made safe."""
    person = row["sid"] or row["email"].split("@")[0] or row["name"]
    stem = "-".join(_slug(part) for part in (row["submission"], person) if _slug(part)) or "student"
    name, number = f"{stem}.html", 1
    while name in taken or name == "index.html":
        number += 1
        name = f"{stem}-{number}.html"
    taken.add(name)
    return name


def _slug(text):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._-")[:60]


def page_files(out):
    """The student pages written for CSV ``out`` (not the index)."""
    return sorted(p for p in Path(pages_path(out)).glob("*.html") if p.name != "index.html")
