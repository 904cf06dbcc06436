"""The timeline chart: events on a date axis, with their precision visible, as plain SVG.

Exact days are dots; spans (a month, a season, a range) are bars; approximate or uncertain dates
are hollow and dashed. Drawn directly (no plotting library: it is a few rectangles, and composing
must stay cheap); every text from YAML is XML-escaped and its quotes set typographically. The PDF
embeds the same SVG (the light palette); the HTML book also gets a dark-palette copy for its dark
theme (an SVG shown as an image cannot see the page's theme).

Made to be read, not shrunk: every event's full title is shown (wrapped beside its mark), all text
is ``FONT`` px and the HTML shows the chart at its drawn size (scrolling sideways where the column
is narrower). The axis spends its width where the events are: a few events far before or after
the rest (a war decades earlier, given as background) are listed in a strip of their own with
their dates, off the axis, and the axis is broken where nothing happens for a long stretch.
"""

from __future__ import annotations

import datetime as _dt
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from xml.sax.saxutils import escape as xml_escape

from briefgen.compose.markup import clean
from briefgen.core.model import Event

WIDTH = 680  # fits the book's text column at 1280 px without scaling; the PDF scales it to ~0.67
FONT = 13  # px: stays >= 11 CSS px in HTML (drawn 1:1) and about 8.7 pt in the PDF
LINE = 16  # px between the lines of a wrapped title
LABEL_LEFT, LABEL_WRAP = 8, 40  # a title wraps at about 40 characters (~290 px at 13 px)
PLOT_LEFT, PLOT_RIGHT = 318, WIDTH - 14
NARROW_WIDTH = 340  # a phone's text column (390 px window) without scrolling
ROW_PAD = 8
TOP = 44  # px above the first row on the axis (from the panel's top or a strip above): tick labels
STRIP_HEAD = 28  # px for the heading of a strip of events off the axis
STRIP_GAP = 10  # px between the rows on the axis and a strip under them
MIN_TICK_GAP = 72  # pixels between tick labels: wider than 'Sep 2025' at 13 px
CHAR_WIDTH = 7.5  # px: a generous average character width at 13 px, to keep labels inside
BREAK_GAP = 18  # pixels between two axis segments
MIN_SEGMENT = 56  # pixels: enough for a year label
LEGEND = 54  # px under the rows for the legend
PANEL_HEIGHT = (
    760  # px: in the PDF a panel is scaled to the text width (~0.67) and must fit ~510 pt
)
MAX_SEGMENTS = 4  # 4 x MIN_SEGMENT and the breaks fit the plot
FAR_RATIO = (
    3  # a gap over 3 times the span of the main events puts what lies beyond it off the axis
)
FAR_MIN_DAYS = 366  # ... and only a gap over a year: shorter ones are for the axis breaks
FAR_SHARE = 0.25  # ... and only a few events (at most a quarter): otherwise they are the story
STRIP_TITLES = {
    "earlier": "Earlier, not on the time axis below",
    "later": "Later, not on the time axis above",
}

Place = Literal["earlier", "axis", "later"]


@dataclass(frozen=True)
class Palette:
    """The chart's colours: light (the PDF and the HTML light theme) or for the dark theme."""

    background: str
    band: str  # alternate rows
    grid: str
    text: str
    muted: str  # tick labels, legend, strip headings
    mark: str
    hollow: str  # the inside of an approximate date's mark


LIGHT = Palette("#ffffff", "#f3f4f6", "#bfc7cf", "#1b1f24", "#4a525b", "#1f5f8b", "#ffffff")
# the dark theme's background (pydata-sphinx-theme #14181e), light text, gridlines still visible
DARK = Palette("#14181e", "#1f252d", "#566375", "#e6ebf0", "#b3bcc6", "#6cb2ea", "#14181e")


