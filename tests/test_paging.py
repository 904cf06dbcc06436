"""Sections that grow with the briefing are split into pages, so an edit re-reads one small page and
no page (nor its navigation) grows with the whole book."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import REPO
from htmlcheck import anchored_quotes, check_citation_links
from pypdf import PdfReader

from briefgen.building.book import build
from briefgen.compose import blocks, sources, timeline
from briefgen.compose.book import compose_pages
from briefgen.trust.prepare import prepare

sys.path.insert(0, str(REPO / "benchmarks"))
from synth import generate

LABEL = re.compile(r"^\(event-([a-z0-9-]+)\)=$", re.M)


def test_short_timeline_stays_one_page(harbour: Path) -> None:
    prepared = prepare(harbour)
    pages = compose_pages(prepared.briefing, prepared.anchors)
    assert not [doc for doc in pages if doc.startswith("timeline/")]
    assert len(LABEL.findall(pages["timeline"])) == 2


def test_long_timeline_gets_a_page_per_month_and_every_event_once(tmp_path: Path) -> None:
    prepared = prepare(generate(tmp_path / "n100", 100))
    pages = compose_pages(prepared.briefing, prepared.anchors)
    periods = sorted(doc for doc in pages if doc.startswith("timeline/"))
    # 200 claims in 2025: > 150, so by month
    assert periods == [f"timeline/2025-{m:02d}" for m in range(1, 13)]
    hub = pages["timeline"]
    assert not LABEL.findall(hub), "the hub lists periods, not events"
    for doc in periods:
        assert f"\n/{doc}\n" in hub, f"{doc} missing from the hub's toctree"
        assert f"({doc[len('timeline/') :]}.md)" in hub or f"(<{doc}.md>)" in hub, (
            f"no link to {doc}"
        )
    placed = [e for doc in periods for e in LABEL.findall(pages[doc])]
    assert sorted(placed) == sorted(e.id for e in prepared.briefing.timeline.events)
    for doc in periods:  # each event sits on the page of its own month
        month = doc[-2:]
        for event_id in LABEL.findall(pages[doc]):
            event = next(e for e in prepared.briefing.timeline.events if e.id == event_id)
            assert f"{event.date.parsed.earliest.month:02d}" == month


def test_many_sources_are_listed_by_publication_month_and_background_by_topic(
    tmp_path: Path,
) -> None:
    prepared = prepare(generate(tmp_path / "n100", 100))
    pages = compose_pages(prepared.briefing, prepared.anchors)
    groups = sorted(doc for doc in pages if doc.startswith("source-texts/"))
    # 100 sources > 40, all from 2025
    assert groups == [f"source-texts/2025-{m:02d}" for m in range(1, 13)]
    listed = [
        line[len("/sources/") :]
        for doc in groups
        for line in pages[doc].splitlines()
        if line.startswith("/sources/")
    ]
    assert sorted(listed) == sorted(prepared.briefing.sources)  # every text in exactly one period
    index = pages["index"]
    assert all(f"\n/{doc}\n" in index for doc in groups) and "\n/sources/report-" not in index
    topics = [t.id for t in prepared.briefing.background.topics]
    assert sorted(doc for doc in pages if doc.startswith("background/")) == sorted(
        f"background/{t}" for t in topics
    )
    assert all(f"({'topic-' + t})=" in pages[f"background/{t}"] for t in topics)


def test_periods_group_by_year_then_month_for_crowded_years(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared = prepare(generate(tmp_path / "n5", 5))
    events = sorted(prepared.briefing.timeline.events, key=lambda e: e.date.parsed.sort_key)
    claims = sum(len(e.claims) for e in events)
    monkeypatch.setattr(blocks, "PAGE_CLAIMS", claims)
    assert [slug for slug, _, _ in timeline.timeline_periods(events)] == ["2025"]
    monkeypatch.setattr(blocks, "PAGE_CLAIMS", claims - 1)
    split = timeline.timeline_periods(events)
    assert next(name for _, name, _ in split) == "January 2025"
    assert sum(len(evs) for _, _, evs in split) == len(events)


def _internal_links_resolve(html: Path) -> int:
    """Every link with a #fragment to a page of the book lands on an element with that id."""
    checked = 0
    for page in sorted(html.rglob("*.html")):
        for a in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select(
            "a[href*='#']"
        ):
            href, _, frag = a["href"].partition("#")
            if "://" in href or not frag:
                continue
            target = (page.parent / href).resolve() if href else page
            assert target.is_file(), f"{page.relative_to(html)}: {a['href']}"
            assert BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser").find(id=frag), (
                f"{page.relative_to(html)}: {a['href']}"
            )
            checked += 1
    return checked


