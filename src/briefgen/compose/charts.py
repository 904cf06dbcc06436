"""The timeline chart: events on a date axis, with their precision visible, as plain SVG.

Exact days are dots; spans (a month, a season, a range) are bars; approximate or uncertain dates
are hollow and dashed. Drawn directly (no plotting library: it is a few rectangles, and composing
must stay cheap); every text from YAML is XML-escaped. The LaTeX build converts the SVG to PDF
(sphinxcontrib-svg2pdfconverter), so the PDF carries the same picture.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from xml.sax.saxutils import escape as xml_escape

from ..model import Event

WIDTH = 760  # about the width of a book page's text column, so text is drawn near 1:1
LABEL_RIGHT = 292
PLOT_LEFT, PLOT_RIGHT = 304, 748
ROW = 20
TOP = 40
MAX_LABEL = 46
MIN_TICK_GAP = 44  # pixels between month labels
WINDOW_YEARS = 3  # older events are listed, not drawn, so the recent ones keep their resolution
COLOURS = {"fill": "#1f5f8b", "approx": "#ffffff", "grid": "#d0d7de", "text": "#1b1f24", "muted": "#57606a"}


def chart_window(events: Sequence[Event]) -> tuple[list[Event], list[Event]]:
    """Split events into those drawn and those too old for the chart's time window."""
    if not events:
        return [], []
    last = max(e.date.parsed.latest for e in events)
    start = _dt.date(last.year - WINDOW_YEARS, last.month, 1)
    drawn = [e for e in events if e.date.parsed.latest >= start]
    return drawn, [e for e in events if e.date.parsed.latest < start]


def _month_ticks(lo: _dt.date, hi: _dt.date) -> list[_dt.date]:
    months = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
    step = max(1, -(-months * MIN_TICK_GAP // (PLOT_RIGHT - PLOT_LEFT)))
    ticks, year, month = [], lo.year, lo.month
    while (year, month) <= (hi.year, hi.month):
        ticks.append(_dt.date(year, month, 1))
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return ticks


def _label(text: str) -> str:
    text = " ".join(text.split())
    return xml_escape(text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…")


def timeline_svg(events: Sequence[Event]) -> str:
    """SVG of the events (already in date order); deterministic for the same input."""
    drawn, _ = chart_window(events)
    if not drawn:
        return ""
    lo = min(e.date.parsed.earliest for e in drawn).replace(day=1)
    hi_day = max(e.date.parsed.latest for e in drawn)
    hi = _dt.date(hi_day.year + (hi_day.month == 12), hi_day.month % 12 + 1, 1)  # first day after
    span = max(1, (hi - lo).days)

    def x(day: _dt.date) -> float:
        return PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * (day - lo).days / span

    height = TOP + ROW * len(drawn) + 60
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'font-family="DejaVu Sans, FreeSans, Helvetica, Arial, sans-serif" font-size="12" role="img" aria-labelledby="tl-title">',
        '<title id="tl-title">Timeline of events: dots are exact days, bars are spans, hollow dashed marks are approximate dates</title>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    for n, tick in enumerate(_month_ticks(lo, hi_day)):
        tx = x(tick)
        name = tick.strftime("%b %Y") if n == 0 or tick.month == 1 else tick.strftime("%b")
        out.append(f'<line x1="{tx:.1f}" y1="{TOP - 8}" x2="{tx:.1f}" y2="{TOP + ROW * len(drawn)}" stroke="{COLOURS["grid"]}" stroke-width="1"/>')
        out.append(f'<text x="{tx + 2:.1f}" y="{TOP - 12}" fill="{COLOURS["muted"]}" font-size="11">{name}</text>')
    for i, event in enumerate(drawn):
        parsed = event.date.parsed
        cy = TOP + ROW * i + ROW / 2
        loose = parsed.precision in ("approximate", "uncertain") or "~" in parsed.text or "?" in parsed.text
        fill = COLOURS["approx"] if loose else COLOURS["fill"]
        dash = ' stroke-dasharray="3 2"' if loose else ""
        out.append(f'<text x="{LABEL_RIGHT}" y="{cy + 4:.1f}" text-anchor="end" font-size="11" fill="{COLOURS["text"]}">{_label(event.title)}</text>')
        if parsed.earliest == parsed.latest:
            out.append(f'<circle cx="{x(parsed.earliest):.1f}" cy="{cy:.1f}" r="5" fill="{fill}" stroke="{COLOURS["fill"]}" stroke-width="1.5"{dash}/>')
        else:
            x0, x1 = x(parsed.earliest), x(parsed.latest + _dt.timedelta(days=1))
            out.append(
                f'<rect x="{x0:.1f}" y="{cy - 5:.1f}" width="{max(3.0, x1 - x0):.1f}" height="10" rx="2" fill="{fill}" '
                f'fill-opacity="{1 if loose else 0.85}" stroke="{COLOURS["fill"]}" stroke-width="1.5"{dash}/>'
            )
    ly, lx = TOP + ROW * len(drawn) + 30, 140
    out += [
        f'<circle cx="{lx + 5}" cy="{ly}" r="5" fill="{COLOURS["fill"]}"/>',
        f'<text x="{lx + 15}" y="{ly + 4}" fill="{COLOURS["muted"]}">exact day</text>',
        f'<rect x="{lx + 100}" y="{ly - 5}" width="30" height="10" rx="2" fill="{COLOURS["fill"]}" fill-opacity="0.85"/>',
        f'<text x="{lx + 136}" y="{ly + 4}" fill="{COLOURS["muted"]}">month, season or range</text>',
        f'<rect x="{lx + 310}" y="{ly - 5}" width="30" height="10" rx="2" fill="#ffffff" stroke="{COLOURS["fill"]}" stroke-width="1.5" stroke-dasharray="3 2"/>',
        f'<text x="{lx + 346}" y="{ly + 4}" fill="{COLOURS["muted"]}">approximate or uncertain</text>',
        "</svg>",
    ]
    return "\n".join(out) + "\n"
