"""Class results from a synthetic Gradescope export: one CSV row per student (a group), lateness and
the late penalty, regrades (by identifier and of stale rows), and the feedback pages, rendered in a
real headless browser (Chromium) and read as a student reads them."""

import io
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
import zipfile
from datetime import datetime, timezone
from html.parser import HTMLParser

import pytest
from conftest import CORPUS, REFERENCE, ROOT

from autograder.instructor import bulk, class_pages, class_submissions, class_summary
from autograder.instructor.lateness import LatenessError, LatePenalty, parse_due
from autograder.instructor.patching import apply_patch

FUNCTIONS = ["conv1d"]  # one function keeps the grading short; the machinery is the same for all
DUE = "2026-11-20T23:59:00-08:00"
PENALTY = "10%/day,max=50%"
GROUP_NAME = "Alan <b>O'Turing</b> & <script>document.title='pwned'</script>"
RAISED = "<b id=injected>bold</b> & <img src=x>"


def gradescope_metadata(submissions):
    """``submission_metadata.yml`` as Gradescope writes it, from ``{folder: (submitters, created_at, more)}``;
    submitters are (name as YAML, SID, email), ``more`` the folder's other lines (scores, history)."""
    lines = ["---"]
    for folder, (submitters, created_at, more) in submissions.items():
        lines += [f"{folder}:", "  :submitters:"]
        for name, sid, email in submitters:
            lines += [f"  - :name: {name}", f"    :sid: '{sid}'", f"    :email: {email}"]
        lines += [f"  :created_at: {created_at}", *more]
    return "\n".join(lines) + "\n"


METADATA = gradescope_metadata({
    "submission_2001": ([("Ada Lovelace", "2001", "ada@example.edu")], "2026-11-20 17:01:02.123456000 -08:00",
                        ["  :score: !ruby/object:BigDecimal 18:0.0"]),
    "submission_2002": ([("Grace Hopper", "2002", "grace@example.edu"),
                         (f'"{GROUP_NAME}"', "2003", "alan@example.edu")],
                        "2026-11-22 05:59:00.000000000 -08:00",
                        ["  :history:", "  - :name: an older upload, not a submitter",
                         "    :created_at: 2026-11-20 09:00:00.000000000 -08:00"]),
    "submission_2004": ([('"Zo\\xEB Washburne, whose name is long enough to be\n      wrapped on two lines"', "2004",
                          "zoe@example.edu")], "2026-11-20 23:59:00.000000000 -08:00", []),
})
REFERENCE_SOURCE = REFERENCE.read_text()
STRIDE_BUG = apply_patch(REFERENCE_SOURCE, (CORPUS / "bugs" / "conv1d_stride_ignored.py").read_text())
RAISES = REFERENCE_SOURCE + f"\n\ndef conv1d(x, w, stride=1, padding=0):\n    raise ValueError({RAISED!r})\n"
FILES = {"submission_2001": REFERENCE_SOURCE, "submission_2002": STRIDE_BUG, "submission_2004": RAISES}


def export(path, files):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("assignment_9_export/submission_metadata.yml", METADATA)
        for folder, text in files.items():
            archive.writestr(f"assignment_9_export/{folder}/cnn.py", text)
    return path


@pytest.fixture(scope="module")
def graded(cnn, tmp_path_factory):
    folder = tmp_path_factory.mktemp("class-results")
    out = folder / "grades.csv"
    progress = io.StringIO()
    due, penalty = parse_due(DUE), LatePenalty.parse(PENALTY)
    result = bulk.grade_all(cnn, export(folder / "export.zip", FILES), out, FUNCTIONS, jobs=2, timeout=300,
                            progress=progress, due=due, penalty=penalty)
    summary = class_summary.summarize(cnn, out, due=due, penalty=penalty, identity=cnn.identity)
    text = class_summary.render_summary(summary)
    histogram = class_summary.write_histogram(summary, bulk.histogram_path(out))
    pages = class_pages.write_pages(cnn.name, out, text, histogram.read_bytes(), due, penalty)
    return out, result, progress.getvalue(), text, pages


