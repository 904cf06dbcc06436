"""The timeline: a chart, a chronology table and one entry per event; paged by period when long."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from briefgen.compose import blocks
from briefgen.compose.actors import actor_link
from briefgen.compose.blocks import (
    SECTION_TITLES,
    claims_paragraph,
    dating_text,
    fenced,
    list_table,
    toctree,
)
from briefgen.compose.charts import (
    DARK,
    LIGHT,
    NARROW,
    WIDE,
    Layout,
    axis_segments,
    split_off_axis,
    timeline_panels,
)
from briefgen.compose.markup import escape, label, link
from briefgen.compose.page import BookContext, Page, relative_target
from briefgen.core.model import Event

TIMELINE_INTRO = (
    "Events in date order. Each date shows its precision (day, month, season, range, approximate) and how it "
    "was established: stated in the source, derived from the article's own date, or taken from page metadata."
)


def _claims(events: Sequence[Event]) -> int:
    return sum(len(e.claims) for e in events)


def timeline_periods(events: Sequence[Event]) -> list[tuple[str, str, list[Event]]]:
    """Group date-ordered events into ``(slug, title, events)`` periods, by each event's earliest date."""
    return blocks.group_by_period(
        events,
        lambda e: e.date.parsed.earliest,
        _claims,
        min(blocks.PERIOD_CLAIMS, blocks.PAGE_CLAIMS),
        lambda e: e.date.parsed.day_known,
    )


def timeline_caption(events: Sequence[Event]) -> str:
    """The chart's caption, naming only what this chart shows (axis breaks, events set apart)."""
    caption = (
        "Events on a date axis: dots are exact days, bars are spans (month, season or range), hollow dashed marks are "
        "approximate or uncertain dates."
    )
    if len(axis_segments(events)) > 1:
        caption += " Dashed lines break the axis where nothing happens for a long stretch."
    earlier, _, later = split_off_axis(events)
    if earlier or later:
        caption += (
            " Events far before or after the rest are listed apart, with their dates, off the axis."
        )
    return caption


def _timeline_chart(page: Page, events: Sequence[Event], asset: str) -> None:
    """The chart as one figure per panel (see ``charts.timeline_panels``), the caption under the last.

    HTML also gets a narrow form, each title over its mark, that phones show instead, and each
    form in the dark theme's colours: a chart shown as an image cannot see the page's theme, so
    the page shows the copy for its theme (CSS). The PDF has the light wide form only."""
    caption = timeline_caption(events)

    def figures(layout: Layout, dark: bool, suffix: str, figclass: str) -> list[str]:
        panels = timeline_panels(events, layout, DARK if dark else LIGHT)
        lines = []
        for n, svg in enumerate(panels, start=1):
            name = asset + suffix + ("-dark" if dark else "") + ("" if n == 1 else f"-{n}")
            page.assets[f"charts/{name}.svg"] = svg
            alt = "Timeline chart of the events below" + (
                f", part {n} of {len(panels)}" if len(panels) > 1 else ""
            )
            lines += [
                f"```{{figure}} /charts/{name}.svg",
                f":alt: {alt}",
                # only-dark: the theme then leaves the image as it is (no dimming, no white box)
                *([":class: only-dark"] if dark else []),
                f":figclass: timeline-chart {figclass} timeline-{'dark' if dark else 'light'}",
                "",
                *([escape(caption)] if n == len(panels) else []),
                "```",
                "",
            ]
        return lines

    if not events:
        return
    page.add(*figures(WIDE, False, "", "timeline-wide"))
    html_only = [
        *figures(WIDE, True, "", "timeline-wide"),
        *figures(NARROW, False, "-narrow", "timeline-narrow"),
        *figures(NARROW, True, "-narrow", "timeline-narrow"),
    ]
    page.add(*fenced("only", "\n".join(html_only), "html"))


