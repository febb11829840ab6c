"""Class results from a synthetic Gradescope export: one CSV row per student (a group), lateness,
extensions and the late penalty, a load failure and a damaged member explained in their rows,
regrades (by identifier and of stale rows, which the summary sets apart), and the feedback pages,
rendered in a real headless browser (Chromium) and read, measured and sorted as people use them."""

import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
import zipfile
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest
from conftest import CORPUS, REFERENCE, ROOT
from synthetic_class import gradescope_metadata, write_export

from autograder.core.feedback import seed_line
from autograder.instructor import bulk, class_pages, class_submissions, class_summary
from autograder.instructor.lateness import LatenessError, LatePenalty, LatePolicy, parse_due, read_extensions
from autograder.instructor.patching import apply_patch

FUNCTIONS = ["conv1d"]  # one function keeps the grading short; the machinery is the same for all
DUE = "2026-11-20T23:59:00-08:00"
PENALTY = "10%/day,max=50%"
GROUP_NAME = "Alan <b>O'Turing</b> & <script>document.title='pwned'</script>"
RAISED = "<b id=injected>bold</b> & <img src=x>"
EXTENSIONS = "student,extension\n2003,48h\nzoe@example.edu, 2026-11-21T12:00-08:00\n"  # Alan: 48 h; Zoe: a new time

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
    "submission_2005": ([("Lin Loader", "2005", "lin@example.edu")], "2026-11-20 10:00:00.000000000 -08:00", []),
    "submission_2006": ([("Cor Rupt", "2006", "cor@example.edu")], "2026-11-21 10:00:00.000000000 -08:00", []),
})
REFERENCE_SOURCE = REFERENCE.read_text()
STRIDE_BUG = apply_patch(REFERENCE_SOURCE, (CORPUS / "bugs" / "conv1d_stride_ignored.py").read_text())
RAISES = REFERENCE_SOURCE + f"\n\ndef conv1d(x, w, stride=1, padding=0):\n    raise ValueError({RAISED!r})\n"
LOAD_FAILURE = "print('training on the digits...')\nimport numpy as np\n\ndata = np.load('digits.npz')\n"
FILES = {"submission_2001": REFERENCE_SOURCE, "submission_2002": STRIDE_BUG, "submission_2004": RAISES,
         "submission_2005": LOAD_FAILURE, "submission_2006": REFERENCE_SOURCE}
DAMAGED = "submission_2006/cnn.py"  # its data garbled in the zip: that submission only is not graded


def export(path, files):
    return write_export(path, METADATA, {f"{folder}/cnn.py": text for folder, text in files.items()}, [DAMAGED])


def late_policy(tmp_path):
    (tmp_path / "extensions.csv").write_text(EXTENSIONS)
    due = parse_due(DUE)
    return LatePolicy(due, LatePenalty.parse(PENALTY), read_extensions(tmp_path / "extensions.csv", due))


@pytest.fixture(scope="module")
def graded(cnn, tmp_path_factory):
    folder = tmp_path_factory.mktemp("class-results")
    out = folder / "grades.csv"
    progress = io.StringIO()
    policy = late_policy(folder)
    result = bulk.grade_all(cnn, export(folder / "export.zip", FILES), out, FUNCTIONS, jobs=2, timeout=300,
                            progress=progress, policy=policy)
    summary = class_summary.summarize(cnn, out, policy=policy)
    text = class_summary.render_summary(summary)
    histogram = class_summary.write_histogram(summary, bulk.histogram_path(out))
    pages = class_pages.write_pages(cnn.name, out, summary, histogram.read_bytes())
    return out, result, progress.getvalue(), text, pages


def rows_by_sid(out):
    return {row["sid"]: row for row in bulk.read_rows(out)}


