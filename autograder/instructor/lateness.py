"""Lateness of a submission, the students' extensions and the late penalty an instructor's rule charges.

- ``parse_due("2026-11-20T23:59-08:00")``: the deadline, an ISO 8601 time that must name its zone
  (a deadline without one would mean different instants on different machines).
- ``LatePenalty.parse("10%/day,max=50%")``: every *started* day (or ``hour``) after the deadline
  costs 10% of the points the submission earned, at most 50% in all. ``0`` or an empty rule: none.
- ``read_extensions("extensions.csv", due)``: one row per student with an extension, ``SID or
  email, extension``, the extension being hours after the deadline (``48`` or ``48h``) or a new
  deadline (an ISO time with its zone); a first row naming the columns is skipped.
- ``LatePolicy`` holds the three together: each student's deadline, hours late and penalty.

The penalty is reported in a column of its own; the raw score is never changed. All of this is
applied to the records at each run, so a new deadline, rule or extension needs no regrading.
"""

import csv
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

PERIOD_HOURS = {"day": 24.0, "hour": 1.0}
_RULE = re.compile(r"^(?P<rate>\d+(?:\.\d+)?)%/(?P<unit>day|hour)(?:,max=(?P<cap>\d+(?:\.\d+)?)%)?$")
RULE_SYNTAX = 'RATE%/day or RATE%/hour, optionally ",max=CAP%", e.g. "10%/day,max=50%"'
_HOURS = re.compile(r"^\+?(?P<hours>\d+(?:\.\d+)?)\s*h?$", re.IGNORECASE)  # "48", "48h", "+2.5 h"


class LatenessError(ValueError):
    """A deadline, penalty rule or extension that cannot be read (reported in one line)."""


def parse_due(text, where=""):
    """The deadline as an aware datetime; ``text`` is ISO 8601 with a zone (``Z`` or ``+hh:mm``).

    ``where`` names the value in a message: the variable ``DUE`` unless said (a line of a file).
    """
    said = f"{where}: {text!r}" if where else f"DUE={text!r}"
    try:
        due = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise LatenessError(f"{said} is not an ISO time with its zone; write e.g. 2026-11-20T23:59-08:00") from None
    if due.tzinfo is None:
        raise LatenessError(f"{said} has no time zone; write e.g. {' or '.join(with_zones(due, text))}")
    return due


def with_zones(naive, text):
    """Deadlines ``parse_due`` accepts for a ``naive`` one: in this machine's zone and in UTC. A date
    alone becomes the last minute of that day (its first minute is rarely meant)."""
    if re.fullmatch(r"\s*\d{4}-?\d\d-?\d\d\s*", text):
        naive = naive.replace(hour=23, minute=59)
    offset = datetime.now().astimezone().strftime("%z")  # e.g. -0800
    stamp = naive.isoformat(timespec="minutes" if not naive.second else "seconds")
    return [f"{stamp}{offset[:3]}:{offset[3:]} (this machine's zone)", f"{stamp}Z (UTC)"]


def hours_late(submitted, due):
    """Hours from ``due`` to ``submitted`` (aware datetimes); 0 when on time."""
    return max(0.0, (submitted - due).total_seconds() / 3600)


@dataclass(frozen=True)
class LatePenalty:
    """``rate`` percent of the earned points per started ``unit`` late, at most ``cap`` percent."""

    rate: float = 0.0
    unit: str = "day"
    cap: float = 100.0

    @classmethod
    def parse(cls, text):
        given = text or ""
        text = given.replace(" ", "").lower()
        if text in ("", "0", "0%", "none"):
            return cls()
        match = _RULE.match(text)
        if not match:
            raise LatenessError(f"LATE_PENALTY={given!r} is not a rule: write {RULE_SYNTAX}")
        rate, cap = float(match["rate"]), float(match["cap"] or 100)
        if rate > 100 or cap > 100:
            raise LatenessError(f"LATE_PENALTY={given!r}: percentages are at most 100%")
        return cls(rate, match["unit"], cap)

    def percent(self, hours):
        """The penalty, in percent of the earned points, for ``hours`` late."""
        periods = math.ceil(hours / PERIOD_HOURS[self.unit] - 1e-9) if hours > 0 else 0
        return min(self.cap, self.rate * periods)

    def describe(self):
        if not self.rate:
            return "no late penalty"
        return f"{self.rate:g}% of the earned points per started {self.unit} late, at most {self.cap:g}%"