@pytest.mark.build
def test_paged_sections_build_html_and_pdf_and_an_edit_rereads_one_period(
    harbour: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # timeline by month (March, April 2024), actors by party
    monkeypatch.setattr(blocks, "PAGE_CLAIMS", 1)
    # source texts listed by publication date: 4 and 6 May 2024, days 1-5 and 6-10
    monkeypatch.setattr(sources, "SOURCES_PER_LIST", 1)
    build(harbour, ("html", "pdf"))
    html = harbour / "_build/html"
    for page in (
        "timeline/2024-03",
        "timeline/2024-04",
        "actors/party-authority",
        "actors/party-guild",
        "source-texts/2024-05-01",
        "source-texts/2024-05-06",
    ):
        assert (html / f"{page}.html").is_file(), page
    assert check_citation_links(html, anchored_quotes(harbour)) >= 15
    # event tables, actor links from events, 'cited in' links
    assert _internal_links_resolve(html) >= 30
    assert "2024-03.html" in (html / "timeline.html").read_text()
    # texts listed by period: a text's page links back to its period and carries no navigation tree
    text_page = BeautifulSoup((html / "sources/gazette.html").read_text(), "html.parser")
    assert text_page.select_one("a[href='../source-texts/2024-05-01.html']") is not None
    assert not text_page.select(".bd-sidenav"), (
        "source pages of a large book skip the navigation tree"
    )
    assert BeautifulSoup((html / "timeline.html").read_text(), "html.parser").select(".bd-sidenav")
    actor_map = next(p for p in (html / "_images").glob("graphviz-*.svg"))
    assert "party-authority.html#actor-varga" in actor_map.read_text()
    reader = PdfReader(next((harbour / "_build/pdf").glob("*.pdf")))

    def plain(
        title: str,
    ) -> str:  # bookmarks carry the heading numbers ("5 Timeline", "Appendix A ...")
        return re.sub(r"^(Appendix )?[A-Z0-9.]+ ", "", title)

    top = [plain(item.title) for item in reader.outline if not isinstance(item, list)]
    nested = [
        plain(item.title)
        for items in reader.outline
        if isinstance(items, list)
        for item in items
        if not isinstance(item, list)
    ]
    assert {"Timeline", "Actors", "Sources published in May 2024, days 1\u20135"} <= set(top)
    assert {
        "March 2024",
        "April 2024",
        "Port Authority",
        "Authority votes to close north pier",
    } <= set(nested)
    timeline_yaml = harbour / "briefing/timeline.yaml"
    timeline_yaml.write_text(
        timeline_yaml.read_text().replace(
            "text: The Port Authority voted to close the north pier.",
            "text: The Port Authority voted on a Tuesday to close the north pier.",
        )
    )
    report = build(harbour, ("html",))
    # the period's page, and the cited text, whose back-link quotes the claim's first words
    assert report.sphinx["html"].read == ["sources/gazette", "timeline/2024-04"]
    assert "voted on a Tuesday" in (html / "timeline/2024-04.html").read_text()


def test_a_crowded_month_is_split_into_three_fixed_parts_by_day() -> None:
    """Sphinx re-reads a whole page per edit: a month of hundreds of claims is cut at days 10 and
    20, fixed boundaries, so adding an item changes one part; a month in one part stays whole."""
    import datetime as dt

    days = [dt.date(2025, 1, d) for d in (1, 1, 5, 12, 19, 25, 31)] + [
        dt.date(2025, 2, 3),
        dt.date(2025, 2, 4),
    ]
    periods = blocks.group_by_period(days, lambda d: d, len, 3)
    assert [(slug, name) for slug, name, _ in periods] == [
        ("2025-01-01", "January 2025, days 1\u201310"),
        ("2025-01-11", "January 2025, days 11\u201320"),
        ("2025-01-21", "January 2025, days 21\u201331"),
        ("2025-02", "February 2025"),
    ]
    assert [len(items) for _, _, items in periods] == [3, 2, 2, 2]
    grown = blocks.group_by_period(
        [*days[:3], dt.date(2025, 1, 15), *days[3:]], lambda d: d, len, 3
    )
    changed = [
        slug
        for (slug, _, items), (_, _, before) in zip(grown, periods, strict=True)
        if items != before
    ]
    assert changed == ["2025-01-11"]


def test_a_month_part_still_crowded_is_halved_then_split_by_day() -> None:
    """A fixed day range over the limit splits further (a third into halves, a half into days), only
    as far as needed, so a crowded week does not make one long page; the finer boundaries are fixed
    too: an added item changes only its own range. What dates cannot split is cut into parts."""
    import datetime as dt

    days = [dt.date(2025, 3, d) for d in (2, 3, 3, 7, 9, 14, 22, 22, 22, 22, 28)]
    periods = blocks.group_by_period(days, lambda d: d, len, 3)
    assert [(slug, name, len(items)) for slug, name, items in periods] == [
        ("2025-03-01", "March 2025, days 1\u20135", 3),  # the third of 5 items, halved
        ("2025-03-06", "March 2025, days 6\u201310", 2),
        ("2025-03-11", "March 2025, days 11\u201320", 1),
        (
            "2025-03-22-part1",
            "March 2025, day 22, part 1",
            3,
        ),  # all on one day: dates cannot split it, so parts
        ("2025-03-22-part2", "March 2025, day 22, part 2", 1),
        ("2025-03-26", "March 2025, days 26\u201331", 1),
    ]
    assert sum(len(items) for _, _, items in periods) == len(days)
    grown = blocks.group_by_period(sorted([*days, dt.date(2025, 3, 8)]), lambda d: d, len, 3)
    before = {slug: items for slug, _, items in periods}
    assert [slug for slug, _, items in grown if before.get(slug) != items] == ["2025-03-06"]
    crowded = blocks.group_by_period(
        sorted([*days, *[dt.date(2025, 3, 8)] * 2]), lambda d: d, len, 3
    )
    # days 6-10 outgrew 3: by day
    assert [name for _, name, _ in crowded][1:4] == [
        "March 2025, day 7",
        "March 2025, day 8",
        "March 2025, day 9",
    ]


def test_items_without_a_known_day_get_their_own_periods_in_a_split_month() -> None:
    """Events dated only to the month (or a season, or approximately) sit on no day: a split month
    lists them first, as "no day given", cut into numbered parts in order if they are many; a reader
    is never told "day 1". A month that stays whole keeps them with the rest."""
    import datetime as dt

    items = [(dt.date(2025, 2, 1), n, False) for n in range(7)] + [
        (dt.date(2025, 2, 1), 7, True),
        (dt.date(2025, 2, 9), 8, True),
        (dt.date(2025, 3, 1), 9, False),
    ]
    periods = blocks.group_by_period(items, lambda item: item[0], len, 3, lambda item: item[2])
    assert [(slug, name, [n for _, n, _ in part]) for slug, name, part in periods] == [
        ("2025-02-no-day-part1", "February 2025, no day given, part 1", [0, 1, 2]),
        ("2025-02-no-day-part2", "February 2025, no day given, part 2", [3, 4, 5]),
        ("2025-02-no-day-part3", "February 2025, no day given, part 3", [6]),
        (
            "2025-02-01",
            "February 2025, days 1\u201328",
            [7, 8],
        ),  # a real 1 February and the 9th: the dated days, named as such
        ("2025-03", "March 2025", [9]),
    ]
    weighted = blocks.group_by_period(
        items,
        lambda item: item[0],
        lambda part: sum(5 if n == 1 else 1 for _, n, _ in part),
        3,
        lambda item: item[2],
    )
    # an item over the limit stands alone
    assert [[n for _, n, _ in part] for _, _, part in weighted][:3] == [
        [0],
        [1],
        [2, 3, 4],
    ]


@pytest.mark.parametrize(
    "text, known",
    [
        ("2025-02-17", True),
        ("2025-02-17~", True),
        ("2025-02-17/2025-03-30", True),
        ("2025-02", False),
        ("2025-03~", False),
        ("2025-21", False),
        ("2025", False),
        ("2025-02/2025-03", False),
    ],
)
def test_a_date_knows_whether_it_names_its_day(text: str, known: bool) -> None:
    from briefgen.core.dates import parse_date

    assert parse_date(text).day_known is known


def test_parts_belong_to_their_day_and_an_item_elsewhere_renames_none() -> None:
    """Two crowded days in one third each get their own parts (never mixed across dates), and an
    item added on another day leaves their names alone; a month of one oversized item keeps its name."""
    import datetime as dt

    days = [dt.date(2025, 3, 2)] * 4 + [dt.date(2025, 3, 7)] * 4
    periods = blocks.group_by_period(days, lambda d: d, len, 3)
    assert [(slug, len(items), {d.day for d in items}) for slug, _, items in periods] == [
        ("2025-03-02-part1", 3, {2}),
        ("2025-03-02-part2", 1, {2}),
        ("2025-03-07-part1", 3, {7}),
        ("2025-03-07-part2", 1, {7}),
    ]
    grown = blocks.group_by_period(sorted([*days, dt.date(2025, 3, 15)]), lambda d: d, len, 3)
    assert [slug for slug, _, _ in grown] == [slug for slug, _, _ in periods] + ["2025-03-11"]
    alone = blocks.group_by_period(
        [dt.date(2025, 4, 22)], lambda d: d, lambda items: 10 * len(items), 3
    )
    # over the limit, yet one item: no parts
    assert [(slug, name) for slug, name, _ in alone] == [("2025-04", "April 2025")]
    crowded_year = blocks.group_by_period(
        [dt.date(2025, 4, 22), dt.date(2025, 5, 1)], lambda d: d, lambda items: 10 * len(items), 3
    )
    assert [(slug, name) for slug, name, _ in crowded_year] == [
        ("2025-04", "April 2025"),
        ("2025-05", "May 2025"),
    ]
    assert blocks.group_by_period([], lambda d: d, len, 3) == []