def _timeline_events(ctx: BookContext, page: Page, events: Sequence[Event]) -> None:
    """The chronology table, then one headed entry per event, on ``page``."""
    rows = [
        [
            escape(e.date.parsed.display()),
            link(escape(e.title), f"#event-{e.id}"),
            escape(f"{e.date.parsed.precision}, {e.date.basis}"),
        ]
        for e in events
    ]
    page.add(
        *list_table(["Date", "Event", "Precision"], rows, widths=[3, 6, 2], classes=("chronology",))
    )
    for event in events:
        page.add(
            label(f"event-{event.id}"),
            f"## {escape(event.date.parsed.display())}: {escape(event.title)}",
            "",
        )
        meta = [f"{ctx.item_mark('event', event.id)}*Date:* {escape(dating_text(event.date))}"]
        if event.actors:
            meta.append(
                "*Actors:* " + ", ".join(actor_link(ctx, page.docname, a) for a in event.actors)
            )
        page.para(" · ".join(meta))
        page.para(claims_paragraph(page, event.claims))


def timeline_pages(ctx: BookContext) -> list[Page]:
    """The timeline: one page, or past ``PAGE_CLAIMS`` claims a hub plus a page per period."""
    return [page for _, make, _ in timeline_units(ctx.timeline.events) for page in make(ctx)]


def timeline_units(
    events: Sequence[Event],
) -> list[tuple[str, Callable[[BookContext], list[Page]], tuple[Any, ...]]]:
    """The timeline's pages as units composed apart (name, composer, what it reads besides the
    book's shared inputs and anchors), so an edited event recomposes its own period's page and the
    hub, not every page. Events are frozen models: a key holds them, compared by value."""
    events = sorted(events, key=lambda e: e.date.parsed.sort_key)
    if _claims(events) <= blocks.PAGE_CLAIMS:
        return [
            ("section:timeline", partial(_single_page, events=events), ("single", tuple(events)))
        ]
    periods = timeline_periods(events)
    hub_key = ("hub", tuple((slug, name, tuple(evs)) for slug, name, evs in periods))
    units: list[tuple[str, Callable[[BookContext], list[Page]], tuple[Any, ...]]] = [
        ("section:timeline", partial(_hub_page, events=events, periods=periods), hub_key)
    ]
    units.extend(
        (
            f"section:timeline/{slug}",
            partial(_period_page, slug=slug, name=name, events=evs),
            ("period", slug, name, tuple(evs)),
        )
        for slug, name, evs in periods
    )
    return units


def _single_page(ctx: BookContext, events: list[Event]) -> list[Page]:
    page = Page(ctx, "timeline", SECTION_TITLES["timeline"])
    page.para(TIMELINE_INTRO)
    _timeline_chart(page, events, "timeline")
    _timeline_events(ctx, page, events)
    return [page]


def _hub_page(
    ctx: BookContext, events: list[Event], periods: list[tuple[str, str, list[Event]]]
) -> list[Page]:
    page = Page(ctx, "timeline", SECTION_TITLES["timeline"])
    page.para(TIMELINE_INTRO)
    page.para(
        f"{len(events)} events in {len(periods)} periods, one page each; every page has its own chart and chronology."
    )
    rows = [
        [
            link(escape(name), relative_target("timeline", f"timeline/{slug}")),
            str(len(evs)),
            escape(evs[0].date.parsed.display()),
            escape(evs[-1].date.parsed.display()),
        ]
        for slug, name, evs in periods
    ]
    page.add(
        *list_table(
            ["Period", "Events", "First", "Last"],
            rows,
            widths=[4, 2, 3, 3],
            classes=("chronology",),
        )
    )
    page.add(*toctree([f"timeline/{slug}" for slug, _, _ in periods], hidden=True))
    return [page]


def _period_page(ctx: BookContext, slug: str, name: str, events: list[Event]) -> list[Page]:
    title = SECTION_TITLES["timeline"]
    sub = Page(ctx, f"timeline/{slug}", name, short_title=f"{title}, {name}")
    _timeline_chart(sub, events, f"timeline-{slug}")
    _timeline_events(ctx, sub, events)
    return [sub]