def rows_by_sid(out):
    return {row["sid"]: row for row in bulk.read_rows(out)}


@pytest.mark.slow(8)  # grades the class (the ``graded`` fixture)
def test_one_row_per_student_with_the_group_and_lateness(cnn, graded):
    out, result, progress, text, _ = graded
    assert sorted(result.graded) == sorted(FILES)
    with open(out, encoding="utf-8") as file:
        columns = file.readline().strip().split(",")
    assert columns[:5] == ["name", "sid", "email", "total", "conv1d"]
    assert columns[5:] == ["submitted_at", "hours_late", "late_penalty", "total_after_penalty", "submission",
                           "group", "error", "autograder"]
    rows = rows_by_sid(out)
    assert sorted(rows) == ["2001", "2002", "2003", "2004"]
    full = float(cnn.points["conv1d"])
    ada, grace, alan, zoe = rows["2001"], rows["2002"], rows["2003"], rows["2004"]
    assert (ada["name"], ada["email"], float(ada["total"])) == ("Ada Lovelace", "ada@example.edu", full)
    assert alan["name"] == GROUP_NAME and zoe["name"].startswith("Zo\xeb Washburne, whose name is long enough")
    assert zoe["name"].endswith("wrapped on two lines")
    # the group: one submission, graded once, its score on both members' rows
    assert grace["submission"] == alan["submission"] == "submission_2002"
    assert grace["group"] == alan["group"] == f"Grace Hopper; {GROUP_NAME}"
    assert ada["group"] == "" and 0 < float(grace["total"]) == float(alan["total"]) < full
    # lateness: 30 h after the deadline is 2 started days, 20% of the earned points, in their own columns
    assert float(grace["hours_late"]) == 30 and float(ada["hours_late"]) == 0 == float(zoe["hours_late"])
    assert float(grace["late_penalty"]) == pytest.approx(0.2 * float(grace["total"]))
    assert float(grace["total_after_penalty"]) == pytest.approx(0.8 * float(grace["total"]))
    assert ada["late_penalty"] == "0" and ada["total_after_penalty"] == ada["total"]
    assert float(zoe["total"]) == 0 and zoe["error"] == ""  # raising is wrong, not a grading error
    assert {row["autograder"] for row in rows.values()} == {cnn.identity}
    assert "Summary of 3 graded submissions (4 students)" in text
    assert "late: 1 submission after 2026-11-20T23:59:00-08:00" in text and "submission_2002: 30.0 h late" in text
    assert "modification time" not in text and "older autograder" not in text
    lines = [line for line in progress.splitlines() if line.startswith("[")]
    assert len(lines) == 3 and re.search(r"/min, about \d+ (s|min) left$", lines[0]) and lines[-1].endswith("done")


def test_regrade_one_submission_replaces_its_rows(cnn, graded, tmp_path):
    out = tmp_path / "grades.csv"
    for path in (graded[0], bulk.results_path(graded[0])):
        shutil.copy(path, tmp_path / path.name)
    before = rows_by_sid(out)
    fixed = export(tmp_path / "export.zip", {**FILES, "submission_2004": REFERENCE_SOURCE})
    progress = io.StringIO()
    result = bulk.grade_all(cnn, fixed, out, FUNCTIONS, progress=progress, due=parse_due(DUE),
                            penalty=LatePenalty.parse(PENALTY), regrade="zoe@example.edu")
    assert result.graded == ["submission_2004"] and len(result.skipped) == 2
    after = rows_by_sid(out)
    assert len(bulk.read_rows(out)) == 4  # replaced, not added
    assert float(after["2004"]["total"]) == float(cnn.points["conv1d"]) > float(before["2004"]["total"])
    assert {k: after[k] for k in ("2001", "2002", "2003")} == {k: before[k] for k in ("2001", "2002", "2003")}
    assert len(bulk.results_path(out).read_text().splitlines()) == 4  # every record kept, the last one counts


