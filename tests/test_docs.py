"""The documentation holds together: README.md is the front door and docs/*.md the rest.

README.md opens with the two commands that set up a fresh machine; every page of docs/ is linked
from it and opens with a title and a summary paragraph; every relative link in these pages, with or
without ``#anchor``, reaches a file of the repository, and every anchor a heading of its target
(GitHub's slugs). Pure file reading: no command is run.
"""

import re

import pytest
from conftest import ROOT

README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
FENCED = re.compile(r"^```.*?^```", re.M | re.S)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
EXTERNAL = ("http://", "https://", "mailto:")


def prose(text):
    """``text`` without fenced code blocks and code spans, where brackets are code, not links."""
    return CODE_SPAN.sub("", FENCED.sub("", text))


def links(path):
    """The link targets written in the page at ``path``, in order."""
    return LINK.findall(prose(path.read_text()))


def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation but '-' and '_' dropped, spaces to '-'."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path):
    """Every anchor of the page at ``path``; a repeated heading's gets -1, -2, ... as on GitHub."""
    seen = {}
    for heading in HEADING.findall(FENCED.sub("", path.read_text())):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        yield base if count == 0 else f"{base}-{count}"


def test_readme_opens_with_the_two_commands():
    lines = README.read_text().splitlines()
    assert lines[0].startswith("# ") and lines[1] == ""
    assert lines[2] == "```sh" and lines[5] == "```"
    assert lines[3].split("#")[0].split() == ["make", "demo"]
    assert lines[4].split("#")[0].split() == ["make", "test"]


def test_slugs_follow_githubs_rules():
    assert slug("The instructor's week") == "the-instructors-week"
    assert slug("`make grade`: Gradescope's path on this machine") == "make-grade-gradescopes-path-on-this-machine"
    assert slug("Not defended (known limits)") == "not-defended-known-limits"
    assert slug("snake_case and-dashes") == "snake_case-and-dashes"


def test_links_are_found_outside_code_only():
    text = "[a](one.md) `[b](two.md)` x[0](y)\n```\n[c](three.md)\n```\n[d](four.md#e)"
    assert LINK.findall(prose(text)) == ["one.md", "y", "four.md#e"]


def test_every_docs_page_is_linked_from_the_readme_and_opens_with_a_summary():
    linked = {(README.parent / target.split("#")[0]).resolve() for target in links(README)}
    for page in PAGES[1:]:
        assert page.resolve() in linked, f"{page.name} is not in the README's Documentation list"
        title, blank, summary = page.read_text().split("\n", 3)[:3]
        assert title.startswith("# ") and blank == "" and summary.strip(), page.name


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_relative_link_and_anchor_exists(page):
    targets = [target for target in links(page) if not target.startswith(EXTERNAL)]
    assert targets, f"{page.name} links to nothing"
    for target in targets:
        file, _, anchor = target.partition("#")
        reached = (page.parent / file).resolve() if file else page
        assert reached.exists(), f"{page.name}: {target} reaches no file"
        assert reached.is_relative_to(ROOT), f"{page.name}: {target} leaves the repository"
        if anchor:
            assert reached.suffix == ".md", f"{page.name}: {target} has an anchor in a file that is not markdown"
            assert anchor in set(anchors(reached)), f"{page.name}: {target} names no heading of {reached.name}"
