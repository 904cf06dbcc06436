"""Building blocks shared by the section pages: titles, claim paragraphs, dates, tables, toctrees."""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from briefgen.compose.markup import check_id, escape
from briefgen.compose.page import Page
from briefgen.core.model import Claim, Dating

SECTION_TITLES = {
    "background": "Background",
    "actors": "Actors",
    "positions": "Positions",
    "timeline": "Timeline",
    "questions": "Open questions",
    "sources": "Sources and method",
}


def claims_paragraph(page: Page, claims: Sequence[Claim]) -> str:
    return " ".join(page.claim(c.text, c.cite) for c in claims)


def dating_text(dating: Dating) -> str:
    """'17 February 2025 (day; stated)' with the note when there is one."""
    parsed = dating.parsed
    text = f"{parsed.display()} ({parsed.precision}; {dating.basis}"
    if dating.note:
        text += f": {dating.note}"
    return text + ")"


def toctree(
    entries: Sequence[str],
    *,
    caption: str | None = None,
    hidden: bool = False,
    maxdepth: int = 1,
    name: str | None = None,
) -> list[str]:
    """A toctree of docnames, written absolute ('/docname') so it means the same on any page.

    ``name`` labels it (the PDF writer starts the appendices at the toctree named ``appendices``).
    """
    opts = (
        [f":maxdepth: {maxdepth}"]
        + ([f":caption: {caption}"] if caption else [])
        + ([f":name: {check_id(name)}"] if name else [])
        + ([":hidden:"] if hidden else [])
    )
    return ["```{toctree}", *opts, "", *(f"/{doc}" for doc in entries), "```", ""]


def fenced(directive: str, body: str, argument: str = "") -> list[str]:
    """A directive around composed Markdown, with a fence longer than any fence inside it."""
    ticks = "`" * (max([3, *(len(m) + 1 for m in re.findall(r"`{3,}", body))]))
    return [f"{ticks}{{{directive}}} {argument}".rstrip(), body.rstrip("\n"), ticks, ""]


def list_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    widths: Sequence[int],
    classes: tuple[str, ...] = (),
) -> list[str]:
    """A table whose header repeats across PDF pages (``longtable``) and whose widths are fixed.

    ``header`` is plain text (escaped here); cells are composed markup.
    """
    opts = [
        ":header-rows: 1",
        f":widths: {' '.join(map(str, widths))}",
        f":class: {' '.join(('longtable', *classes))}",
    ]
    lines = ["```{list-table}", *opts, ""]
    for row in [[escape(h) for h in header], *rows]:
        lines.append(f"* - {row[0]}")
        lines.extend(f"  - {cell}" for cell in row[1:])
    return [*lines, "```", ""]


PAGE_CLAIMS = 150
"""A section holding more claims than this is split into pages: the timeline by period, the
background by topic, the actors by party. Sphinx re-reads and re-renders whole pages, so one page
of thousands of claims would make every small edit cost as much as that page (and a reader would
scroll through all of it); below this size a section reads best as one page."""


T = TypeVar("T")


PERIOD_CLAIMS = 40
"""Once a section is paged by period (the timeline), each period page holds at most this many
claims where the calendar allows: a year splits into months, a crowded month into fixed day ranges
(``_day_parts``). A one-event edit re-reads and re-renders its period's page, so this bounds what
an edit costs: at 1000 sources Sphinx spends about 10 ms per claim of the page (0.7 s for a
144-claim month part, 0.45 s at 48 claims, 0.25 s at 24). About twenty events is a page a reader
scans in one chart and chronology table, and on a phone a chart of two panels at most. Never
above ``PAGE_CLAIMS``."""


