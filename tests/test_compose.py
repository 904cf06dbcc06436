"""Composer: deterministic pages (snapshots), writes only what changed, escapes all YAML text."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import HARBOUR

from briefgen.compose.book import compose_book, compose_pages
from briefgen.compose.markup import escape
from briefgen.trust.prepare import prepare


@pytest.fixture(scope="module")
def prepared():
    return prepare(HARBOUR)


@pytest.mark.parametrize(
    "docname",
    [
        "index",
        "summary",
        "background",
        "actors",
        "positions",
        "timeline",
        "questions",
        "sources",
        "sources/gazette",
        "sources/herald",
    ],
)
def test_page_snapshot(prepared, docname: str, file_regression) -> None:
    pages = compose_pages(prepared.briefing, prepared.anchors)
    file_regression.check(pages[docname], basename=docname.replace("/", "__"), extension=".md")


def test_same_input_same_bytes(prepared) -> None:
    assert compose_pages(prepared.briefing, prepared.anchors) == compose_pages(
        prepared.briefing, prepared.anchors
    )


def test_writes_only_changed_pages_and_removes_stale(prepared, tmp_path: Path) -> None:
    out = tmp_path / "src"
    first = compose_book(prepared.briefing, prepared.anchors, out)
    assert set(first.written) == set(first.pages)
    stale = out / "old-page.md"
    stale.write_text("# gone\n")
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*.md") if p != stale}
    second = compose_book(prepared.briefing, prepared.anchors, out)
    assert second.written == []
    assert second.removed == ["old-page"]
    assert not stale.exists()
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.md")} == mtimes


def test_every_citation_becomes_a_footnote_linking_to_its_anchor(prepared) -> None:
    pages = compose_pages(prepared.briefing, prepared.anchors)
    for text in pages.values():
        refs = {line.split("]:")[0][2:] for line in text.splitlines() if line.startswith("[^")}
        for ref in refs:
            assert f"[^{ref}]" in text.replace(f"[^{ref}]:", "")
    anchors = [
        (t.source_id, a.anchor_id)
        for t in prepared.anchors.texts.values()
        for a in t.anchors.values()
    ]
    for source, aid in anchors:
        assert aid.startswith(f"q-{source}-"), aid
        assert f"#{aid}" in pages[f"sources/{source}"], aid  # the highlighted span carries the id
        assert any(f"#{aid}>)" in text for doc, text in pages.items()), aid  # something links to it


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "{raw}`html <b>x</b>`",
        "```{eval-rst}\n.. raw:: html\n```",
        "[link](javascript:alert(1))",
        "[^c1] footnote hijack",
        "| table | cell |",
        "# heading\n- list",
        "\\input{/etc/passwd} \\write18{rm -rf /}",
        "*emph* _em_ **strong** `code` $math$",
        "1. not a list",
        "&amp; &#60; entity",
        "\u202eevil bidi\u202c and zero\u200bwidth",
    ],
)
def test_escape_leaves_no_markup(hostile: str) -> None:
    escaped = escape(hostile)
    # Every ASCII punctuation character is preceded by a backslash; nothing else is.
    unescaped = escaped.replace("\\\\", "").replace("\\", "")
    assert "\n" not in escaped
    assert "\u202e" not in escaped
    for i, ch in enumerate(escaped):
        if ch in "<>[](){}`*_#|$&!-.":
            assert escaped[i - 1] == "\\", (hostile, escaped)
    assert unescaped  # text survives


def test_shipped_code_knows_no_topic() -> None:
    root = Path(__file__).resolve().parents[1]
    words = (
        "mexic",
        "cartel",
        "sheinbaum",
        "hegseth",
        "trump",
        "newsmax",
        "zerohedge",
        "zero hedge",
        "green beret",
    )
    for folder in ("src", "conf"):
        for path in (root / folder).rglob("*"):
            if path.is_file() and path.suffix in {
                ".py",
                ".css",
                ".html",
                ".js",
                ".txt",
                ".json",
                ".typ",
            }:
                text = path.read_text(encoding="utf-8").lower()
                found = [w for w in words if w in text]
                assert not found, f"{path.relative_to(root)} mentions {found}"


def test_a_party_speaking_only_through_its_actors_is_not_shown_as_silent(tmp_path: Path) -> None:
    """The matrix shows positions a party holds through its actors, named; "(no position
    reported)" is kept for a party with none at all."""
    from conftest import copy_project

    root = copy_project(HARBOUR, tmp_path / "harbour")
    positions = root / "briefing/positions.yaml"
    positions.write_text(
        positions.read_text().replace(
            "    party: guild\n", "    party: guild\n    actor: bell\n", 1
        )
    )
    book = root / "briefing/book.yaml"
    book.write_text(
        book.read_text().replace(
            "  - {id: guild, name: Fishers' Guild}\n",
            "  - {id: guild, name: Fishers' Guild}\n  - {id: council, name: Town Council}\n",
        )
    )
    p = prepare(root)
    page = compose_pages(p.briefing, p.anchors)["positions"]
    matrix = page.split("```", 2)[1]
    row = matrix.split("* - [Was the guild consulted", 1)[1].splitlines()
    assert row[1:4] == [
        "  - Held public meetings",
        "  - Tomas Bell: Not consulted",
        "  - (no position reported)",  # the council: no position at all
    ], row


def test_back_link_labels_take_as_many_words_as_tell_the_claims_apart() -> None:
    from briefgen.compose.page import distinct_excerpts

    texts = [
        "According to NBC News, as relayed by Newsmax, troops began training",
        "According to NBC News, as relayed by Newsmax, drones may be used",
        "Mexico rejected any intervention",
    ]
    assert distinct_excerpts(texts) == [
        "According to NBC News, as relayed by Newsmax, troops…",
        "According to NBC News, as relayed by Newsmax, drones…",
        "Mexico rejected any intervention",
    ]
    assert distinct_excerpts([texts[2], texts[2]]) == [texts[2], texts[2]]


def test_a_source_card_shows_when_the_page_was_retrieved_and_its_archived_copy(
    tmp_path: Path,
) -> None:
    """Beside the live link: the retrieval time (in UTC, whatever zone the YAML gives) and the
    analyst's archived copy; brackets in an address cannot end the link."""
    from conftest import copy_project

    root = copy_project(HARBOUR, tmp_path / "harbour")
    gazette = root / "briefing/sources/gazette.yaml"
    gazette.write_text(
        gazette.read_text().replace(
            "outlet: Harbour Gazette\n",
            "outlet: Harbour Gazette\n"
            "url: https://gazette.example/pier\n"
            "archive_url: https://web.archive.org/web/2026/https://gazette.example/pier?a=)](x)\n"
            "snapshot:\n"
            "  file: seeds/originals/gazette.html\n"
            f"  sha256: {'ab' * 32}\n"
            "  retrieved: '2026-12-07T23:40:00+01:00'\n"
            "  url: https://gazette.example/pier\n",
        )
    )
    p = prepare(root)
    page = compose_pages(p.briefing, p.anchors)["sources/gazette"]
    row = next(line for line in page.splitlines() if "gazette.example/pier" in line)
    assert row == (
        "  - [https\\:\\/\\/gazette\\.example\\/pier](<https://gazette.example/pier>)"
        " (Retrieved 7 Dec 2026 22\\:40 UTC; [archived copy]"
        "(<https://web.archive.org/web/2026/https://gazette.example/pier?a=)](x)>))"
    )