@dataclass(frozen=True)
class Segment:
    """One stretch of the broken time axis and where it is drawn."""

    lo: _dt.date  # first day shown
    hi: _dt.date  # day after the last day shown
    x0: float
    x1: float
    last: _dt.date  # the latest day an event in it starts: the ticks reach its month

    def x(self, day: _dt.date) -> float:
        span = max(1, (self.hi - self.lo).days)
        return self.x0 + (self.x1 - self.x0) * (day - self.lo).days / span


_APOSTROPHE_DECADE = re.compile(r"'(?=\d\ds\b)")
_OPENS = r"(^|[\s(\[{\u2013\u2014/-])"  # a quote after these opens


def typographic(text: str) -> str:
    """Straight quotes as typographic ones (‘ ’ “ ”, and ’ for an apostrophe), as the PDF sets
    the book's text: a chart is a picture, so nothing downstream would do it."""
    text = _APOSTROPHE_DECADE.sub("\u2019", text)
    text = re.sub(_OPENS + "'", "\\1\u2018", text).replace("'", "\u2019")
    return re.sub(_OPENS + '"', "\\1\u201c", text).replace('"', "\u201d")


def _span(event: Event) -> tuple[_dt.date, _dt.date]:
    parsed = event.date.parsed
    return parsed.earliest, parsed.latest + _dt.timedelta(days=1)


def _clusters(
    spans: Sequence[tuple[_dt.date, _dt.date]], within: int = 0
) -> list[tuple[_dt.date, _dt.date, int]]:
    """Date-sorted spans merged where they overlap or lie ``within`` days of each other, as
    (start, end, number of events)."""
    out: list[tuple[_dt.date, _dt.date, int]] = []
    for start, end in spans:
        if out and (start - out[-1][1]).days <= within:
            first, last, count = out[-1]
            out[-1] = (first, max(last, end), count + 1)
        else:
            out.append((start, end, 1))
    return out


def _main_range(spans: Sequence[tuple[_dt.date, _dt.date]]) -> tuple[_dt.date, _dt.date]:
    """Where the events are: the largest group (events under a year apart; the latest on a tie),
    widened over each next group whose gap is not ``FAR_RATIO`` times the span so far. What stays
    outside is far away, and left off the axis only if it is a few events (``FAR_SHARE``)."""
    groups = _clusters(spans, FAR_MIN_DAYS)
    i = j = max(range(len(groups)), key=lambda k: (groups[k][2], k))
    while True:
        span = (groups[j][1] - groups[i][0]).days
        gaps = []
        if i > 0:
            gaps.append(((groups[i][0] - groups[i - 1][1]).days, i - 1, j))
        if j + 1 < len(groups):
            gaps.append(((groups[j + 1][0] - groups[j][1]).days, i, j + 1))
        if not gaps or min(gaps)[0] > FAR_RATIO * span:
            break
        _, i, j = min(gaps)
    far = sum(count for _, _, count in groups[:i] + groups[j + 1 :])
    if far > FAR_SHARE * len(spans):
        return groups[0][0], groups[-1][1]
    return groups[i][0], groups[j][1]


def split_off_axis(events: Sequence[Event]) -> tuple[list[Event], list[Event], list[Event]]:
    """The events as (earlier, on the axis, later), each in the given order: a few events far
    from the rest would otherwise take a share of the axis and squeeze the rest into a corner."""
    if not events:
        return [], [], []
    lo, hi = _main_range(sorted(_span(e) for e in events))
    earlier = [e for e in events if _span(e)[0] < lo]
    later = [e for e in events if _span(e)[0] >= hi]
    axis = [e for e in events if lo <= _span(e)[0] < hi]
    return earlier, axis, later