@pytest.mark.slow(8)  # grades the class (the ``graded`` fixture)
def test_one_row_per_student_with_the_group_lateness_and_extensions(cnn, graded):
    out, result, progress, text, _ = graded
    assert sorted(result.graded) == sorted(FILES)
    with open(out, encoding="utf-8") as file:
        columns = file.readline().strip().split(",")
    assert columns[:5] == ["name", "sid", "email", "total", "conv1d"]
    assert columns[5:] == ["submitted_at", "extension", "hours_late", "late_penalty", "total_after_penalty",
                           "submission", "group", "error", "autograder"]
    rows = rows_by_sid(out)
    assert sorted(rows) == ["2001", "2002", "2003", "2004", "2005", "2006"]
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
    # Alan's 48 h extension: the same upload is on time for him, and costs him nothing
    assert (alan["extension"], grace["extension"]) == ("2026-11-22T23:59:00-08:00", "")
    assert float(alan["hours_late"]) == 0 and alan["late_penalty"] == "0" and alan["total_after_penalty"] == \
        alan["total"]
    assert zoe["extension"] == "2026-11-21T12:00:00-08:00"
    assert float(zoe["total"]) == 0 and zoe["error"] == ""  # raising is wrong, not a grading error
    # every row says why it has no points: the file that would not load, the member the zip garbled
    lin, cor = rows["2005"], rows["2006"]
    assert float(lin["total"]) == 0
    assert lin["error"] == "could not be loaded: FileNotFoundError: [Errno 2] No such file or directory: 'digits.npz'"
    assert cor["total"] == "" and cor["error"].startswith(f"{DAMAGED} cannot be read from the zip (")
    assert float(cor["hours_late"]) == 10.02  # known, though it could not be graded
    assert {row["autograder"] for row in rows.values()} == {cnn.identity}
    assert "Summary of 4 graded submissions (5 students) (1 could not be graded)" in text
    assert "late: 2 students after their deadline (due 2026-11-20T23:59:00-08:00; late penalty: 10% of" in text
    late = text.split("late: ")[1].split("extensions: ")[0]
    assert "submission_2002 (Grace Hopper): 30.0 h late" in late and "O'Turing" not in late
    assert "submission_2002 (Alan <b>O'Turing</b>" in text and "extension to 2026-11-22T23:59:00-08:00 (48 h)" in text
    assert "could not be loaded: submission_2005: FileNotFoundError" in text
    assert f"not graded: submission_2006: {DAMAGED} cannot be read" in text
    assert "modification time" not in text and "another autograder" not in text
    lines = [line for line in progress.splitlines() if line.startswith("[")]
    assert len(lines) == 5 and "submission_2006  error: " in lines[0]  # no file to grade: reported first
    assert re.search(r"/min, about \d+ (s|min) left$", lines[1]) and lines[-1].endswith("done")


def test_regrade_one_submission_replaces_its_rows(cnn, graded, tmp_path):
    out = tmp_path / "grades.csv"
    for path in (graded[0], bulk.results_path(graded[0])):
        shutil.copy(path, tmp_path / path.name)
    before = rows_by_sid(out)
    fixed = export(tmp_path / "export.zip", {**FILES, "submission_2004": REFERENCE_SOURCE})
    progress = io.StringIO()
    result = bulk.grade_all(cnn, fixed, out, FUNCTIONS, progress=progress, policy=late_policy(tmp_path),
                            regrade="zoe@example.edu")
    assert result.graded == ["submission_2004"] and len(result.skipped) == len(FILES) - 1
    after = rows_by_sid(out)
    assert len(bulk.read_rows(out)) == 6  # replaced, not added
    assert float(after["2004"]["total"]) == float(cnn.points["conv1d"]) > float(before["2004"]["total"])
    others = set(before) - {"2004"}
    assert {k: after[k] for k in others} == {k: before[k] for k in others}
    assert len(bulk.results_path(out).read_text().splitlines()) == len(FILES) + 1  # every record kept