@dataclass(frozen=True)
class Extension:
    """One student's extension: their own deadline, and the hours it adds to DUE when given so."""

    due: datetime
    hours: float = None  # None: given as a new deadline

    def describe(self):
        return f"extension to {self.due.isoformat()}" + (f" ({self.hours:g} h)" if self.hours is not None else "")


def read_extensions(path, due):
    """``{SID or email, lower case: Extension}`` from the CSV file at ``path``.

    Each row is ``SID or email, extension``: hours after ``due`` (``48``, ``48h``) or a new
    deadline (ISO with its zone, as ``DUE``). A first row without a digit or an ``@`` names the
    columns and is skipped; empty rows are skipped. A row that cannot be read, or a student named
    twice, raises ``LatenessError`` naming the file and line.
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            rows = list(csv.reader(file))
    except FileNotFoundError:
        raise LatenessError(f"EXTENSIONS={path}: no such file") from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise LatenessError(f"EXTENSIONS={path}: cannot read it ({error})") from None
    found = {}
    for number, row in enumerate(rows, 1):
        cells = [cell.strip() for cell in row]
        while cells and not cells[-1]:
            cells.pop()
        if not cells or (number == 1 and not re.search(r"[\d@]", "".join(cells))):
            continue  # an empty row, or the columns' names (no SID, email, hours or time in them)
        where = f"EXTENSIONS={path} line {number}"
        if len(cells) != 2 or not cells[0]:
            raise LatenessError(f"{where}: expected two cells, SID or email, then hours (48h) or a new deadline "
                                f"(2026-11-22T23:59-08:00); found {','.join(row)!r}")
        student, given = cells[0].lower(), cells[1]
        if student in found:
            raise LatenessError(f"{where}: {cells[0]} has an extension on an earlier line already")
        found[student] = _extension(given, due, where)
    return found


def _extension(given, due, where):
    hours = _HOURS.match(given)
    if hours is None:
        return Extension(parse_due(given, where))
    if due is None:
        raise LatenessError(f"{where}: {given!r} is hours after DUE, and no DUE was given")
    return Extension(due + timedelta(hours=float(hours["hours"])), float(hours["hours"]))


@dataclass(frozen=True)
class LatePolicy:
    """The deadline (None: lateness unknown), the late penalty and the students' extensions."""

    due: datetime = None
    penalty: LatePenalty = LatePenalty()
    extensions: dict = field(default_factory=dict)  # SID or email, lower case -> Extension

    def extension(self, person):
        """The ``Extension`` of ``person`` ({"name", "sid", "email"}), by SID then email; None if none."""
        for key in (person.get("sid", ""), person.get("email", "")):
            if key.strip() and key.strip().lower() in self.extensions:
                return self.extensions[key.strip().lower()]
        return None

    def due_for(self, person):
        """``person``'s deadline: their extension's, else the class's (None when no DUE was given)."""
        extension = self.extension(person)
        return extension.due if extension else self.due

    def hours_late(self, person, submitted_at):
        """Hours ``person``'s submission came after their deadline (0 if on time); None if either is unknown."""
        due = self.due_for(person)
        if due is None or submitted_at is None:
            return None
        return hours_late(submitted_at, due)

    def describe(self):
        """The rule in words, for the summary and every student's page."""
        if self.due is None:
            return ""
        return f"due {self.due.isoformat()}; late penalty: {self.penalty.describe()}"
