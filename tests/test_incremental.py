"""Incremental rebuilds: an edit re-reads and rewrites only the pages that show it."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.building.book import build

pytestmark = pytest.mark.build
# written by every new Sphinx application (a kept one: when the navigation changed; genindex is off)
GENERATED = {"search"}


def test_no_change_rebuild_reads_and_writes_no_page(harbour: Path) -> None:
    from briefgen.warm import stamp

    build(harbour, ("html",))
    assert build(harbour, ("html",)).up_to_date  # the no-op: Sphinx does not even start
    # forced through the whole build, nothing is composed, read or written either
    stamp.clear(harbour)
    report = build(harbour, ("html",))
    assert report.composed == []
    assert report.sphinx["html"].read == []
    assert set(report.sphinx["html"].written) <= GENERATED


def test_one_event_edit_touches_only_the_timeline(harbour: Path) -> None:
    build(harbour, ("html",))
    timeline = harbour / "briefing/timeline.yaml"
    timeline.write_text(
        timeline.read_text().replace(
            "text: The Port Authority voted to close the north pier.",
            "text: The Port Authority voted on a Tuesday to close the north pier.",
        )
    )
    report = build(harbour, ("html",))
    # The cited source page's back-link quotes the claim's first words, so it changes too.
    assert sorted(report.composed) == ["sources/gazette", "timeline"]
    assert sorted(report.sphinx["html"].read) == ["sources/gazette", "timeline"]
    # index lists the timeline in its table of contents, but no title changed: it is not written again
    assert set(report.sphinx["html"].written) - GENERATED == {"timeline", "sources/gazette"}
    assert "voted on a Tuesday" in (harbour / "_build/html/timeline.html").read_text()
    assert (
        "“The Port Authority voted on a…”"
        in (harbour / "_build/html/sources/gazette.html").read_text()
    )


def test_changing_a_citation_also_updates_the_cited_source_page(harbour: Path) -> None:
    build(harbour, ("html",))
    timeline = harbour / "briefing/timeline.yaml"
    timeline.write_text(
        timeline.read_text().replace(
            "cite: [{source: gazette, quote: voted on Tuesday to close the north pier}]",
            "cite: [{source: gazette, quote: would start in June}]",
        )
    )
    report = build(harbour, ("html",))
    assert sorted(report.composed) == ["sources/gazette", "timeline"]
    assert report.sphinx["html"].read == ["sources/gazette", "timeline"]


def test_publish_links_unchanged_files_and_copies_changed_ones(harbour: Path) -> None:
    build(harbour, ("html",))
    html = harbour / "_build/html"
    before = {
        name: (html / name).stat().st_ino
        for name in ("background.html", "timeline.html", "annotations.jsonld", "edition.json")
    }
    timeline = harbour / "briefing/timeline.yaml"
    timeline.write_text(
        timeline.read_text().replace("title: Public meetings", "title: Public meetings held")
    )
    build(harbour, ("html",))
    # hard link, not a copy
    assert (html / "background.html").stat().st_ino == before["background.html"]
    assert (html / "timeline.html").stat().st_ino != before["timeline.html"]
    # an event's title is in no annotation
    assert (html / "annotations.jsonld").stat().st_ino == before["annotations.jsonld"]
    assert (html / "edition.json").stat().st_ino != before[
        "edition.json"
    ] and b"Public meetings held" in (html / "edition.json").read_bytes()
    assert "Public meetings held" in (html / "timeline.html").read_text()
    # never linked to Sphinx's files
    assert (harbour / "_build/.work/html/background.html").stat().st_ino != before[
        "background.html"
    ]


def test_parallel_build_is_used_for_many_pages_and_gives_the_same_book(
    shipped: Path, tmp_path: Path
) -> None:
    """-j 2 splits a cold build across processes and yields the same bytes as one process;
    a one-page edit runs in one process (forking costs more than it saves there)."""
    import shutil

    serial = tmp_path / "serial"
    shutil.copytree(shipped, serial)
    parallel_run = build(shipped, ("html",), jobs=2).sphinx["html"]
    assert parallel_run.processes == 2 and len(parallel_run.read) >= 10
    assert build(serial, ("html",), jobs=1).sphinx["html"].processes == 1
    pages = sorted(
        p.relative_to(shipped / "_build/html") for p in (shipped / "_build/html").rglob("*.html")
    )
    assert len(pages) >= 10
    for page in pages:
        assert (shipped / "_build/html" / page).read_bytes() == (
            serial / "_build/html" / page
        ).read_bytes(), page
    timeline = shipped / "briefing/timeline.yaml"
    timeline.write_text(timeline.read_text().replace("- text: ", "- text: (edited) ", 1))
    edit_run = build(shipped, ("html",), jobs=2).sphinx["html"]
    # the timeline, and the source page whose back-link quotes the edited claim's first words
    assert (
        edit_run.read == ["sources/unattributed-vance-war", "timeline"] and edit_run.processes == 1
    )


def test_settling_between_builds_freezes_survivors_and_leaks_no_cycle() -> None:
    """serve calls settle_after_build once a book is published: what survives is frozen (the next
    build's collections skip it), and a cycle dropped after one settle is freed by the next."""
    import gc
    import weakref

    from briefgen.core.gcpause import settle_after_build

    class Node:
        pass

    try:
        kept, dropped = Node(), Node()
        kept.me, dropped.me = kept, dropped  # two reference cycles
        settle_after_build()
        assert gc.get_freeze_count() > 0
        ref = weakref.ref(dropped)
        del dropped
        assert ref() is not None  # frozen with the rest: only a collection can free a cycle
        settle_after_build()
        assert ref() is None
    finally:
        gc.unfreeze()


def test_a_settling_warm_process_freezes_the_front_half_and_the_next_settle_frees_its_garbage(
    harbour: Path,
) -> None:
    """A warm build in a process that settles between builds freezes the front half's objects before
    Sphinx runs (its collections then skip them); a cycle dropped before the build is kept through
    it and freed by the next settle."""
    import gc
    import weakref

    from briefgen.core.gcpause import settle_after_build
    from briefgen.warm.front import FrontCache

    class Node:
        pass

    cache = FrontCache()
    build(harbour, ("html",), cache=cache)
    try:
        settle_after_build()
        dropped = Node()
        dropped.me = dropped
        ref = weakref.ref(dropped)
        del dropped
        timeline = harbour / "briefing/timeline.yaml"
        timeline.write_text(
            timeline.read_text().replace("title: Public meetings", "title: Public meetings held")
        )
        build(harbour, ("html",), cache=cache)
        # frozen with the front half: no collection during the build walked it
        assert ref() is not None
        settle_after_build()
        assert ref() is None
    finally:
        gc.unfreeze()
