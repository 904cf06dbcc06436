"""Independent origins are counted over cited passages: relayed paragraphs and republished articles
count as the report they pass on (the harbour fixture's syndicated pair and relayed paragraph)."""

from __future__ import annotations

from pathlib import Path

from conftest import HARBOUR, copy_project

from briefgen.core.model import Citation
from briefgen.trust.lint import lint
from briefgen.trust.prepare import prepare
from briefgen.trust.provenance import cite_origin, origins, sourcing_phrase


def cite(source: str, quote: str) -> Citation:
    return Citation(source=source, quote=quote)


HERALD = cite("herald", "will take about eight months")
REPUBLISHED = cite("bay-daily", "will take about eight months")
GAZETTE_OWN = cite("gazette", "voted on Tuesday to close the north pier for repairs")
GAZETTE_RELAYED = cite("gazette", "expect the pier to stay shut until the new year")


def _keys(project: Path, *cites: Citation) -> list[str]:
    p = prepare(project)
    return list(origins(p.briefing, p.anchors, cites))


def test_a_republished_article_is_the_report_it_republishes() -> None:
    p = prepare(HARBOUR)
    assert cite_origin(p.briefing, p.anchors, REPUBLISHED).label == "Coastal Herald"
    found = origins(p.briefing, p.anchors, [HERALD, REPUBLISHED])
    assert list(found) == ["herald"]
    assert sourcing_phrase(found) == "1 independent origin (Coastal Herald)"


def test_a_relayed_paragraph_counts_as_its_report_and_the_others_as_the_outlets_own() -> None:
    p = prepare(HARBOUR)
    assert cite_origin(p.briefing, p.anchors, GAZETTE_RELAYED).key == "herald"
    assert cite_origin(p.briefing, p.anchors, GAZETTE_OWN).key == "gazette"
    found = origins(p.briefing, p.anchors, [GAZETTE_OWN, GAZETTE_RELAYED, HERALD])
    assert sourcing_phrase(found) == "2 independent origins (Coastal Herald, Harbour Gazette)"


def test_without_the_declarations_each_outlet_counts_again(tmp_path: Path) -> None:
    """The same citations, counted as before provenance per passage: three origins, not one or two."""
    project = copy_project(HARBOUR, tmp_path / "p")
    bay = project / "briefing/sources/bay-daily.yaml"
    text = bay.read_text(encoding="utf-8")
    bay.write_text(text[: text.index("republishes:")] + text[text.index("grade:") :])
    gazette = project / "briefing/sources/gazette.yaml"
    gazette.write_text(
        gazette.read_text(encoding="utf-8").replace(
            "    passages:\n      - quote: According to the Coastal Herald\n", ""
        )
    )
    assert _keys(project, HERALD, REPUBLISHED) == ["herald", "bay-daily"]
    assert _keys(project, GAZETTE_OWN, GAZETTE_RELAYED) == ["gazette"]


def test_the_confidence_check_counts_passages_not_outlets(tmp_path: Path) -> None:
    """Rated moderate, the judgment resting on the Herald and its republication is flagged; with
    the republication undeclared, two outlets would have passed for two origins."""
    project = copy_project(HARBOUR, tmp_path / "p")
    book = project / "briefing/book.yaml"
    book.write_text(
        book.read_text(encoding="utf-8").replace(
            "    confidence: low\n    cite:\n      - {source: herald",
            "    confidence: moderate\n    cite:\n      - {source: herald",
        )
    )

    def flagged() -> list[str]:
        p = prepare(project)
        return [
            w.message
            for w in lint(p.briefing, p.anchors).warnings
            if "[confidence-exceeds-sourcing]" in w.message
        ]

    assert flagged() == [
        "confidence 'moderate' exceeds what 1 independent origin(s) allow ('low'): Coastal Herald (C) [confidence-exceeds-sourcing]"
    ]
    bay = project / "briefing/sources/bay-daily.yaml"
    text = bay.read_text(encoding="utf-8")
    bay.write_text(text[: text.index("republishes:")] + text[text.index("grade:") :])
    assert flagged() == []


def test_an_origin_named_by_outlet_alone_gets_an_id_from_the_name(tmp_path: Path) -> None:
    project = copy_project(HARBOUR, tmp_path / "p")
    gazette = project / "briefing/sources/gazette.yaml"
    gazette.write_text(gazette.read_text(encoding="utf-8").replace("    origin: herald\n", ""))
    p = prepare(project)
    relayed = cite_origin(p.briefing, p.anchors, GAZETTE_RELAYED)
    assert (relayed.key, relayed.label) == ("coastal-herald", "Coastal Herald")
    # not the source 'herald' any more: two origins
    assert _keys(project, GAZETTE_RELAYED, HERALD) == ["coastal-herald", "herald"]


def test_a_relay_named_with_a_byline_is_still_found_in_the_text(tmp_path: Path) -> None:
    """'Coastal Herald (engineers' estimate)' is named 'Coastal Herald' in the article: the cited
    paragraph naming it, left out of the relay's passages, is flagged."""
    project = copy_project(HARBOUR, tmp_path / "p")
    gazette = project / "briefing/sources/gazette.yaml"
    gazette.write_text(
        gazette.read_text(encoding="utf-8")
        .replace(
            "  - outlet: Coastal Herald\n", '  - outlet: "Coastal Herald (engineers\' estimate)"\n'
        )
        .replace("    passages:\n      - quote: According to the Coastal Herald\n", "")
    )
    p = prepare(project)
    found = [
        w.message for w in lint(p.briefing, p.anchors).warnings if "[relay-passages]" in w.message
    ]
    assert found == [
        "¶6 names Coastal Herald (engineers' estimate), whose report this source relays, but counts as Harbour Gazette's own reporting [relay-passages]"
    ]
