"""Dates with their precision, written in EDTF (Library of Congress, ISO 8601-2).

News reporting dates things loosely ("earlier this month", "last spring"); EDTF says exactly how
loosely: ``2025-02-17`` (day), ``2025-02`` (month), ``2025-03~`` (approximate), ``2025-21``
(spring), ``2025-02-17/2025-03-30`` (range). The ``edtf`` library parses and bounds them so they
sort; this module only names the precision and prints them for readers.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import functools
import re
from dataclasses import dataclass

from edtf import parse_edtf
from edtf.parser.edtf_exceptions import EDTFParseException

_SEASONS = {21: "Spring", 22: "Summer", 23: "Autumn", 24: "Winter"}
EDTF_HINT = "use EDTF: 2025-02-17 (day), 2025-02 (month), 2025 (year), 2025-03~ (approximate), 2025-02-17/2025-03-30 (range)"


class DateError(ValueError):
    """A date string that is not valid EDTF or names an impossible day."""


@dataclass(frozen=True)
class FuzzyDate:
    """A parsed EDTF date: its text, the days it may fall on, and how precise it is."""

    text: str
    earliest: _dt.date
    latest: _dt.date
    precision: str  # day | month | year | season | range | approximate | uncertain

    @property
    def sort_key(self) -> tuple[_dt.date, _dt.date, str]:
        return (self.earliest, self.latest, self.text)

    @property
    def day_known(self) -> bool:
        """Whether the text names the day it starts on (``2025-02-17``, ``2025-02-17~``, a range from
        a day), rather than ``earliest`` standing in for a month, season or year."""
        start = self.text.split("/")[0].rstrip("~?%")
        bits = start.split("-")
        return len(bits) == 3 and 1 <= int(bits[1]) <= 12

    def display(self) -> str:
        """Reader-facing form, e.g. '17 February 2025', 'c. March 2025', 'Spring 2025'."""
        return _display(self.text)


def _part(text: str) -> str:
    bits = text.split("-")
    year = bits[0]
    if len(bits) == 1:
        return year
    month = int(bits[1])
    if month in _SEASONS:
        return f"{_SEASONS[month]} {year}"
    name = _dt.date(2000, month, 1).strftime("%B")
    if len(bits) == 2:
        return f"{name} {year}"
    return f"{int(bits[2])} {name} {year}"


def _display(text: str) -> str:
    if "/" in text:
        start, end = text.split("/", 1)
        return f"{_display(start) if start else '…'} – {_display(end) if end else '…'}"
    qualifier = ""
    core = text
    while core and core[-1] in "~?%":
        qualifier = {"~": "c. ", "?": "possibly ", "%": "c., possibly "}[core[-1]]
        core = core[:-1]
    return qualifier + _part(core)


def _precision(text: str, obj: object) -> str:
    if "/" in text:
        return "range"
    if text.endswith("~") or text.endswith("%"):
        return "approximate"
    if text.endswith("?"):
        return "uncertain"
    bits = text.split("-")
    if len(bits) == 2 and int(bits[1]) in _SEASONS:
        return "season"
    return str(getattr(obj, "precision", None) or {1: "year", 2: "month", 3: "day"}[len(bits)])


_SIMPLE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?([~?%]?)$")


def _simple_bounds(text: str) -> tuple[_dt.date, _dt.date, str] | None:
    """Bounds of YYYY, YYYY-MM, YYYY-MM-DD (optionally ~ ? %) without the EDTF grammar.

    These forms are nearly every date in a briefing, and the grammar costs milliseconds each.
    None means: not one of these forms (seasons, ranges, open ends...): ask the edtf library.
    """
    m = _SIMPLE.match(text)
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if month is not None and int(month) > 12:
        return None  # seasons (21-24) and invalid months: let the library decide
    try:
        if day is not None:
            d = _dt.date(year, int(month), int(day))
            return d, d, "day"
        if month is not None:
            last = calendar.monthrange(year, int(month))[1]
            return _dt.date(year, int(month), 1), _dt.date(year, int(month), last), "month"
        return _dt.date(year, 1, 1), _dt.date(year, 12, 31), "year"
    except ValueError:
        raise DateError(f"{text!r} is not a valid date") from None


@functools.lru_cache(maxsize=4096)
def parse_date(text: str) -> FuzzyDate:
    """Parse an EDTF string; raise DateError with a reader-friendly message if it is not one.

    Cached: the ``edtf`` grammar (pyparsing) costs milliseconds a call, and a book formats the
    same few dates hundreds of times (every footnote shows its source's date).
    """
    text = str(text).strip()
    if not re.match(r"^[0-9\-/~?%.]+$", text) or re.search(r"\d{5}|(?:^|[^\d])9999", text):
        # letters (XX, T10:00), sets, years past 9998
        raise DateError(f"{text!r} is not a valid date")
    if "/" in text:
        start, _, end = text.partition("/")
        parts = [_simple_bounds(start), _simple_bounds(end)]
        if all(parts):
            (earliest, _, _), (_, latest, _) = parts  # type: ignore[misc]  # all(parts): neither is None
            if earliest > latest:
                raise DateError(f"{text!r} ends before it starts")
            return FuzzyDate(text, earliest, latest, "range")
    elif (simple := _simple_bounds(text)) is not None:
        earliest, latest, precision = simple
        return FuzzyDate(
            text, earliest, latest, _precision(text, None) if text[-1] in "~?%" else precision
        )
    try:
        obj = parse_edtf(text)
        low, high = obj.lower_strict(), obj.upper_strict()
    except (EDTFParseException, ValueError, TypeError, AttributeError, OverflowError):
        raise DateError(f"{text!r} is not a valid date") from None
    if not all(hasattr(bound, "tm_year") for bound in (low, high)):
        raise DateError(
            f"{text!r} is open-ended or unknown at one end; give both ends (e.g. 2025-01~/2025-02-17)"
        )
    try:
        earliest = _dt.date(low.tm_year, low.tm_mon, low.tm_mday)
        latest = _dt.date(high.tm_year, high.tm_mon, high.tm_mday)
    except (ValueError, OverflowError):
        raise DateError(f"{text!r} is not a valid date") from None
    if earliest > latest:
        raise DateError(f"{text!r} ends before it starts")
    try:
        _display(text)
    except (
        ValueError,
        IndexError,
        KeyError,
    ):  # valid EDTF we cannot print: 2024-03-XX, sets, times
        raise DateError(f"{text!r} is a form of EDTF briefgen does not support") from None
    return FuzzyDate(text, earliest, latest, _precision(text, obj))