def test_stale_rows_are_reported_and_regraded(cnn, graded, tmp_path):
    out = tmp_path / "grades.csv"
    shutil.copy(graded[0], out)
    records = bulk.read_records(graded[0])
    records["submission_2001"]["autograder"] = "0123456789ab"  # as if graded before the checks changed
    bulk.results_path(out).write_text("".join(json.dumps(r) + "\n" for r in records.values()))
    identity = cnn.identity
    text = class_summary.render_summary(class_summary.summarize(cnn, out, identity=identity))
    assert "1 row was graded with an older autograder: REGRADE=stale to refresh" in text
    result = bulk.grade_all(cnn, export(tmp_path / "export.zip", FILES), out, FUNCTIONS, progress=io.StringIO(),
                            regrade="stale")
    assert result.graded == ["submission_2001"]
    assert bulk.stale_rows(bulk.read_records(out), identity) == 0
    assert rows_by_sid(out)["2001"]["autograder"] == identity


# -- the pages, in a real browser ---------------------------------------------------------------------

def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    if os.environ.get("CI"):  # never counted as passing where the browser should be
        pytest.fail("Chromium is missing (.ci/run installs it with apt-get)")
    pytest.skip("Chromium is not installed (apt-get install chromium)")


def render(page, tmp_path):
    """The DOM of ``page`` after Chromium loaded it (headless, fresh profile, no network)."""
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp_path / ('profile-' + uuid.uuid4().hex)}", "--dump-dom", page.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "<body" in done.stdout, done.stderr[-2000:]
    return done.stdout


class Reader(HTMLParser):
    """The text a reader sees (not style or title), the elements and the images of a rendered DOM."""

    def __init__(self, dom):
        super().__init__()
        self.text, self.tags, self.images, self.title, self._skip = [], [], [], "", 0
        self.feed(dom)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "img":
            self.images.append(dict(attrs).get("src", ""))
        self._skip += tag in ("style", "title", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "title", "script")

    def handle_data(self, data):
        if self.tags and self.tags[-1][0] == "title":
            self.title += data
        if not self._skip:
            self.text.append(data)

    @property
    def words(self):
        return " ".join(" ".join(self.text).split())


def words(text):
    return " ".join(text.split())


def test_student_pages_read_as_on_gradescope(graded, tmp_path):
    out, _, _, _, pages = graded
    records = bulk.read_records(out)
    names = [p.name for p in class_pages.page_files(out)]
    assert names == ["submission_2001-2001.html", "submission_2002-2002.html", "submission_2002-2003.html",
                     "submission_2004-2004.html"]
    alan = Reader(render(pages / "submission_2002-2003.html", tmp_path))
    feedback = records["submission_2002"]["feedback"]
    assert f"feedback for {GROUP_NAME}" in alan.words  # escaped: read as written, not run
    assert f"group Grace Hopper; {GROUP_NAME}" in alan.words and "submitted 2026-11-22T05:59:00-08:00 (30 h late)" \
        in alan.words
    assert "function result checks passed points" in alan.words and "conv1d ✗ failed" in alan.words
    total, possible = feedback["table"][-1][-1].split("/")
    assert f"Total: {total}/{possible}, minus" in alan.words
    assert "What went wrong (each with the smallest input found):" in alan.words
    assert feedback["failures"] and all(words(text) in alan.words for text in feedback["failures"])
    assert "Smallest input on which it goes wrong: " in alan.words and "stride = 2" in alan.words
    assert f"(Hypothesis seed {feedback['seed']}: the same file always gets the same result.)" in alan.words
    zoe = Reader(render(pages / "submission_2004-2004.html", tmp_path))
    assert f"conv1d raised ValueError: {RAISED}" in zoe.words  # the student's exception text, as text
    assert "Zo\xeb Washburne" in zoe.words
    for reader in (alan, zoe):
        assert {tag for tag, _ in reader.tags} <= {"html", "head", "meta", "title", "style", "body", "h1", "h2",
                                                   "p", "table", "tr", "th", "td", "pre", "tbody"}
        assert not any(attrs.get("id") == "injected" for _, attrs in reader.tags)
        assert reader.title.strip() == "cnn: feedback"  # no script of a student's ran