def group_by_period(
    items: Sequence[T],
    date_of: Callable[[T], _dt.date],
    size_of: Callable[[Sequence[T]], int],
    limit: int,
    day_known: Callable[[T], bool] = lambda item: True,
) -> list[tuple[str, str, list[T]]]:
    """Date-ordered ``items`` as ``(slug, title, items)`` periods: a year each, split into months
    where a year's ``size_of`` exceeds ``limit``, and a crowded month into fixed day ranges
    (``_day_parts``). Periods, not fixed-size chunks, keep the boundaries stable: adding an item
    changes only its own period (or splits it, once it outgrows ``limit``); only what the calendar
    cannot split is cut into numbered parts. In a month that is split, items without a known day
    (``day_known`` false: dated to the month, a season, approximately) come first, in their own
    period "<month>, no day given": a reader is never told "day 1" of an event dated to the month."""
    by_year: dict[int, list[T]] = {}
    for item in items:
        by_year.setdefault(date_of(item).year, []).append(item)
    periods: list[tuple[str, str, list[T]]] = []
    for year, in_year in by_year.items():
        if size_of(in_year) <= limit:
            periods.append((f"{year:04d}", f"{year}", in_year))
            continue
        by_month: dict[int, list[T]] = {}
        for item in in_year:
            by_month.setdefault(date_of(item).month, []).append(item)
        for month, in_month in by_month.items():
            slug, name = f"{year:04d}-{month:02d}", f"{calendar.month_name[month]} {year}"
            days = calendar.monthrange(year, month)[1]
            set_apart = size_of(in_month) > limit and not all(day_known(item) for item in in_month)
            if set_apart:
                undated = [item for item in in_month if not day_known(item)]
                chunks = _chunks(undated, size_of, limit)
                for n, chunk in enumerate(chunks, start=1):
                    numbered = len(chunks) > 1
                    periods.append(
                        (
                            f"{slug}-no-day" + (f"-part{n}" if numbered else ""),
                            f"{name}, no day given" + (f", part {n}" if numbered else ""),
                            chunk,
                        )
                    )
                in_month = [item for item in in_month if day_known(item)]
            for first, last, part, in_part in (
                _day_parts(in_month, date_of, size_of, limit, 1, days) if in_month else ()
            ):
                whole = (first, last) == (
                    1,
                    days,
                ) and not set_apart  # the month's own name says more than "days 1-31"
                where = "" if whole else "-" + f"{first:02d}"
                title = (
                    name
                    if whole
                    else f"{name}, "
                    + (f"day {first}" if first == last else f"days {first}\u2013{last}")
                )
                periods.append(
                    (
                        slug + where + (f"-part{part}" if part else ""),
                        title + (f", part {part}" if part else ""),
                        in_part,
                    )
                )
    return periods


def _day_ranges(first: int, last: int) -> list[tuple[int, int]]:
    """The fixed finer ranges of days ``first``-``last`` of a month: a whole month in thirds (1-10,
    11-20, 21-end), a third in halves (its first five days, the rest), a half in single days."""
    if last - first >= 11:
        return [(1, 10), (11, 20), (21, last)]
    if last - first >= 6:
        return [(first, first + 4), (first + 5, last)]
    return [(day, day) for day in range(first, last + 1)]


def _day_parts(
    items: Sequence[T],
    date_of: Callable[[T], _dt.date],
    size_of: Callable[[Sequence[T]], int],
    limit: int,
    first: int,
    last: int,
) -> list[tuple[int, int, int, list[T]]]:
    """Items of days ``first``-``last`` of one month as ``(first, last, part, items)``: fixed day
    ranges of at most ``limit``, split only as far as needed, so an added item changes only its
    own range (items without a known day are set apart before: ``group_by_period``). A day still over the limit
    has its items cut in date order into numbered parts (``part`` 1, 2, ...; 0 for a range not
    cut) of at most ``limit`` each where one item allows: parts belong to their day, so an item
    added on another day renames none of them. What stays in one piece is named by the widest
    range it fills (a month of one long event is that month, not its day)."""
    if size_of(items) <= limit:
        return [(first, last, 0, list(items))]
    if first == last:
        chunks = _chunks(items, size_of, limit)
        return [
            (first, last, n if len(chunks) > 1 else 0, chunk)
            for n, chunk in enumerate(chunks, start=1)
        ]
    ranges = _day_ranges(first, last)
    by_range: dict[tuple[int, int], list[T]] = {}
    for item in items:
        day = date_of(item).day
        by_range.setdefault(next(r for r in ranges if r[0] <= day <= r[1]), []).append(item)
    parts = [
        part
        for (sub_first, sub_last), in_range in by_range.items()
        for part in _day_parts(in_range, date_of, size_of, limit, sub_first, sub_last)
    ]
    return [(first, last, 0, list(items))] if len(parts) == 1 else parts


def _chunks(items: Sequence[T], size_of: Callable[[Sequence[T]], int], limit: int) -> list[list[T]]:
    """``items`` in order, cut into runs of at most ``limit`` (a larger item alone in its run);
    sizes add up (claims, items), so each item is measured once."""
    chunks: list[list[T]] = [[]]
    total = 0
    for item in items:
        size = size_of([item])
        if chunks[-1] and total + size > limit:
            chunks.append([])
            total = 0
        chunks[-1].append(item)
        total += size
    return chunks