def test_stale_rows_are_set_apart_until_regraded(cnn, graded, tmp_path):
    """After a change of checks or points, the rows graded before are in none of the figures (no
    mean of new maxima and old points), listed apart on the index, until REGRADE=stale."""
    out = tmp_path / "grades.csv"
    shutil.copy(graded[0], out)
    records = bulk.read_records(graded[0])
    old = records["submission_2001"]
    old["autograder"], old["points"] = "0123456789ab", {"conv1d": 40.0}  # graded when conv1d was worth 40
    bulk.results_path(out).write_text("".join(json.dumps(r) + "\n" for r in records.values()))
    summary = class_summary.summarize(cnn, out)
    assert summary.stale == ["submission_2001"] and "submission_2001" not in [r["submission"] for r in summary.rows]
    assert max(summary.totals) <= summary.total_possible and summary.full_marks["conv1d"] == 0
    text = class_summary.render_summary(summary)
    assert "1 student row was graded with another autograder and is left out of these figures: REGRADE=stale " \
           "grades it again: submission_2001" in text
    assert "0/3 (0%)" in text  # the three graded by this autograder, none of them with full marks
    pages = class_pages.write_pages(cnn.name, out, summary, b"")
    index = (pages / "index.html").read_text()
    top, apart = index.split("<h2>Graded with another autograder</h2>")
    assert "Ada Lovelace" not in top and "Ada Lovelace" in apart
    result = bulk.grade_all(cnn, export(tmp_path / "export.zip", FILES), out, FUNCTIONS, progress=io.StringIO(),
                            regrade="stale")
    assert result.graded == ["submission_2001"]
    assert bulk.stale_rows(bulk.read_records(out), cnn.identity) == 0
    assert rows_by_sid(out)["2001"]["autograder"] == cnn.identity
    assert class_summary.summarize(cnn, out).stale == []


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


