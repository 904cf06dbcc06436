"""Building blocks shared by the section pages: titles, claim paragraphs, dates, tables, toctrees."""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from ..model import Claim, Dating
from .markup import check_id, escape
from .page import Page

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


def toctree(entries: Sequence[str], *, caption: str | None = None, hidden: bool = False, maxdepth: int = 1, name: str | None = None) -> list[str]:
    """A toctree of docnames, written absolute ('/docname') so it means the same on any page.

    ``name`` labels it (the PDF writer starts the appendices at the toctree named ``appendices``).
    """
    opts = [f":maxdepth: {maxdepth}"] + ([f":caption: {caption}"] if caption else []) + ([f":name: {check_id(name)}"] if name else []) + ([":hidden:"] if hidden else [])
    return ["```{toctree}", *opts, "", *(f"/{doc}" for doc in entries), "```", ""]


def fenced(directive: str, body: str, argument: str = "") -> list[str]:
    """A directive around composed Markdown, with a fence longer than any fence inside it."""
    ticks = "`" * (max([3, *(len(m) + 1 for m in re.findall(r"`{3,}", body))]))
    return [f"{ticks}{{{directive}}} {argument}".rstrip(), body.rstrip("\n"), ticks, ""]


def list_table(header: Sequence[str], rows: Sequence[Sequence[str]], *, widths: Sequence[int], classes: tuple[str, ...] = ()) -> list[str]:
    """A table whose header repeats across PDF pages (``longtable``) and whose widths are fixed.

    ``header`` is plain text (escaped here); cells are composed markup.
    """
    opts = [":header-rows: 1", f":widths: {' '.join(map(str, widths))}", f":class: {' '.join(('longtable', *classes))}"]
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


def group_by_period(items: Sequence[T], date_of: Callable[[T], _dt.date], size_of: Callable[[Sequence[T]], int], limit: int) -> list[tuple[str, str, list[T]]]:
    """Date-ordered ``items`` as ``(slug, title, items)`` periods: a year each, split into months
    where a year's ``size_of`` exceeds ``limit``. Periods, not fixed-size chunks, keep the
    boundaries stable: adding an item changes only its own period."""
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
            if size_of(in_month) <= limit:
                periods.append((slug, name, in_month))
            else:
                periods.extend(_month_parts(slug, name, in_month, date_of, calendar.monthrange(year, month)[1]))
    return periods


def _month_parts(slug: str, name: str, items: Sequence[T], date_of: Callable[[T], _dt.date], days: int) -> list[tuple[str, str, list[T]]]:
    """A crowded month in three parts by day (1-10, 11-20, 21-end): fixed boundaries, so an added
    item changes one part only. Items dated only to the month start on its first day: part one.
    A month whose items all fall in one part stays whole."""
    parts: dict[int, list[T]] = {}
    for item in items:
        parts.setdefault(min((date_of(item).day - 1) // 10, 2), []).append(item)
    if len(parts) == 1:  # all in one part: the month's own name says more
        return [(slug, name, list(items))]
    out = []
    for part, in_part in parts.items():
        first, last = 10 * part + 1, days if part == 2 else 10 * part + 10
        out.append((f"{slug}-{first:02d}", f"{name}, days {first}\u2013{last}", in_part))
    return out
