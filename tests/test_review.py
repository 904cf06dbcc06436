"""The evidence sheet shows every claim and every quote, in context, escaped, with its warnings."""

from __future__ import annotations

import csv
import html
import io
from html.parser import HTMLParser
from pathlib import Path

from conftest import HARBOUR, copy_project, run_cli

from briefgen.trust.lint import claim_texts
from briefgen.trust.prepare import prepare


class _Text(HTMLParser):
    """The page's text as a reader gets it (no script or style)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        self.tags.append(tag)
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _page_text(path: Path) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join("".join(parser.parts).split()), parser.tags


def test_every_claim_and_quote_of_the_shipped_briefing_is_on_the_sheet(
    shipped: Path, tmp_path: Path
) -> None:
    result = run_cli("review", "--project", str(shipped), "--out", str(tmp_path / "sheet"))
    assert result.exit_code == 0, result.output
    text, _ = _page_text(tmp_path / "sheet" / "review.html")
    prepared = prepare(shipped)
    claims = [(t, cites) for part in prepared.briefing.parts() for _, t, cites in claim_texts(part)]
    assert len(claims) > 250
    for claim, cites in claims:
        assert " ".join(claim.split()) in text, claim
        for cite in cites:
            a = prepared.anchors.get(cite.source, cite.quote)
            passage = prepared.anchors.texts[cite.source].text[a.start : a.end]
            assert " ".join(passage.split()) in text, passage  # the article's own words, marked
    rows = list(
        csv.DictReader(io.StringIO((tmp_path / "sheet" / "review.csv").read_text(encoding="utf-8")))
    )
    assert len(rows) == sum(len(c) for _, c in claims)
    assert {r["quote"] for r in rows} == {c.quote for _, cs in claims for c in cs}
    assert f"{len(claims)} claims" in result.output


def test_sheet_escapes_yaml_text_and_shows_the_claims_warning(tmp_path: Path) -> None:
    project = copy_project(HARBOUR, tmp_path / "p")
    actors = project / "briefing" / "actors.yaml"
    actors.write_text(
        actors.read_text().replace(
            "Said the pier is no longer safe for heavy lorries.",
            "Said <script>alert(1)</script> the pier is unsafe over 40 tonnes.",
        )
    )
    assert run_cli("review", "--project", str(project)).exit_code == 0
    page = project / "_build" / "review" / "review.html"
    text, tags = _page_text(page)
    assert tags.count("script") == 1  # the sheet's own script only
    assert "Said <script>alert(1)</script> the pier is unsafe over 40 tonnes." in text
    assert "number '40' is in none of the cited quotes" in text
    raw = page.read_text(encoding="utf-8")
    row = raw[raw.index(html.escape("Said <script>")) :].split("</tr>")[0]
    assert "unsupported-detail" in row  # the warning sits on its own claim's row


def test_bad_input_gives_located_error_not_a_sheet(tmp_path: Path) -> None:
    project = copy_project(HARBOUR, tmp_path / "p")
    timeline = project / "briefing" / "timeline.yaml"
    timeline.write_text(
        timeline.read_text().replace(
            "We held two public meetings in March", "We held three public meetings in March"
        )
    )
    result = run_cli("review", "--project", str(project))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "quote not found in source 'herald'" in result.output
    assert not (project / "_build" / "review").exists()