class Browser:
    """Headless Chromium driven over its DevTools pipe (``--remote-debugging-pipe``): a page opened
    at a laptop's screen size, JavaScript run in it (as DevTools runs it: the page's own policy
    does not apply) and its answers read back. So the layout is measured, not guessed from the HTML."""

    def __init__(self, tmp_path, width=1366, height=768):
        import fcntl

        commands, self._commands = os.pipe()  # Chromium reads its commands on fd 3 ...
        self._answers, answers = os.pipe()  # ... and writes its answers on fd 4
        commands, answers = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (commands, answers))  # clear of 3 and 4

        def to_3_and_4():
            os.dup2(commands, 3)
            os.dup2(answers, 4)

        self.process = subprocess.Popen(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--remote-debugging-pipe",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / ('profile-' + uuid.uuid4().hex)}", f"--window-size={width},{height}",
             "about:blank"], pass_fds=(3, 4), preexec_fn=to_3_and_4, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        for fd in (commands, answers):
            os.close(fd)
        self._buffer, self._last = b"", 0
        page = next(t for t in self._send("Target.getTargets")["targetInfos"] if t["type"] == "page")
        self._session = self._send("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
        self._send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                   mobile=False, session=True)

    def _send(self, method, session=False, **params):
        import select

        self._last += 1
        message = {"id": self._last, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + 60
        while True:
            while b"\0" not in self._buffer:
                ready, _, _ = select.select([self._answers], [], [], max(0.0, deadline - time.monotonic()))
                chunk = os.read(self._answers, 1 << 16) if ready else b""
                assert chunk, f"Chromium did not answer {method}"
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            answer = json.loads(raw)
            if answer.get("id") == self._last:
                assert "error" not in answer, answer["error"]
                return answer["result"]

    def open(self, page):
        self._send("Page.navigate", url=page.as_uri(), session=True)
        deadline = time.monotonic() + 60
        while self.run("document.readyState") != "complete" or self.run("document.URL") != page.as_uri():
            assert time.monotonic() < deadline, f"{page} did not load"
            time.sleep(0.05)
        return self

    def run(self, expression):
        """The value of JavaScript ``expression`` in the open page (JSON-like values)."""
        answer = self._send("Runtime.evaluate", expression=expression, returnByValue=True, session=True)
        assert "exceptionDetails" not in answer, answer["exceptionDetails"]
        return answer["result"].get("value")

    def close(self):
        try:
            self._send("Browser.close")
        finally:
            for fd in (self._commands, self._answers):
                os.close(fd)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def browser(tmp_path):
    opened = Browser(tmp_path)
    yield opened
    opened.close()


def test_student_pages_read_as_on_gradescope(graded, tmp_path):
    out, _, _, _, pages = graded
    records = bulk.read_records(out)
    names = [p.name for p in class_pages.page_files(out)]
    assert names == ["submission_2001-2001.html", "submission_2002-2002.html", "submission_2002-2003.html",
                     "submission_2004-2004.html", "submission_2005-2005.html", "submission_2006-2006.html"]
    alan = Reader(render(pages / "submission_2002-2003.html", tmp_path))
    feedback = records["submission_2002"]["feedback"]
    assert f"feedback for {GROUP_NAME}" in alan.words  # escaped: read as written, not run
    assert f"group Grace Hopper; {GROUP_NAME}" in alan.words and "submitted 2026-11-22T05:59:00-08:00" in alan.words
    assert "function result checks passed points" in alan.words and "conv1d ✗ failed" in alan.words
    total, possible = feedback["table"][-1][-1].split("/")
    assert f"Total: {total}/{possible} " in alan.words + " " and "for lateness" not in alan.words
    assert "What went wrong (each with the smallest input found):" in alan.words
    assert feedback["failures"] and all(words(text) in alan.words for text in feedback["failures"])
    assert "conv1d(x=[0, 1, 0, 1, 1], w=[-1, 1], stride=2)" in alan.words  # the worked example it fails first,
    assert "The same in 6 more checks" in alan.words  # and its other checks failing the same way, named once
    assert words(seed_line(feedback["seed"])) in alan.words
    # the late rule and each student's own deadline: Alan's extension makes the group's upload on time for him
    rule = "late rule 10% of the earned points per started day late, at most 50%"
    assert "due 2026-11-22T23:59:00-08:00 (your extension of 48 h; the class's deadline is " \
           "2026-11-20T23:59:00-08:00) " + rule in alan.words and "h late" not in alan.words
    grace = Reader(render(pages / "submission_2002-2002.html", tmp_path))
    assert "submitted 2026-11-22T05:59:00-08:00 (30 h late) due 2026-11-20T23:59:00-08:00 " + rule in grace.words
    assert f"Total: {total}/{possible}, minus" in grace.words
    zoe = Reader(render(pages / "submission_2004-2004.html", tmp_path))
    assert f"conv1d raised ValueError: {RAISED}" in zoe.words  # the student's exception text, as text
    assert "Zo\xeb Washburne" in zoe.words
    for reader in (alan, grace, zoe):
        assert {tag for tag, _ in reader.tags} <= {"html", "head", "meta", "title", "style", "body", "h1", "h2",
                                                   "p", "table", "tr", "th", "td", "pre", "tbody"}
        assert not any(attrs.get("id") == "injected" for _, attrs in reader.tags)
        assert reader.title.strip() == "cnn: feedback"  # no script of a student's ran


def test_a_page_says_first_why_it_has_no_points(graded, tmp_path):
    """The file that would not load: what happened, where, what it printed, at the top of the page,
    as `make grade` says it; the damaged member: what cannot be read, and what to do."""
    _, _, _, _, pages = graded
    lin = Reader(render(pages / "submission_2005-2005.html", tmp_path))
    said = ("Your file could not be loaded, so none of its functions was graded. What happened: FileNotFoundError: "
            "[Errno 2] No such file or directory: 'digits.npz' Where: line 4 of cnn.py")
    assert said in lin.words and "It printed: training on the digits..." in lin.words
    assert lin.words.index(said) < lin.words.index("SID 2005") < lin.words.index("conv1d ✗ not graded")
    cor = Reader(render(pages / "submission_2006-2006.html", tmp_path))
    assert f"This submission could not be graded: {DAMAGED} cannot be read from the zip (" in cor.words
    assert cor.words.index("could not be graded") < cor.words.index("SID 2006")
    assert "download it again" in cor.words


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


def class_of(cnn, graded, folder, size):
    """A class of ``size`` submissions made from the graded records (each record again under new
    names), every graded one failing on a 60-line example: summarised and paged in ``folder``."""
    out = folder / "grades.csv"
    records = list(bulk.read_records(graded[0]).values())
    with open(bulk.results_path(out), "w") as file:
        for number in range(size):
            record = json.loads(json.dumps(records[number % len(records)]))
            record["submission"] = f"submission_{3000 + number}"
            for member, person in enumerate(record["people"]):
                person.update(name=f"Student {number} {member} " + "long name " * (number % 3),
                              sid=str(3000 + number + 1000 * member), email=f"s{number}@example.edu")
            if record.get("points") is not None:  # the most common failure: shown, and cut short
                record["failures"].append({"function": "conv1d", "check": "trains", "status": "failed",
                                           "example": "x_train = [\n" + "  [0.],\n" * 60 + "]", "message": "no"})
            file.write(json.dumps(record) + "\n")
    summary = class_summary.summarize(cnn, out, policy=late_policy(folder))
    histogram = class_summary.histogram_png(summary)
    return class_pages.write_pages("cnn", out, summary, histogram) / "index.html"


MEASURE = """JSON.stringify((() => {
  const table = document.querySelector("table.sortable"), image = document.querySelector("img");
  const failures = [...document.querySelectorAll("h2")].find((h) => h.textContent.startsWith("Most common"));
  return {width: innerWidth, height: innerHeight, scrollWidth: document.documentElement.scrollWidth,
          table: table.getBoundingClientRect().toJSON(), image: image.getBoundingClientRect().toJSON(),
          firstTable: document.querySelector("table") === table,
          failures: failures ? failures.getBoundingClientRect().top : null,
          errorColumn: table.querySelector("thead th:last-child").getBoundingClientRect().width,
          pre: [...document.querySelectorAll("pre")].map((pre) => pre.textContent.split("\\n").length)};
})())"""
COLUMN = "[...document.querySelectorAll('table.sortable tbody tr')].map((row) => row.cells[%d].textContent.trim())"


def test_class_index_fits_a_laptop_screen_and_sorts(cnn, graded, browser, tmp_path):
    """1366 x 768: the students' table first, as wide as the page at most; the histogram on the first
    screen; a readable error column; no minimal example longer than a few lines; sorting by a column."""
    for index in (graded[4] / "index.html", class_of(cnn, graded, tmp_path, 30)):
        seen = json.loads(browser.open(index).run(MEASURE))
        assert seen["width"] == 1366 and seen["height"] == 768
        assert seen["scrollWidth"] <= seen["width"] and seen["table"]["right"] <= seen["width"]
        assert seen["firstTable"] and seen["image"]["bottom"] <= seen["height"] and seen["image"]["width"] >= 300
        assert seen["errorColumn"] >= 150  # words, not a letter a line
        assert seen["failures"] is None or seen["failures"] > seen["table"]["top"]
        assert max(seen["pre"]) <= class_summary.EXAMPLE_LINES + 1
    totals = [float(t) for t in browser.run(COLUMN % 2) if t]
    browser.run("document.querySelectorAll('table.sortable th button')[2].click()")
    ascending = browser.run(COLUMN % 2)
    assert [float(t) for t in ascending if t] == sorted(totals) and ascending[-1] == ""  # no total: last
    browser.run("document.querySelectorAll('table.sortable th button')[2].click()")
    assert [float(t) for t in browser.run(COLUMN % 2) if t] == sorted(totals, reverse=True)
    browser.run("document.querySelectorAll('table.sortable th button')[1].click()")
    sids = browser.run(COLUMN % 1)
    assert sids == sorted(sids, key=int) and len(sids) == 36  # 30 submissions, 6 of them groups of two


def test_class_index_page(cnn, graded, tmp_path):
    out, _, _, text, pages = graded
    index = Reader(render(pages / "index.html", tmp_path))
    assert "cnn: class results 4 graded submissions (5 students), 1 of them could not be loaded; 1 not graded; " \
           "2 late. Totals: mean" in index.words
    assert len(index.images) == 1 and index.images[0].startswith("data:image/png;base64,")
    links = [attrs["href"] for tag, attrs in index.tags if tag == "a"]
    assert links == [p.name for p in class_pages.page_files(out)]
    assert f"Ada Lovelace 2001 {float(cnn.points['conv1d']):g} {float(cnn.points['conv1d']):g} 0" in index.words
    assert "Lin Loader 2005 0 0 0 could not be loaded: FileNotFoundError" in index.words
    problems = [row for row in re.findall(r"<tr( class=problem)?><td><a[^>]*>([^<]*)</a>", (pages / "index.html")
                                          .read_text()) if row[0]]
    assert [name for _, name in problems] == ["Lin Loader", "Cor Rupt"]  # marked
    assert "conv1d 1/4 (25%)" in index.words and "Most common failures" in index.words
    assert "Late due 2026-11-20T23:59:00-08:00" in index.words and "Extensions" in index.words
    assert [attrs for tag, attrs in index.tags if tag in ("script", "link", "iframe")] == [{}]  # the sorter alone
    assert index.title.strip() == "cnn: class results"  # the group's <script> name did not run


# -- the rules and the command line ---------------------------------------------------------------------

def test_late_penalty_rule():
    rule = LatePenalty.parse("10%/day, max=50%")
    assert (rule.percent(0), rule.percent(0.01), rule.percent(24), rule.percent(24.5), rule.percent(200)) == \
        (0, 10, 10, 20, 50)
    assert LatePenalty.parse("2.5%/hour").percent(3.2) == 10 and LatePenalty.parse("").percent(99) == 0
    for bad in ("10%", "10%/week", "ten%/day", "10%/day,max=150%", "-5%/day", "10 percent per day"):
        with pytest.raises(LatenessError, match=re.escape(f"LATE_PENALTY={bad!r}")):  # quoted as given
            LatePenalty.parse(bad)
    assert parse_due("2026-11-20T23:59Z") == datetime(2026, 11, 20, 23, 59, tzinfo=timezone.utc)
    with pytest.raises(LatenessError, match="is not an ISO time"):
        parse_due("tomorrow")


@pytest.mark.parametrize("given, meant", [("2026-11-20T23:59", "2026-11-20T23:59"), ("2026-11-20", "2026-11-20T23:59"),
                                          ("2026-11-20 08:00:30", "2026-11-20T08:00:30")])
def test_a_deadline_without_its_zone_gets_suggestions_that_are_accepted(given, meant):
    with pytest.raises(LatenessError) as raised:
        parse_due(given)
    suggested = re.findall(r"(\S+) \((?:this machine's zone|UTC)\)", str(raised.value))
    assert len(suggested) == 2 and "has no time zone" in str(raised.value)
    for suggestion in suggested:
        assert parse_due(suggestion).replace(tzinfo=None) == datetime.fromisoformat(meant)


def test_extensions_file(tmp_path):
    due = parse_due(DUE)
    extensions = tmp_path / "extensions.csv"
    extensions.write_text("\ufeffSID,extension\n\n2003, 48h\nZoe@Example.edu,2026-11-23T08:00Z\n2007,+2.5 h,\n")
    read = read_extensions(extensions, due)
    assert sorted(read) == ["2003", "2007", "zoe@example.edu"]
    assert read["2003"].due == parse_due("2026-11-22T23:59-08:00") and read["2003"].hours == 48
    assert read["zoe@example.edu"].due == parse_due("2026-11-23T08:00Z") and read["zoe@example.edu"].hours is None
    policy = LatePolicy(due, LatePenalty.parse(PENALTY), read)
    zoe = {"name": "Zoe", "sid": "2004", "email": "zoe@example.edu"}
    assert policy.due_for(zoe) == parse_due("2026-11-23T08:00Z") and policy.due_for({"sid": "9"}) == due
    assert policy.hours_late({"sid": "2007", "email": ""}, due + timedelta(hours=3)) == pytest.approx(0.5)
    for text, words in [("2003,soon\n", "line 1: 'soon' is not an ISO time"),
                        ("2003,48h\n2003,12h\n", "line 2: 2003 has an extension on an earlier line already"),
                        ("2003\n", "line 1: expected two cells"), ("2003,48h,extra\n", "line 1: expected two cells"),
                        ("2003,2026-11-23T08:00\n", "line 1: '2026-11-23T08:00' has no time zone"),
                        ("2003,-5h\n", "line 1: '-5h' is not an ISO time")]:
        extensions.write_text(text)
        with pytest.raises(LatenessError, match=re.escape(words)):
            read_extensions(extensions, due)
    extensions.write_text("2003,48h\n")
    with pytest.raises(LatenessError, match="is hours after DUE, and no DUE was given"):
        read_extensions(extensions, None)
    with pytest.raises(LatenessError, match="no such file"):
        read_extensions(tmp_path / "missing.csv", due)


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
    (["--due", "2026-11-20"], "DUE='2026-11-20' has no time zone; write e.g. 2026-11-20T23:59"),
    (["--due", "2026-11-20T23:59Z", "--late-penalty", "10 percent per day"],
     "LATE_PENALTY='10 percent per day' is not a rule"),
    (["--late-penalty", "10%/day"], "LATE_PENALTY needs DUE"),
    (["--regrade", "nobody@example.edu"], "REGRADE: no submission, SID or email 'nobody@example.edu'"),
    (["--metadata", "yes"], "METADATA='yes': the only value is none"),
    (["--extensions", "{tmp}/extensions.csv"], "line 2: '48h' is hours after DUE, and no DUE was given"),
    (["--due", DUE, "--extensions", "{tmp}/extensions.csv"], "line 3: 'Friday' is not an ISO time with its zone"),
    (["--due", DUE, "--extensions", "{tmp}/unknown.csv"], "EXTENSIONS: no submission by SID or email '9999'"),
])
def test_bad_options_are_one_error_line(tmp_path, args, words):
    export(tmp_path / "export.zip", FILES)
    (tmp_path / "extensions.csv").write_text("sid,extension\n2003,48h\n2004,Friday\n")
    (tmp_path / "unknown.csv").write_text("2003,48h\n9999,24\n")
    done = subprocess.run([sys.executable, "-m", "autograder", "grade-all", tmp_path / "export.zip", "--output",
                           tmp_path / "grades.csv", "--functions", "conv1d",
                           *[arg.format(tmp=tmp_path) for arg in args]],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.startswith("error: ") and words in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not (tmp_path / "grades.results.jsonl").exists()


def test_an_export_without_metadata_is_one_error_line(tmp_path):
    write_export(tmp_path / "export.zip", None, {f"{folder}/cnn.py": text for folder, text in FILES.items()})
    done = subprocess.run([sys.executable, "-m", "autograder", "grade-all", tmp_path / "export.zip", "--output",
                           tmp_path / "grades.csv", "--functions", "conv1d", "--due", DUE],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.startswith("error: ") and len(done.stderr.strip().splitlines()) == 1
    assert "looks like a Gradescope export (5 submission_<id> folders) but has no submission_metadata.yml" in \
        done.stderr and "METADATA=none" in done.stderr and not (tmp_path / "grades.csv").exists()
