"""The timeline chart and the highlighted passages, without a browser: what the SVG and the page hold."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from conftest import REPO

from briefgen.compose.charts import NARROW, PANEL_HEIGHT, axis_segments, timeline_panels
from briefgen.trust.prepare import prepare

SVG = "{http://www.w3.org/2000/svg}"


def shipped_events():
    events = prepare(REPO).briefing.timeline.events
    return sorted(events, key=lambda e: e.date.parsed.sort_key)


def test_axis_breaks_where_nothing_happens_and_gives_room_where_things_do() -> None:
    events = shipped_events()
    segments = axis_segments(events)
    # two breaks: 1846-1990 and 1990-2025
    assert [s.lo.year for s in segments] == [
        1846,
        1990,
        2025,
    ]
    widths = [s.x1 - s.x0 for s in segments]
    assert widths[2] > 3 * max(widths[:2])  # the year with 28 events gets the room


def test_every_title_is_drawn_in_full_at_13px_in_panels_that_fit_a_pdf_page() -> None:
    events = shipped_events()
    for layout in (None, NARROW):
        panels = timeline_panels(events) if layout is None else timeline_panels(events, layout)
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
            assert " ".join(event.title.split()) in " ".join(drawn.split()) or all(
                w in drawn for w in event.title.split()
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
    back = next(
        line for line in pages["sources/gazette"].splitlines() if line.startswith("[Cited in:")
    )
    assert re.search(r"\[Timeline: “The Port Authority voted to close…”\]", back), back


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