def axis_segments(
    events: Sequence[Event], left: float = PLOT_LEFT, right: float = PLOT_RIGHT
) -> list[Segment]:
    """The time axis of the events on it (``split_off_axis``) as segments: a break wherever no
    event covers a long stretch.

    A gap of over 90 days breaks the axis; at most ``MAX_SEGMENTS`` segments (the widest gaps
    break first). Each segment gets width in proportion to the events it holds (room goes where
    things happen), and at least ``MIN_SEGMENT``.
    """
    spans = sorted(_span(e) for e in split_off_axis(events)[1])
    clusters = _clusters(spans)
    gaps = sorted(((clusters[i + 1][0] - clusters[i][1]).days, i) for i in range(len(clusters) - 1))
    breaks = {i for days, i in sorted(gaps, reverse=True)[: MAX_SEGMENTS - 1] if days > 90}
    ranges: list[list[_dt.date]] = [[clusters[0][0], clusters[0][1]]]
    for i, (start, end, _) in enumerate(clusters[1:]):
        if i in breaks:
            ranges.append([start, end])
        else:
            ranges[-1][1] = end
    # whole months, so ticks fall on segment edges
    bounds = [(r[0].replace(day=1), _next_month(r[1] - _dt.timedelta(days=1))) for r in ranges]
    starts = [[start for start, _ in spans if a <= start < b] for a, b in bounds]
    room = right - left - BREAK_GAP * (len(bounds) - 1)
    widths = _allot([len(s) for s in starts], room)
    out, x = [], left
    for (a, b), w, inside in zip(bounds, widths, starts, strict=True):
        out.append(Segment(a, b, x, x + w, max(inside)))
        x += w + BREAK_GAP
    return out


def _allot(weights: list[int], room: float) -> list[float]:
    """Widths proportional to ``weights`` within ``room``, none below ``MIN_SEGMENT``."""
    fixed: set[int] = set()
    while True:
        free = room - MIN_SEGMENT * len(fixed)
        share = sum(d for i, d in enumerate(weights) if i not in fixed) or 1
        widths = [MIN_SEGMENT if i in fixed else free * d / share for i, d in enumerate(weights)]
        small = {i for i, w in enumerate(widths) if w < MIN_SEGMENT and i not in fixed}
        if not small or len(fixed | small) == len(weights):
            return [
                max(w, MIN_SEGMENT) if len(fixed | small) == len(weights) else w for w in widths
            ]
        fixed |= small


