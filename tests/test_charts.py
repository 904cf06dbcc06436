"""The timeline chart and the highlighted passages, without a browser: what the SVG and the page hold."""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.etree import ElementTree

import pytest
from conftest import REPO

from briefgen.compose.charts import (
    DARK,
    LIGHT,
    NARROW,
    PANEL_HEIGHT,
    WIDE,
    Layout,
    Palette,
    axis_segments,
    split_off_axis,
    timeline_panels,
    typographic,
)
from briefgen.core.model import Event
from briefgen.trust.prepare import prepare

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
LAYOUTS = [WIDE, NARROW]


def shipped_events() -> list[Event]:
    events = prepare(REPO).briefing.timeline.events
    return sorted(events, key=lambda e: e.date.parsed.sort_key)


def make_events(dated: Sequence[tuple[str, str]]) -> list[Event]:
    """Events from (EDTF date, title) pairs, in date order, as the timeline gives them."""
    events = [
        Event.model_validate(
            {
                "id": f"e{n}",
                "date": date,
                "title": title,
                "claims": [{"text": "x", "cite": [{"source": "s", "quote": "q"}]}],
            }
        )
        for n, (date, title) in enumerate(dated)
    ]
    return sorted(events, key=lambda e: e.date.parsed.sort_key)


# two background events decades before a year of events, as in the shipped briefing
BACKGROUND = make_events(
    [
        ("1846", "Mexican-American war (historical background)"),
        ("1990", "Operation Just Cause ends with Noriega's capture"),
        *((f"2025-{m:02d}-1{m % 9}", f"Event in month {m}") for m in range(1, 12)),
        ("2025-02-01/2025-02-17", "Trump on special forces in Mexico: 'Could happen'"),
        ("2025-11", 'Rubio calls the reports "fake stories"'),
    ]
)


def texts(svg: str) -> list[str]:
    """Every text of an SVG, a wrapped title as one."""
    return [" ".join(t.itertext()) for t in ElementTree.fromstring(svg).iter(f"{SVG}text")]


def tick_months(svg: str) -> list[tuple[int, int]]:
    """The (year, month) of each month tick label, in order: 'Feb 2025', 'May', ... carry the year."""
    out: list[tuple[int, int]] = []
    for text in texts(svg):
        m = re.fullmatch(r"([A-Z][a-z]{2})(?: (\d{4}))?", text)
        if m and m[1] in MONTHS:
            year = int(m[2]) if m[2] else out[-1][0]
            out.append((year, MONTHS.index(m[1]) + 1))
    return out


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_axis_breaks_where_nothing_happens_and_gives_room_where_things_do() -> None:
    events = make_events(
        [*((f"2025-0{m}-10", f"early {m}") for m in (1, 2, 3)), ("2025-09-01", "late")]
    )
    segments = axis_segments(events)
    # a break over the empty months, on one axis: six months away is not far enough to leave it
    assert [(s.lo.month, s.hi.month) for s in segments] == [(1, 4), (9, 10)]
    assert split_off_axis(events) == ([], events, [])
    widths = [s.x1 - s.x0 for s in segments]
    assert widths[0] > 2 * widths[1]  # three events get more room than one


@pytest.mark.parametrize("layout", LAYOUTS)
def test_events_decades_away_leave_the_axis_to_where_the_events_are(layout: Layout) -> None:
    for events in (BACKGROUND, shipped_events()):
        earlier, _, later = split_off_axis(events)
        assert [e.date.parsed.earliest.year for e in earlier] == [1846, 1990] and later == []
        segments = axis_segments(events, *layout.plot)
        plot = layout.plot[1] - layout.plot[0]
        in_2025 = sum(s.x1 - s.x0 for s in segments if s.lo.year == 2025)
        assert in_2025 >= 0.85 * plot and segments[0].lo.year == 2025
        # the background events are still drawn: titles and dates, under a heading
        drawn = " ".join(t for svg in timeline_panels(events, layout) for t in texts(svg))
        for event in earlier:
            assert typographic(event.title) in " ".join(drawn.split())
        assert {"1846", "1990"} <= set(drawn.split()) and "Earlier" in drawn


def test_only_a_few_far_events_leave_the_axis() -> None:
    """Events spread over a century are the story, not background: all stay on the axis."""
    events = make_events([(str(year), f"year {year}") for year in range(1900, 2001, 20)])
    assert split_off_axis(events) == ([], events, [])
    later = make_events([*((f"2020-0{m}-01", f"e{m}") for m in range(1, 9)), ("2060", "far")])
    assert [e.title for e in split_off_axis(later)[2]] == ["far"]
    assert "Later" in " ".join(texts(timeline_panels(later)[-1]))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_ticks_run_through_the_month_of_the_last_event(layout: Layout) -> None:
    for events in (BACKGROUND, shipped_events()):
        last = max(e.date.parsed.earliest for e in events)
        for svg in timeline_panels(events, layout):
            ticks = tick_months(svg)
            assert ticks and ticks[-1] >= (last.year, last.month), ticks


