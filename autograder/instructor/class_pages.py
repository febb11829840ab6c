"""Feedback pages of a graded class: one self-contained HTML page per student, and an index.

A student's page holds what Gradescope shows them, in the same words (``autograder.core.feedback``):
why the file could not be loaded, if it could not (at the top: what happened, where, what it
printed), the per-function table with points, each failed check explained with its minimal
counterexample, what passed checks measured and the Hypothesis seed; above it, who handed in (the
group's members), when, the deadline (their extension, if any), the late rule and the penalty. No
reference or hidden-test source is in the records the pages are made from. Everything a student
wrote (names, printed output, exception messages, returned values) is escaped, and a
Content-Security-Policy forbids scripts and every outside resource, so a page can be mailed or
opened anywhere.

The index is the class at a glance, on one laptop screen: a table of every student (name, SID,
total, after penalty, hours late, why a row has no points), sortable by any column; beside it the
histogram (embedded) and the pass rate of each function; below, the most common failing minimal
examples (a few lines each) and the rows set apart. Its one script sorts the table; the policy
allows that script alone, by its hash.
"""

import base64
import hashlib
import html
import re
from pathlib import Path

from autograder.core.feedback import FAILURES_HEADING, seed_line
from autograder.instructor.bulk import pages_path, read_records, student_rows
from autograder.instructor.class_summary import function_rows, short_example, stale_line, totals_line
from autograder.instructor.lateness import LatePolicy

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
body.wide { max-width: 92rem; margin-top: 1rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
pre { background: #f6f6f6; padding: 0.6rem; overflow-x: auto; white-space: pre-wrap; }
.score { font-size: 1.25rem; font-weight: bold; }
.problem { border-left: 0.3rem solid #b3261e; background: #fdf0ee; padding: 0.2rem 1rem; margin: 1rem 0; }
.problem pre { background: none; padding: 0.4rem 0; }
.top { display: grid; grid-template-columns: minmax(0, 1fr) minmax(16rem, 31rem); gap: 1.5rem; align-items: start; }
@media (max-width: 56rem) { .top { grid-template-columns: minmax(0, 1fr); } }
.top img { width: 100%; height: auto; }
aside .compact td { white-space: nowrap; }
.compact { font-size: 0.875rem; margin-top: 0; }
.compact th, .compact td { padding: 0.15rem 0.45rem; }
.number { text-align: right; }
tr.problem td { background: #fdf0ee; }
td.error { min-width: 12rem; max-width: 24rem; }
th button { font: inherit; font-weight: bold; border: 0; background: none; padding: 0; cursor: pointer; }
th[aria-sort=ascending] button::after { content: " \\25B2"; }
th[aria-sort=descending] button::after { content: " \\25BC"; }
h2 { margin-bottom: 0.4rem; }
"""
POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"  # no scripts, nothing fetched
SORT_SCRIPT = """
for (const table of document.querySelectorAll("table.sortable")) {
  table.querySelectorAll("thead th button").forEach((button, column) => {
    button.addEventListener("click", () => {
      const heading = button.parentElement;
      const ascending = heading.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("thead th").forEach((th) => th.removeAttribute("aria-sort"));
      heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const value = (row) => row.cells[column].dataset.value ?? row.cells[column].textContent.trim();
      const rows = [...table.tBodies[0].rows];
      rows.sort((a, b) => {
        const x = value(a), y = value(b);
        if (x === "" || y === "") return (x === "") - (y === "");  // empty cells last, either way
        const order = isNaN(x) || isNaN(y) ? x.localeCompare(y) : x - y;
        return ascending ? order : -order;
      });
      table.tBodies[0].append(...rows);
    });
  });
}
"""
INDEX_COLUMNS = [("name", "name"), ("sid", "SID"), ("total", "total"), ("total_after_penalty", "after penalty"),
                 ("hours_late", "hours late"), ("error", "why no points")]
NUMBER_COLUMNS = {"total", "total_after_penalty", "hours_late"}
ERROR_CHARACTERS = 90  # of a row's error in the index; the student's page and the CSV have it whole


def page(title, body, script="", wide=False):
    """A whole HTML document around ``body`` (already escaped): inline style, no outside resources;
    ``script`` (inline JavaScript) is the only one the page's policy lets run."""
    policy = POLICY
    if script:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        policy += f"; script-src 'sha256-{digest}'"
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n'
            f'<body{" class=wide" if wide else ""}>\n{body}\n' + (f"<script>{script}</script>\n" if script else "")
            + "</body>\n</html>\n")


def table(rows, css_class=""):
    """Rows of strings as an HTML table, the first row as its header."""
    head = "".join(f"<th>{html.escape(cell)}</th>" for cell in rows[0])
    body = ["<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows[1:]]
    return f'<table{f" class={css_class!r}" if css_class else ""}>\n<tr>{head}</tr>\n' + "\n".join(body) + "\n</table>"


def facts(pairs):
    """(label, value) pairs as a two-column table, the labels as row headers."""
    rows = "\n".join(f"<tr><th>{html.escape(key)}</th><td>{html.escape(value)}</td></tr>" for key, value in pairs)
    return f"<table>\n{rows}\n</table>"


def deadline_facts(row, policy):
    """The student's deadline (their extension's, if any) and the late rule, as (label, value) pairs."""
    if policy.due is None:
        return []
    extension = policy.extension(row)
    due = policy.due.isoformat()
    if extension is not None:
        hours = f" of {extension.hours:g} h" if extension.hours is not None else ""
        due = f"{extension.due.isoformat()} (your extension{hours}; the class's deadline is {due})"
    return [("due", due), ("late rule", policy.penalty.describe())]


def problem_block(record):
    """Why this page has no points, first thing on it: not graded, or the file could not be loaded."""
    if record.get("error") or not record.get("feedback"):
        return (f'<div class="problem"><p class="score">This submission could not be graded: '
                f'{html.escape(record.get("error") or "no feedback was recorded")}</p></div>')
    loading = record["feedback"].get("load_failure") or (
        f"Your file could not be loaded, so none of its functions was graded.\n  What happened: {record['load_error']}"
        if record.get("load_error") else "")
    return f'<div class="problem"><pre>{html.escape(loading)}</pre></div>' if loading else ""


def student_page(assignment_name, record, row, policy=LatePolicy()):
    """One student's feedback page, from the submission's record and the student's CSV row."""
    who = [("student", row["name"] or row["submission"]), ("SID", row["sid"]), ("email", row["email"])]
    if row["group"]:
        who.append(("group", row["group"]))
    who.append(("submission", row["submission"]))
    if row["submitted_at"]:
        late = f" ({row['hours_late']} h late)" if row["hours_late"] not in ("", "0") else ""
        who.append(("submitted", row["submitted_at"] + late))
    who += deadline_facts(row, policy)
    parts = [f"<h1>{html.escape(assignment_name)}: feedback for {html.escape(row['name'] or row['submission'])}</h1>",
             problem_block(record), facts([(key, value) for key, value in who if value])]
    feedback = record.get("feedback")
    if record.get("error") or not feedback:
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
    return page(f"{assignment_name}: feedback", "\n".join(filter(None, parts)))


def students_table(students):
    """The students' rows, (CSV row, page) each, sortable by any column (``SORT_SCRIPT``); a row
    with an error is marked."""
    head = "".join(f'<th><button type="button">{html.escape(label)}</button></th>' for _, label in INDEX_COLUMNS)
    body = []
    for row, link in students:
        cells = []
        for column, _ in INDEX_COLUMNS:
            text = row[column]
            if column == "name":
                cells.append(f'<td><a href="{html.escape(link)}">{html.escape(text or row["submission"])}</a></td>')
            elif column == "error":
                cut = text if len(text) <= ERROR_CHARACTERS else text[:ERROR_CHARACTERS - 3] + "..."
                cells.append(f'<td class=error title="{html.escape(text)}">{html.escape(cut)}</td>')
            else:
                cells.append(f'<td{" class=number" if column in NUMBER_COLUMNS else ""}>{html.escape(text)}</td>')
        body.append(f'<tr{" class=problem" if row["error"] else ""}>' + "".join(cells) + "</tr>")
    return (f'<table class="sortable compact">\n<thead><tr>{head}</tr></thead>\n<tbody>\n' + "\n".join(body)
            + "\n</tbody>\n</table>")


def common_failures(summary):
    """The most common failing minimal examples of each function, a few lines each."""
    parts = []
    for function in summary.functions:
        if not summary.common_failures[function]:
            continue
        items = []
        for count, check, example, message in summary.common_failures[function]:
            said = f"<br>&rarr; {html.escape(message)}" if message and not example.startswith("(no example") else ""
            items.append(f"<li>{count} &times; {html.escape(check)}<pre>{html.escape(short_example(example))}</pre>"
                         f"{said}</li>")
        parts.append(f"<h3>{html.escape(function)}</h3>\n<ul>\n" + "\n".join(items) + "\n</ul>")
    return parts


def set_apart(summary, stale_students):
    """Lateness, extensions, the rows that could not be graded or loaded, and the stale rows (a
    table of ``stale_students``, as ``students_table``)."""
    sections = []
    if summary.policy.due is not None:
        sections.append(("Late", summary.policy.describe(),
                         [f"{i} ({who}): {hours:.1f} h late" for i, who, hours in summary.late]))
    if summary.extended:
        sections.append(("Extensions", "", [f"{i} ({who}): {e.describe()}" for i, who, e in summary.extended]))
    problems = ([f"{i}: could not be loaded: {why}" for i, why in summary.unloadable]
                + [f"{i}: not graded: {why}" for i, why in summary.errors])
    if problems:
        sections.append(("Could not be graded or loaded", "", problems))
    if summary.stale:
        sections.append(("Graded with another autograder", stale_line(summary), summary.stale))
    if summary.dated_by_file:
        sections.append(("Dated by their file's modification time (no Gradescope metadata)", "",
                         summary.dated_by_file))
    parts = []
    for title, said, items in sections:
        parts.append(f"<h2>{html.escape(title)}</h2>" + (f"<p>{html.escape(said)}</p>" if said else ""))
        if title.startswith("Graded with another") and stale_students:
            parts.append(students_table(stale_students))
        elif items:
            parts.append("<ul>\n" + "\n".join(f"<li>{html.escape(item)}</li>" for item in items) + "\n</ul>")
    return parts


def index_page(assignment_name, summary, histogram, students):
    """The class's page: the students' table beside the histogram (PNG bytes, embedded) and the pass
    rates; then the most common failures and the rows set apart (``summary``: ``class_summary.Summary``).
    ``students``: (CSV row, page) of every student; those graded by another autograder than the
    summary's are listed apart."""
    current = [(row, link) for row, link in students if row["autograder"] == summary.identity]
    stale = [(row, link) for row, link in students if row["autograder"] != summary.identity]
    image = base64.b64encode(histogram).decode("ascii")
    graded = len(summary.rows)
    lead = (f"{graded} graded submission{'s' if graded != 1 else ''} ({summary.students} students)"
            + (f", {len(summary.unloadable)} of them could not be loaded" if summary.unloadable else "")
            + (f"; {len(summary.errors)} not graded" if summary.errors else "")
            + (f"; {len(summary.late)} late" if summary.policy.due is not None else "") + ". "
            + totals_line(summary).replace("total: ", "Totals: "))
    parts = [f"<h1>{html.escape(assignment_name)}: class results</h1>", f"<p>{html.escape(lead)}</p>"]
    if summary.stale:
        parts.append(f'<div class="problem"><p>{html.escape(stale_line(summary))} (listed below).</p></div>')
    parts += ['<div class="top">\n<section>',
              '<h2>Students</h2><p class="compact">Click a column\'s name to sort by it; a name opens the '
              "student's page.</p>", students_table(current), "</section>\n<aside>",
              f'<img alt="histogram of the totals" width="640" height="400" src="data:image/png;base64,{image}">',
              "<h2>Per function</h2>", table(function_rows(summary), "compact"), "</aside>\n</div>"]
    failures = common_failures(summary)
    if failures:
        parts += ["<h2>Most common failures (submissions, check, smallest input)</h2>", *failures]
    parts += set_apart(summary, stale)
    return page(f"{assignment_name}: class results", "\n".join(parts), script=SORT_SCRIPT, wide=True)


def write_pages(assignment_name, out, summary, histogram):
    """Write ``<OUT stem>.feedback/index.html`` and one page per student of CSV ``out``'s records
    (``summary`` of them, its ``policy`` for lateness); return the folder. Pages of an earlier run
    are replaced."""
    folder = pages_path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.html"):
        old.unlink()
    records = read_records(out)
    functions = next(iter(records.values()))["functions"] if records else []
    students, taken = [], set()
    for identifier in sorted(records):
        for row in student_rows(records[identifier], functions, summary.policy):
            name = _file_name(row, taken)
            (folder / name).write_text(student_page(assignment_name, records[identifier], row, summary.policy),
                                       encoding="utf-8")
            students.append((row, name))
    (folder / "index.html").write_text(index_page(assignment_name, summary, histogram, students),
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