def _next_month(day: _dt.date) -> _dt.date:
    return _dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _months_back(day: _dt.date, months: int) -> _dt.date:
    index = day.year * 12 + day.month - 1 - months
    return _dt.date(index // 12, index % 12 + 1, 1)


def _ticks(seg: Segment) -> list[tuple[_dt.date, str]]:
    """Tick dates and labels for one segment: months where there is room, else years; counted
    back from the month of its last event, so the labels go as far as the events do."""
    months = (seg.hi.year - seg.lo.year) * 12 + seg.hi.month - seg.lo.month
    width = seg.x1 - seg.x0
    if months <= 1 or (width < 2 * MIN_TICK_GAP and months <= 12):
        text = seg.lo.strftime("%b %Y") if months < 12 else str(seg.lo.year)
        return [(seg.lo, text)]
    step = max(1, -(-months * MIN_TICK_GAP // int(width)))
    if step >= 12:  # years
        ystep = -(-step // 12)  # whole years, rounded up
        years = range(seg.last.year, seg.lo.year - 1, -ystep)
        return [(max(_dt.date(y, 1, 1), seg.lo), str(y)) for y in reversed(years)]
    days = [seg.last.replace(day=1)]
    while _months_back(days[-1], step) >= seg.lo:
        days.append(_months_back(days[-1], step))
    days.reverse()
    return [
        (day, day.strftime("%b %Y") if n == 0 or day.month == 1 else day.strftime("%b"))
        for n, day in enumerate(days)
    ]


@dataclass(frozen=True)
class Layout:
    """Where a chart puts titles and marks: beside each other (wide), or each title over its mark
    (narrow: a phone's column, where the wide chart would have to scroll to show any mark)."""

    width: int
    plot: tuple[float, float]
    wrap: int  # characters per title line
    stacked: bool


WIDE = Layout(WIDTH, (PLOT_LEFT, PLOT_RIGHT), LABEL_WRAP, stacked=False)
NARROW = Layout(NARROW_WIDTH, (12, NARROW_WIDTH - 12), 44, stacked=True)


def _wrapped(title: str, layout: Layout = WIDE) -> list[str]:
    return textwrap.wrap(typographic(clean(title)), layout.wrap) or [""]


def _row_height(lines: Sequence[str], layout: Layout = WIDE) -> int:
    if layout.stacked:
        return LINE * len(lines) + 24  # the title's lines, then the mark under them
    return max(22, LINE * len(lines) + ROW_PAD)


def _legend_height(layout: Layout) -> int:
    return LEGEND + (2 * 20 if layout.stacked else 0)  # stacked: one legend entry a line


@dataclass(frozen=True)
class _Row:
    """One event's row: its title lines, where the row is and whether its mark is on the axis."""

    event: Event
    lines: tuple[str, ...]
    y: int  # top
    height: int
    place: Place
    mark_y: float  # the middle of the mark: beside the title (wide) or under it (stacked)
    first_line: float  # the title's first baseline


@dataclass(frozen=True)
class _Plan:
    """Where everything of a panel goes, top to bottom: an earlier strip, the axis, a later one."""

    rows: list[_Row]
    headings: list[tuple[int, str]]  # (baseline, text) of each strip's heading
    axis: tuple[int, int] | None  # top and bottom of the rows on the axis
    bottom: int


def _place(event: Event, segments: Sequence[Segment]) -> Place:
    start = event.date.parsed.earliest
    return "earlier" if start < segments[0].lo else "later" if start >= segments[-1].hi else "axis"


def _row_at(event: Event, lines: list[str], y: int, place: Place, layout: Layout) -> _Row:
    """A row at ``y``: stacked, the title's lines and then the mark; wide, both centred."""
    height = _row_height(lines, layout)
    if layout.stacked:
        return _Row(event, tuple(lines), y, height, place, y + LINE * len(lines) + 12, y + 15)
    mark_y = y + height / 2
    first = mark_y - (len(lines) - 1) * LINE / 2 + 4.5
    return _Row(event, tuple(lines), y, height, place, mark_y, first)


def _plan(
    items: Sequence[tuple[Event, list[str]]], segments: Sequence[Segment], layout: Layout
) -> _Plan:
    """Rows stacked in three groups: events before the axis (under a heading), on the axis (under
    the tick labels), after it (under a heading)."""
    rows: list[_Row] = []
    headings: list[tuple[int, str]] = []
    axis = None
    y = 0
    for place in ("earlier", "axis", "later"):
        group = [(e, lines) for e, lines in items if _place(e, segments) == place]
        if not group:
            continue
        if place == "axis":
            y += TOP
        else:
            y += STRIP_GAP if y else 0
            headings.append((y + 19, STRIP_TITLES[place]))
            y += STRIP_HEAD
        top = y
        for event, lines in group:
            rows.append(_row_at(event, lines, y, place, layout))
            y += rows[-1].height
        if place == "axis":
            axis = (top, y)
    return _Plan(rows, headings, axis, y)


def timeline_panels(
    events: Sequence[Event], layout: Layout = WIDE, palette: Palette = LIGHT
) -> list[str]:
    """The chart as one SVG per panel of consecutive events, each at most ``PANEL_HEIGHT`` tall.

    A long chart in one picture would be shrunk to fit a PDF page (and its text with it); panels
    share one time axis, so they read as one chart cut between rows. The legend is in the last."""
    if not events:
        return []
    segments = axis_segments(events, *layout.plot)
    items = [(e, _wrapped(e.title, layout)) for e in events]
    panels: list[list[tuple[Event, list[str]]]] = [[]]
    for item in items:
        taller = _plan([*panels[-1], item], segments, layout).bottom + _legend_height(layout)
        if panels[-1] and taller > PANEL_HEIGHT:
            panels.append([])
        panels[-1].append(item)
    return [
        timeline_svg(
            [e for e, _ in panel],
            segments,
            legend=n == len(panels) - 1,
            layout=layout,
            palette=palette,
        )
        for n, panel in enumerate(panels)
    ]


def timeline_svg(
    events: Sequence[Event],
    segments: list[Segment] | None = None,
    *,
    legend: bool = True,
    layout: Layout = WIDE,
    palette: Palette = LIGHT,
) -> str:
    """SVG of the events (already in date order) on ``segments`` (by default their own axis);
    deterministic for the same input."""
    if not events:
        return ""
    width = layout.width
    segments = segments or axis_segments(events, *layout.plot)
    plan = _plan([(e, _wrapped(e.title, layout)) for e in events], segments, layout)
    height = plan.bottom + (_legend_height(layout) if legend else 8)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="FreeSans, DejaVu Sans, Helvetica, Arial, sans-serif" font-size="{FONT}" role="img" aria-labelledby="tl-title">',
        '<title id="tl-title">Timeline of events: dots are exact days, bars are spans, hollow dashed marks are approximate dates; '
        "events far before or after the rest are listed apart with their dates</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="{palette.background}"/>',
    ]
    out += _bands(plan, width, palette)
    out += [
        f'<text x="{LABEL_LEFT}" y="{y}" fill="{palette.muted}" font-weight="bold">{xml_escape(text)}</text>'
        for y, text in plan.headings
    ]
    if plan.axis:
        out += _axis(plan, segments, layout, palette)
    for row in plan.rows:
        out += _row(row, segments, layout, palette)
    if legend:
        out += _legend(plan.bottom, layout, palette)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _bands(plan: _Plan, width: int, palette: Palette) -> list[str]:
    """Light bands on alternate rows of each group: a title and its mark read as one."""
    out, n, place = [], 0, None
    for row in plan.rows:
        n, place = (n + 1 if row.place == place else 0), row.place
        if n % 2:
            out.append(
                f'<rect x="0" y="{row.y}" width="{width}" height="{row.height}" fill="{palette.band}"/>'
            )
    return out


def _axis(plan: _Plan, segments: Sequence[Segment], layout: Layout, palette: Palette) -> list[str]:
    """Tick labels over the rows on the axis, grid lines, and a zigzag at each break.

    Grid lines run the chart's height beside the titles; stacked, only through each row's mark
    band, never through a title."""
    assert plan.axis is not None
    top, bottom = plan.axis
    spans = [(top - 8, bottom)]
    if layout.stacked:
        spans = [
            (row.y + LINE * len(row.lines) + 3, row.y + row.height)
            for row in plan.rows
            if row.place == "axis"
        ]
    out = []
    for n, seg in enumerate(segments):
        for tick, name in _ticks(seg):
            tx = seg.x(tick)
            out += [
                f'<line x1="{tx:.1f}" y1="{a}" x2="{tx:.1f}" y2="{b}" stroke="{palette.grid}" stroke-width="1"/>'
                for a, b in spans
            ]
            out.append(_tick_label(tx, top - 12, name, layout.width, palette))
        if n:  # the break: a zigzag between the segments
            bx = seg.x0 - BREAK_GAP / 2
            out.append(
                f'<path d="M{bx - 4:.1f} {top - 4} l8 -8 M{bx - 4:.1f} {top + 2} l8 -8" stroke="{palette.muted}" stroke-width="1.5" fill="none"/>'
            )
            out += [
                f'<line x1="{bx:.1f}" y1="{max(a, top + 2)}" x2="{bx:.1f}" y2="{b}" stroke="{palette.muted}" stroke-width="1" stroke-dasharray="2 4"/>'
                for a, b in spans
            ]
    return out


def _tick_label(x: float, y: int, name: str, width: int, palette: Palette) -> str:
    """A tick's label right of its line, or left of it where it would run off the chart."""
    if x + 2 + CHAR_WIDTH * len(name) <= width - 2:
        return f'<text x="{x + 2:.1f}" y="{y}" fill="{palette.muted}">{xml_escape(name)}</text>'
    return f'<text x="{x - 2:.1f}" y="{y}" fill="{palette.muted}" text-anchor="end">{xml_escape(name)}</text>'


def _row(row: _Row, segments: Sequence[Segment], layout: Layout, palette: Palette) -> list[str]:
    """An event's title and its mark on the axis, or (off the axis) its date where the mark would be."""
    text = "".join(
        f'<tspan x="{LABEL_LEFT}" y="{row.first_line + k * LINE:.1f}">{xml_escape(line)}</tspan>'
        for k, line in enumerate(row.lines)
    )
    out = [f'<text fill="{palette.text}">{text}</text>']
    parsed, cy = row.event.date.parsed, row.mark_y
    if row.place != "axis":
        date = xml_escape(typographic(parsed.display()))
        out.append(
            f'<text x="{layout.plot[0] + 2:.1f}" y="{cy + 4.5:.1f}" fill="{palette.text}" font-weight="bold">{date}</text>'
        )
        return out
    seg = next(s for s in segments if s.lo <= parsed.earliest < s.hi)
    loose = (
        parsed.precision in ("approximate", "uncertain") or "~" in parsed.text or "?" in parsed.text
    )
    fill = palette.hollow if loose else palette.mark
    dash = ' stroke-dasharray="3 2"' if loose else ""
    if parsed.earliest == parsed.latest:
        out.append(
            f'<circle cx="{seg.x(parsed.earliest):.1f}" cy="{cy:.1f}" r="5" fill="{fill}" stroke="{palette.mark}" stroke-width="1.5"{dash}/>'
        )
    else:
        start, end = _span(row.event)
        x0, x1 = seg.x(start), seg.x(min(end, seg.hi))
        out.append(
            f'<rect x="{x0:.1f}" y="{cy - 5:.1f}" width="{max(3.0, x1 - x0):.1f}" height="10" rx="2" fill="{fill}" '
            f'fill-opacity="{1 if loose else 0.85}" stroke="{palette.mark}" stroke-width="1.5"{dash}/>'
        )
    return out


def _legend(bottom: int, layout: Layout, palette: Palette) -> list[str]:
    """Dot, bar and dashed bar explained: in a row (wide) or one under the other (narrow)."""
    if layout.stacked:
        (x0, y0), (x1, y1), (x2, y2) = [(16, bottom + 30 + 20 * i) for i in range(3)]
    else:
        (x0, y0), (x1, y1), (x2, y2) = [(16 + dx, bottom + 30) for dx in (0, 108, 340)]
    return [
        f'<circle cx="{x0 + 15}" cy="{y0}" r="5" fill="{palette.mark}"/>',
        f'<text x="{x0 + 38}" y="{y0 + 4.5}" fill="{palette.muted}">exact day</text>',
        f'<rect x="{x1}" y="{y1 - 5}" width="30" height="10" rx="2" fill="{palette.mark}" fill-opacity="0.85"/>',
        f'<text x="{x1 + 38}" y="{y1 + 4.5}" fill="{palette.muted}">month, season or range</text>',
        f'<rect x="{x2}" y="{y2 - 5}" width="30" height="10" rx="2" fill="{palette.hollow}" stroke="{palette.mark}" stroke-width="1.5" stroke-dasharray="3 2"/>',
        f'<text x="{x2 + 38}" y="{y2 + 4.5}" fill="{palette.muted}">approximate or uncertain</text>',
    ]