def test_pages_hold_no_reference_or_hidden_test_source(graded):
    out, *_ = graded
    body = "\n".join(re.findall(r"# BEGIN SOLUTION\n(.*?)# END SOLUTION", REFERENCE_SOURCE, re.S))
    hidden_tests = (ROOT / "solutions" / "cnn" / "grading.py").read_text()
    lines = {line.strip() for line in (body + "\n" + hidden_tests).splitlines()
             if len(line.strip()) > 30 and not line.strip().startswith(("#", '"', "'"))}  # titles are shown
    assert len(lines) > 20
    for page in [*class_pages.page_files(out), bulk.pages_path(out) / "index.html"]:
        text = page.read_text()
        assert not [line for line in lines if line in text], page.name


def test_class_index_page(cnn, graded, tmp_path):
    out, _, _, text, pages = graded
    index = Reader(render(pages / "index.html", tmp_path))
    assert words(text) in index.words  # the whole summary
    assert len(index.images) == 1 and index.images[0].startswith("data:image/png;base64,")
    links = [attrs["href"] for tag, attrs in index.tags if tag == "a"]
    assert links == [p.name for p in class_pages.page_files(out)]
    assert f"Ada Lovelace 2001 ada@example.edu {float(cnn.points['conv1d']):g} 0 0" in index.words
    assert not [attrs for tag, attrs in index.tags if tag in ("script", "link", "iframe")]


# -- the rules and the command line ---------------------------------------------------------------------

def test_late_penalty_rule():
    rule = LatePenalty.parse("10%/day, max=50%")
    assert (rule.percent(0), rule.percent(0.01), rule.percent(24), rule.percent(24.5), rule.percent(200)) == \
        (0, 10, 10, 20, 50)
    assert LatePenalty.parse("2.5%/hour").percent(3.2) == 10 and LatePenalty.parse("").percent(99) == 0
    for bad in ("10%", "10%/week", "ten%/day", "10%/day,max=150%", "-5%/day"):
        with pytest.raises(LatenessError):
            LatePenalty.parse(bad)
    assert parse_due("2026-11-20T23:59Z") == datetime(2026, 11, 20, 23, 59, tzinfo=timezone.utc)
    for bad in ("2026-11-20T23:59", "tomorrow"):
        with pytest.raises(LatenessError):
            parse_due(bad)


def test_folder_submissions_are_dated_by_their_file(tmp_path):
    (tmp_path / "ada").mkdir()
    (tmp_path / "ada" / "cnn.py").write_text("")
    os.utime(tmp_path / "ada" / "cnn.py", (0, 1_700_000_000))
    [ada] = class_submissions.find_submissions(tmp_path, "cnn", tmp_path / "work")
    assert ada.submitted_at == datetime.fromtimestamp(1_700_000_000, timezone.utc)
    assert ada.dated_by == class_submissions.FILE_TIME
    with zipfile.ZipFile(tmp_path / "class.zip", "w") as archive:  # a zip keeps the time the file had
        archive.writestr(zipfile.ZipInfo("class/bea/cnn.py", date_time=(2026, 11, 20, 12, 30, 0)), "")
    [bea] = class_submissions.find_submissions(tmp_path / "class.zip", "cnn", tmp_path / "work")
    assert bea.submitted_at == datetime(2026, 11, 20, 12, 30).astimezone(timezone.utc)


@pytest.mark.parametrize("args, words", [
    (["--due", "2026-11-20T23:59"], "has no time zone"),
    (["--due", "2026-11-20T23:59Z", "--late-penalty", "10%/week"], "LATE_PENALTY='10%/week' is not a rule"),
    (["--late-penalty", "10%/day"], "LATE_PENALTY needs DUE"),
    (["--regrade", "nobody@example.edu"], "REGRADE: no submission, SID or email 'nobody@example.edu'"),
])
def test_bad_options_are_one_error_line(tmp_path, args, words):
    export(tmp_path / "export.zip", FILES)
    done = subprocess.run([sys.executable, "-m", "autograder", "grade-all", tmp_path / "export.zip", "--output",
                           tmp_path / "grades.csv", "--functions", "conv1d", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.startswith("error: ") and words in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not (tmp_path / "grades.results.jsonl").exists()