def test_quotes_and_apostrophes_in_the_chart_are_typographic() -> None:
    drawn = " ".join(" ".join(texts(svg)) for svg in timeline_panels(BACKGROUND, NARROW))
    assert "Noriega’s" in drawn and "‘Could happen’" in drawn
    assert "“fake stories”" in drawn and "'" not in drawn and '"' not in drawn
    assert typographic("the '90s, 'We're here' (\"no\")") == ("the ’90s, ‘We’re here’ (“no”)")


@pytest.mark.parametrize("palette", [LIGHT, DARK])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_text_is_at_least_11px_and_legible_in_its_theme(
    layout: Layout, palette: Palette
) -> None:
    for svg in timeline_panels(shipped_events(), layout, palette):
        root = ElementTree.fromstring(svg)
        sizes = [float(e.get("font-size", "")) for e in root.iter() if e.get("font-size")]
        assert sizes and min(sizes) >= 11  # drawn 1:1 in the HTML
        background = root.find(f"{SVG}rect")
        assert background is not None and background.get("fill") == palette.background
        for text in root.iter(f"{SVG}text"):
            fill = text.get("fill", "")
            assert contrast(fill, palette.background) >= 4.5
            assert contrast(fill, palette.band) >= 4.5
    assert contrast(palette.grid, palette.band) >= 1.4  # gridlines visible, on bands too
    assert contrast(palette.mark, palette.background) >= 3  # marks: a graphic's 3:1


def test_every_title_is_drawn_in_full_at_13px_in_panels_that_fit_a_pdf_page() -> None:
    events = shipped_events()
    for layout in LAYOUTS:
        panels = timeline_panels(events, layout)
        assert len(panels) >= 2
        drawn = ""
        for svg in panels:
            root = ElementTree.fromstring(svg)
            assert int(root.get("height")) <= PANEL_HEIGHT and root.get("font-size") == "13"
            assert all(t.get("font-size") in (None, "13") for t in root.iter(f"{SVG}text"))
            drawn += (
                " ".join(
                    " ".join(t.itertext())
                    for t in root.iter(f"{SVG}text")
                    if t.find(f"{SVG}tspan") is not None
                )
                + " "
            )
        assert "…" not in drawn
        for event in events:
            title = typographic(event.title)
            assert " ".join(title.split()) in " ".join(drawn.split()) or all(
                w in drawn for w in title.split()
            ), event.title
        # the legend once, under the last panel
        assert sum(">exact day<" in svg for svg in panels) == 1


def test_overlapping_quotes_are_one_highlighted_passage_with_every_anchor() -> None:
    from conftest import HARBOUR

    from briefgen.compose.book import compose_pages

    prepared = prepare(HARBOUR)
    pages = compose_pages(prepared.briefing, prepared.anchors)
    para = next(line for line in pages["sources/gazette"].splitlines() if line.startswith("[¶2]"))
    # three overlapping quotes make one passage; the other quote is apart
    assert para.count(".cited}") == 2
    for anchor in ("q-gazette-3bb22216", "q-gazette-f641f9e2", "q-gazette-c804ff57"):
        assert f"#{anchor}" in para
    back = next(line for line in pages["sources/gazette"].splitlines() if "Cited in" in line)
    assert re.search(r"Timeline: \[“The Port Authority voted to close…”\]", back), back


def test_a_supplied_title_is_bracketed_wherever_the_source_is_named() -> None:
    from briefgen.compose.book import compose_pages

    prepared = prepare(REPO)
    pages = compose_pages(prepared.briefing, prepared.anchors)
    title = "Trump moves forward with plans to deploy US forces to Mexico against cartels"
    assert pages["sources/internewscast-nbc-mexico"].startswith(f"# \\[{title}\\]")
    assert f"[\\[{title}\\]]" in pages["sources"]
    sources = pages["sources"]
    order = [
        sources.index(f"sources/{sid}.md")
        for sid in (
            "oan-special-forces",
            "zerohedge-green-berets",
            "unattributed-vance-war",
            "internewscast-nbc-mexico",
            "newsmax-troops-training",
        )
    ]
    assert order == sorted(order)  # by publication date (c. November 2025 may be 1 November)


def test_the_caption_names_axis_breaks_only_where_the_chart_has_them() -> None:
    from briefgen.compose.timeline import timeline_caption

    together = make_events([("2025-01-10", "a"), ("2025-02-10", "b"), ("2025-03-10", "c")])
    apart = make_events([("2025-01-10", "a"), ("2025-02-10", "b"), ("2025-09-10", "c")])
    assert len(axis_segments(together)) == 1 and len(axis_segments(apart)) == 2
    assert "Dashed lines break" not in timeline_caption(together)
    assert "Dashed lines break" in timeline_caption(apart)
    assert "listed apart" not in timeline_caption(apart)
    assert "listed apart" in timeline_caption(shipped_events())  # 1846 and 1990
