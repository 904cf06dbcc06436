"""The timeline chart: events on a date axis, with their precision visible, as plain SVG.

Exact days are dots; spans (a month, a season, a range) are bars; approximate or uncertain dates
are hollow and dashed. Drawn directly (no plotting library: it is a few rectangles, and composing
must stay cheap); every text from YAML is XML-escaped. The PDF embeds the same SVG.

Made to be read, not shrunk: every event's full title is shown (wrapped beside its mark), all text
is ``FONT`` px and the HTML shows the chart at its drawn size (scrolling sideways where the column
is narrower), and the time axis is broken where nothing happens for a long stretch, so a cluster
of events keeps its resolution and a historical event decades earlier still has its mark.
"""

from __future__ import annotations

import datetime as _dt
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
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
TOP = 44
MIN_TICK_GAP = 72  # pixels between tick labels: wider than 'Sep 2025' at 13 px
BREAK_GAP = 18  # pixels between two axis segments
MIN_SEGMENT = 56  # pixels: enough for a year label
LEGEND = 54  # px under the rows for the legend
PANEL_HEIGHT = (
    760  # px: in the PDF a panel is scaled to the text width (~0.67) and must fit ~510 pt
)
MAX_SEGMENTS = 4  # 4 x MIN_SEGMENT and the breaks fit the plot
COLOURS = {
    "fill": "#1f5f8b",
    "approx": "#ffffff",
    "grid": "#d0d7de",
    "text": "#1b1f24",
    "muted": "#4a525b",
    "band": "#f3f4f6",
}


@dataclass(frozen=True)
class Segment:
    """One stretch of the broken time axis and where it is drawn."""

    lo: _dt.date  # first day shown
    hi: _dt.date  # day after the last day shown
    x0: float
    x1: float

    def x(self, day: _dt.date) -> float:
        span = max(1, (self.hi - self.lo).days)
        return self.x0 + (self.x1 - self.x0) * (day - self.lo).days / span


def _span(event: Event) -> tuple[_dt.date, _dt.date]:
    parsed = event.date.parsed
    return parsed.earliest, parsed.latest + _dt.timedelta(days=1)


def axis_segments(
    events: Sequence[Event], left: float = PLOT_LEFT, right: float = PLOT_RIGHT
) -> list[Segment]:
    """The time axis as segments: a break wherever no event covers a long stretch.

    A gap of over 90 days breaks the axis; at most ``MAX_SEGMENTS`` segments (the widest gaps
    break first). Each segment gets width in proportion to the events it holds (room goes where
    things happen), and at least ``MIN_SEGMENT``.
    """
    spans = sorted(_span(e) for e in events)
    clusters: list[list[_dt.date]] = []
    for start, end in spans:
        if clusters and start <= clusters[-1][1]:
            clusters[-1][1] = max(clusters[-1][1], end)
        else:
            clusters.append([start, end])
    gaps = sorted(((clusters[i + 1][0] - clusters[i][1]).days, i) for i in range(len(clusters) - 1))
    breaks = {i for days, i in gaps if days > 90}
    breaks = set(
        sorted(breaks, key=lambda i: -(clusters[i + 1][0] - clusters[i][1]).days)[
            : MAX_SEGMENTS - 1
        ]
    )
    ranges: list[list[_dt.date]] = [list(clusters[0])]
    for i, cluster in enumerate(clusters[1:]):
        if i in breaks:
            ranges.append(list(cluster))
        else:
            ranges[-1][1] = cluster[1]
    # whole months, so ticks fall on segment edges
    bounds = [(r[0].replace(day=1), _next_month(r[1] - _dt.timedelta(days=1))) for r in ranges]
    counts = [sum(1 for start, _ in spans if a <= start < b) for a, b in bounds]
    room = right - left - BREAK_GAP * (len(bounds) - 1)
    widths = _allot(counts, room)
    out, x = [], left
    for (a, b), w in zip(bounds, widths, strict=False):
        out.append(Segment(a, b, x, x + w))
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


