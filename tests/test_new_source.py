"""briefgen new-source: detection, the stub, TODOs reported by check, and the whole loop."""

from __future__ import annotations

from pathlib import Path

import yaml
from conftest import FIXTURES, run_cli

ARTICLES = FIXTURES / "articles"


def test_html_article_metadata_is_detected_with_provenance(harbour: Path) -> None:
    result = run_cli("new-source", str(ARTICLES / "pilots.html"), "--project", str(harbour))
    assert result.exit_code == 0, result.output
    assert (
        "title: Harbour pilots strike over pay (page metadata (title), read by trafilatura)"
        in result.output
    )
    assert "author: Dana Reyes" in result.output and "outlet: The Coast Times" in result.output
    seed = (harbour / "seeds/coast-times-2024-05-08.txt").read_text()
    assert "talks with the Port Authority on a new pay deal collapsed" in seed
    assert "Subscribe now" not in seed and "Home | News" not in seed  # boilerplate removed
    stub = (harbour / "briefing/sources/coast-times-2024-05-08.yaml").read_text()
    assert "date: '2024-05-08'" in stub and "basis: metadata" in stub
    # the note is printed in the book: how the date was found, in a reader's words, no tool names
    published = yaml.safe_load(stub)["published"]
    assert published["note"] == "as given in the page's metadata"


def test_an_id_is_the_outlet_and_date_and_an_address_is_not_an_outlet(
    harbour: Path, tmp_path: Path
) -> None:
    """A page whose only 'site name' is its address ('nj.com') leaves the outlet to the analyst
    (the book once printed "Nj"); without an outlet the id is the headline's first words, an
    apostrophe kept inside its word ('were', not 'we-re')."""
    page = tmp_path / "meth.html"
    paragraphs = "".join(
        f"<p>{text}</p>"
        for text in (
            "Police in three South Jersey towns said on Monday that they had seized more methamphetamine this year than in the five years before.",
            "The county prosecutor said a joint task force would share officers and intelligence across the three towns.",
            "Residents asked for more patrols near the schools, and the mayor promised an answer by the end of the month.",
        )
    )
    page.write_text(
        "<!DOCTYPE html><html><head><title>Meth: We're on it, South Jersey police say</title>"
        '<link rel="canonical" href="https://www.nj.com/news/2025/11/meth.html">'
        '<meta property="article:published_time" content="2025-11-03T10:00:00Z"></head><body>'
        f"<article><h1>Meth: We're on it, South Jersey police say</h1>{paragraphs}</article></body></html>"
    )
    result = run_cli("new-source", str(page), "--project", str(harbour))
    assert result.exit_code == 0, result.output
    stub = yaml.safe_load((harbour / "briefing/sources/meth-were-on-it-south.yaml").read_text())
    assert stub["outlet"].startswith("TODO")
    assert "only the page's address ('nj.com')" in result.output


def test_text_article_guesses_title_author_and_date(harbour: Path) -> None:
    result = run_cli(
        "new-source", str(ARTICLES / "ferry.txt"), "--id", "ferry-cuts", "--project", str(harbour)
    )
    assert result.exit_code == 0, result.output
    stub = (harbour / "briefing/sources/ferry-cuts.yaml").read_text()
    assert "title: Ferry timetable cut as crews fall ill" in stub
    assert "author: Priya Nair" in stub
    assert "date: '2024-03-14'" in stub and "written in the text: '14 March 2024'" in stub
    assert yaml.safe_load(stub)["published"]["note"] == "stated in the text: '14 March 2024'"
    assert "outlet: 'TODO: the outlet that published it'" in stub


def test_check_lists_what_is_left_then_passes_once_filled(harbour: Path) -> None:
    run_cli(
        "new-source", str(ARTICLES / "ferry.txt"), "--id", "ferry-cuts", "--project", str(harbour)
    )
    result = run_cli("check", "--project", str(harbour))
    assert result.exit_code == 1
    todo_lines = [line for line in result.output.splitlines() if "still to fill in" in line]
    assert len(todo_lines) == 7  # outlet, kind, two grades, rationale, key point, quote
    assert todo_lines[0].startswith("briefing/sources/ferry-cuts.yaml:")
    stub = harbour / "briefing/sources/ferry-cuts.yaml"
    filled = (
        stub.read_text()
        .replace("'TODO: the outlet that published it'", "Island Courier")
        .replace("'TODO: news-report, aggregation, opinion or mixed'", "news-report")
        .replace("'TODO: A-F (Admiralty scale)'", "C")
        .replace("'TODO: 1-6 (Admiralty scale)'", "3")
        .replace("'TODO: why this grade'", "Local paper quoting an unnamed spokesperson.")
        .replace(
            "'TODO: the article''s first key point'", "The ferry will run four crossings a day."
        )
        .replace(
            "'TODO: exact words from the article'", "will run four crossings a day instead of six"
        )
    )
    stub.write_text(filled)
    assert "'TODO" not in filled
    assert run_cli("check", "--project", str(harbour)).exit_code == 0


def test_refuses_to_overwrite(harbour: Path) -> None:
    assert (
        run_cli(
            "new-source", str(ARTICLES / "ferry.txt"), "--id", "gazette", "--project", str(harbour)
        ).exit_code
        == 1
    )
    assert (
        run_cli(
            "new-source", str(ARTICLES / "ferry.txt"), "--id", "Bad Id", "--project", str(harbour)
        ).exit_code
        == 1
    )
    result = run_cli(
        "new-source", str(ARTICLES / "ferry.txt"), "--id", "gazette", "--project", str(harbour)
    )
    assert (
        "briefing/sources/gazette.yaml:1:1: (document): already exists; nothing was written"
        in result.output
    )


def test_missing_article_is_a_usage_error(harbour: Path) -> None:
    assert (
        run_cli("new-source", str(harbour / "nope.txt"), "--project", str(harbour)).exit_code == 2
    )
