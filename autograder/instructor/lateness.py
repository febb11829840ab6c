"""Lateness of a submission and the late penalty an instructor's rule charges for it.

- ``parse_due("2026-11-20T23:59-08:00")``: the deadline, an ISO 8601 time that must name its zone
  (a deadline without one would mean different instants on different machines).
- ``LatePenalty.parse("10%/day,max=50%")``: every *started* day (or ``hour``) after the deadline
  costs 10% of the points the submission earned, at most 50% in all. ``0`` or an empty rule: none.

The penalty is reported in a column of its own; the raw score is never changed.
"""

import math
import re
from dataclasses import dataclass
from datetime import datetime

PERIOD_HOURS = {"day": 24.0, "hour": 1.0}
_RULE = re.compile(r"^(?P<rate>\d+(?:\.\d+)?)%/(?P<unit>day|hour)(?:,max=(?P<cap>\d+(?:\.\d+)?)%)?$")
RULE_SYNTAX = 'RATE%/day or RATE%/hour, optionally ",max=CAP%", e.g. "10%/day,max=50%"'


class LatenessError(ValueError):
    """A deadline or penalty rule that cannot be read (reported in one line)."""


def parse_due(text):
    """The deadline as an aware datetime; ``text`` is ISO 8601 with a zone (``Z`` or ``+hh:mm``)."""
    try:
        due = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise LatenessError(f"DUE={text!r} is not an ISO time; write e.g. 2026-11-20T23:59-08:00") from None
    if due.tzinfo is None:
        raise LatenessError(f"DUE={text!r} has no time zone; add one, e.g. {text.strip()}-08:00 or {text.strip()}Z")
    return due


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
        text = (text or "").replace(" ", "").lower()
        if text in ("", "0", "0%", "none"):
            return cls()
        match = _RULE.match(text)
        if not match:
            raise LatenessError(f"LATE_PENALTY={text!r} is not a rule: write {RULE_SYNTAX}")
        rate, cap = float(match["rate"]), float(match["cap"] or 100)
        if rate > 100 or cap > 100:
            raise LatenessError(f"LATE_PENALTY={text!r}: percentages are at most 100%")
        return cls(rate, match["unit"], cap)

    def percent(self, hours):
        """The penalty, in percent of the earned points, for ``hours`` late."""
        periods = math.ceil(hours / PERIOD_HOURS[self.unit] - 1e-9) if hours > 0 else 0
        return min(self.cap, self.rate * periods)

    def describe(self):
        if not self.rate:
            return "no late penalty"
        return f"{self.rate:g}% of the earned points per started {self.unit} late, at most {self.cap:g}%"