def _ticks(seg: Segment) -> list[tuple[_dt.date, str]]:
    """Tick dates and labels for one segment: months where there is room, else years."""
    months = (seg.hi.year - seg.lo.year) * 12 + seg.hi.month - seg.lo.month
    width = seg.x1 - seg.x0
    if months <= 1 or (width < 2 * MIN_TICK_GAP and months <= 12):
        text = seg.lo.strftime("%b %Y") if months < 12 else str(seg.lo.year)
        return [(seg.lo, text)]
    step = max(1, -(-months * MIN_TICK_GAP // int(width)))
    if step >= 12:  # years
        ystep = max(1, -(-step // 12))
        return [
            (_dt.date(y, 1, 1) if y > seg.lo.year else seg.lo, str(y))
            for y in range(seg.lo.year, seg.hi.year + (seg.hi.month > 1), ystep)
            if _dt.date(y, 12, 31) >= seg.lo and _dt.date(y, 1, 1) < seg.hi
        ]
    ticks: list[tuple[_dt.date, str]] = []
    day = seg.lo
    while day < seg.hi:
        first = not ticks or day.month == 1
        ticks.append((day, day.strftime("%b %Y") if first else day.strftime("%b")))
        for _ in range(step):
            day = _next_month(day)
    return ticks


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
    return textwrap.wrap(clean(title), layout.wrap) or [""]


def _row_height(lines: list[str], layout: Layout = WIDE) -> int:
    if layout.stacked:
        return LINE * len(lines) + 24  # the title's lines, then the mark under them
    return max(22, LINE * len(lines) + ROW_PAD)


def _legend_height(layout: Layout) -> int:
    return LEGEND + (2 * 20 if layout.stacked else 0)  # stacked: one legend entry a line


def timeline_panels(events: Sequence[Event], layout: Layout = WIDE) -> list[str]:
    """The chart as one SVG per panel of consecutive events, each at most ``PANEL_HEIGHT`` tall.

    A long chart in one picture would be shrunk to fit a PDF page (and its text with it); panels
    share one time axis, so they read as one chart cut between rows. The legend is in the last."""
    if not events:
        return []
    segments = axis_segments(events, *layout.plot)
    panels: list[list[Event]] = [[]]
    height = TOP + _legend_height(layout)
    for event in events:
        row = _row_height(_wrapped(event.title, layout), layout)
        if panels[-1] and height + row > PANEL_HEIGHT:
            panels.append([])
            height = TOP + _legend_height(layout)
        panels[-1].append(event)
        height += row
    return [
        timeline_svg(panel, segments, legend=n == len(panels) - 1, layout=layout)
        for n, panel in enumerate(panels)
    ]


def timeline_svg(
    events: Sequence[Event],
    segments: list[Segment] | None = None,
    *,
    legend: bool = True,
    layout: Layout = WIDE,
) -> str:
    """SVG of the events (already in date order) on ``segments`` (by default their own axis);
    deterministic for the same input."""
    if not events:
        return ""
    width = layout.width
    segments = segments or axis_segments(events, *layout.plot)
    labels = [_wrapped(e.title, layout) for e in events]
    rows = [_row_height(lines, layout) for lines in labels]
    bottom = TOP + sum(rows)
    height = bottom + (_legend_height(layout) if legend else 8)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="FreeSans, DejaVu Sans, Helvetica, Arial, sans-serif" font-size="{FONT}" role="img" aria-labelledby="tl-title">',
        '<title id="tl-title">Timeline of events: dots are exact days, bars are spans, hollow dashed marks are approximate dates</title>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    y = TOP
    for i, row in enumerate(
        rows
    ):  # light bands on alternate rows: a title and its mark read as one
        if i % 2:
            out.append(
                f'<rect x="0" y="{y}" width="{width}" height="{row}" fill="{COLOURS["band"]}"/>'
            )
        y += row
    # Grid lines run the chart's height beside the titles; stacked, only through each row's mark
    # band, never through a title.
    spans = [(TOP - 8, bottom)]
    if layout.stacked:
        spans, y = [], TOP
        for lines, row in zip(labels, rows, strict=False):
            spans.append((y + LINE * len(lines) + 3, y + row))
            y += row
    for n, seg in enumerate(segments):
        for tick, name in _ticks(seg):
            tx = seg.x(tick)
            out += [
                f'<line x1="{tx:.1f}" y1="{a}" x2="{tx:.1f}" y2="{b}" stroke="{COLOURS["grid"]}" stroke-width="1"/>'
                for a, b in spans
            ]
            out.append(
                f'<text x="{tx + 2:.1f}" y="{TOP - 12}" fill="{COLOURS["muted"]}">{xml_escape(name)}</text>'
            )
        if n:  # the break: a zigzag between the segments
            bx = seg.x0 - BREAK_GAP / 2
            out.append(
                f'<path d="M{bx - 4:.1f} {TOP - 4} l8 -8 M{bx - 4:.1f} {TOP + 2} l8 -8" stroke="{COLOURS["muted"]}" stroke-width="1.5" fill="none"/>'
            )
            out += [
                f'<line x1="{bx:.1f}" y1="{max(a, TOP + 2)}" x2="{bx:.1f}" y2="{b}" stroke="{COLOURS["muted"]}" stroke-width="1" stroke-dasharray="2 4"/>'
                for a, b in spans
            ]
    y = TOP
    for event, lines, row in zip(events, labels, rows, strict=False):
        parsed = event.date.parsed
        first_line: float
        cy: float
        if layout.stacked:
            first_line, cy = y + 15, y + LINE * len(lines) + 12
        else:
            cy = y + row / 2
            first_line = cy - (len(lines) - 1) * LINE / 2 + 4.5
        text = "".join(
            f'<tspan x="{LABEL_LEFT}" y="{first_line + k * LINE:.1f}">{xml_escape(line)}</tspan>'
            for k, line in enumerate(lines)
        )
        out.append(f'<text fill="{COLOURS["text"]}">{text}</text>')
        seg = next(s for s in segments if s.lo <= parsed.earliest < s.hi)
        loose = (
            parsed.precision in ("approximate", "uncertain")
            or "~" in parsed.text
            or "?" in parsed.text
        )
        fill = COLOURS["approx"] if loose else COLOURS["fill"]
        dash = ' stroke-dasharray="3 2"' if loose else ""
        if parsed.earliest == parsed.latest:
            out.append(
                f'<circle cx="{seg.x(parsed.earliest):.1f}" cy="{cy:.1f}" r="5" fill="{fill}" stroke="{COLOURS["fill"]}" stroke-width="1.5"{dash}/>'
            )
        else:
            start, end = _span(event)
            x0, x1 = seg.x(start), seg.x(min(end, seg.hi))
            out.append(
                f'<rect x="{x0:.1f}" y="{cy - 5:.1f}" width="{max(3.0, x1 - x0):.1f}" height="10" rx="2" fill="{fill}" '
                f'fill-opacity="{1 if loose else 0.85}" stroke="{COLOURS["fill"]}" stroke-width="1.5"{dash}/>'
            )
        y += row
    if legend:
        out += _legend(bottom, layout)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _legend(bottom: int, layout: Layout) -> list[str]:
    """Dot, bar and dashed bar explained: in a row (wide) or one under the other (narrow)."""
    if layout.stacked:
        (x0, y0), (x1, y1), (x2, y2) = [(16, bottom + 30 + 20 * i) for i in range(3)]
    else:
        (x0, y0), (x1, y1), (x2, y2) = [(16 + dx, bottom + 30) for dx in (0, 108, 340)]
    return [
        f'<circle cx="{x0 + 15}" cy="{y0}" r="5" fill="{COLOURS["fill"]}"/>',
        f'<text x="{x0 + 38}" y="{y0 + 4.5}" fill="{COLOURS["muted"]}">exact day</text>',
        f'<rect x="{x1}" y="{y1 - 5}" width="30" height="10" rx="2" fill="{COLOURS["fill"]}" fill-opacity="0.85"/>',
        f'<text x="{x1 + 38}" y="{y1 + 4.5}" fill="{COLOURS["muted"]}">month, season or range</text>',
        f'<rect x="{x2}" y="{y2 - 5}" width="30" height="10" rx="2" fill="#ffffff" stroke="{COLOURS["fill"]}" stroke-width="1.5" stroke-dasharray="3 2"/>',
        f'<text x="{x2 + 38}" y="{y2 + 4.5}" fill="{COLOURS["muted"]}">approximate or uncertain</text>',
    ]
