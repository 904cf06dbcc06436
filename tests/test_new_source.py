"""briefgen new-source: detection, the stub, TODOs reported by check, and the whole loop."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, run_cli
from pageserver import serving

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
    # a date only in the page's metadata is kept but left to confirm: a TODO that check lists;
    # the note is printed in the book, so the tool is named only in comments
    data = yaml.safe_load(stub)
    assert data["published"]["note"].startswith("TODO: the date is only in the page's metadata")
    assert "trafilatura" not in repr(data) and "new-source" not in repr(data)
    # the headline repeated atop the text: a non-article passage, the text kept as extracted
    assert seed.splitlines()[0] == "Harbour pilots strike over pay"
    assert data["non_article"] == [
        {"kind": "metadata", "quote": "Harbour pilots strike over pay", "note": "the headline"}
    ]


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


# --- a web address: retrieved, kept as served, or refused with nothing written -----------------


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("no_proxy", "127.0.0.1")  # a proxy set for the machine is not for this
    with serving() as base:
        yield base


def _tree(project: Path) -> dict[str, bytes]:
    return {
        p.relative_to(project).as_posix(): p.read_bytes()
        for folder in ("seeds", "briefing/sources")
        for p in sorted((project / folder).rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ("/missing", "the server answered 404 Not Found"),
        ("/slow", "no complete answer within 0.3 s"),
        ("/report.pdf", "not a web page (Content-Type application/pdf)"),
        ("/huge", "the page is over the 20,000,000-byte limit"),
        ("/huge-declared", "the page is over the 20,000,000-byte limit"),
    ],
)
def test_a_failed_retrieval_says_why_in_one_line_and_writes_nothing(
    harbour: Path, site: str, route: str, message: str
) -> None:
    before = _tree(harbour)
    result = run_cli("new-source", site + route, "--timeout", "0.3", "--project", str(harbour))
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if line.startswith("new-source:")]
    assert len(problems) == 1 and message in problems[0] and site + route in problems[0]
    assert "nothing was written" in problems[0] and "Traceback" not in result.output
    assert _tree(harbour) == before


def test_a_page_is_kept_as_served_with_its_final_address_and_check_lists_todos(
    harbour: Path, site: str
) -> None:
    result = run_cli("new-source", f"{site}/moved", "--project", str(harbour))
    assert result.exit_code == 0, result.output
    sid = "coast-times-2024-05-08"
    kept = harbour / f"seeds/originals/{sid}.html"
    assert kept.read_bytes() == (ARTICLES / "pilots.html").read_bytes()  # byte for byte
    text = (harbour / f"briefing/sources/{sid}.yaml").read_text()
    data = yaml.safe_load(text)
    final = f"{site}/news/pilots-strike"  # after the redirect, not the address given
    assert data["url"] == final
    snap = data["snapshot"]
    assert snap["file"] == f"seeds/originals/{sid}.html" and snap["url"] == final
    assert snap["sha256"] == hashlib.sha256(kept.read_bytes()).hexdigest()
    retrieved = dt.datetime.fromisoformat(snap["retrieved"])
    assert retrieved.tzinfo is not None
    assert abs(dt.datetime.now(dt.UTC) - retrieved) < dt.timedelta(minutes=5)
    assert "# archive_url: TODO-optional" in text and "archive_url" not in data
    assert (harbour / f"seeds/{sid}.txt").read_text().startswith("Harbour pilots strike over pay")
    # the stub validates, and check lists what is left: the date to confirm among the TODOs
    listed = run_cli("check", "--project", str(harbour))
    assert listed.exit_code == 1
    todos = [line for line in listed.output.splitlines() if "still to fill in" in line]
    assert todos and all(line.startswith(f"briefing/sources/{sid}.yaml:") for line in todos)
    assert any("published.note" in line and "only in the page's metadata" in line for line in todos)
    assert not [
        line
        for line in listed.output.splitlines()
        if "still to fill in" not in line and sid in line
    ]
    # a second time: refused, nothing overwritten
    again = run_cli("new-source", f"{site}/news/pilots-strike", "--project", str(harbour))
    assert again.exit_code == 1 and "already exists; nothing was written" in again.output


def test_headline_byline_and_dateline_are_passages_not_article_text(
    harbour: Path, site: str
) -> None:
    """A publisher's name is preferred to a site name that is only an address; a dateline that
    agrees with the metadata makes the date stated in the text; the lines atop the text are
    boxed as metadata in the book, their paragraph numbers kept."""
    assert run_cli("new-source", f"{site}/ledger", "--project", str(harbour)).exit_code == 0
    sid = "valley-ledger-2024-05-04"
    data = yaml.safe_load((harbour / f"briefing/sources/{sid}.yaml").read_text())
    assert data["outlet"] == "The Valley Ledger"  # JSON-LD publisher, not og:site_name's address
    assert data["author"] == "Jane Doe"
    assert data["published"] == {
        "date": "2024-05-04",
        "basis": "stated",
        "note": "stated in the text: '4 May 2024'",
    }
    assert [(n["note"], n["quote"]) for n in data["non_article"]] == [
        ("the headline", "Council votes to close Riverton library branch"),
        ("the byline", "By Jane Doe, Staff Reporter"),
        ("the dateline", "Riverton, 4 May 2024 —"),
    ]
    lines = (harbour / f"seeds/{sid}.txt").read_text().splitlines()
    assert lines[3].startswith("Riverton's town council voted")  # the text as extracted: ¶4


def test_no_author_and_a_weekday_dateline(harbour: Path, site: str) -> None:
    assert run_cli("new-source", f"{site}/metro", "--project", str(harbour)).exit_code == 0
    text = (harbour / "briefing/sources/metro-evening-post-2025-11-03.yaml").read_text()
    data = yaml.safe_load(text)
    assert data["author"].startswith("TODO")
    assert data["published"]["basis"] == "stated"
    assert [n["note"] for n in data["non_article"]] == ["the headline", "the dateline"]
    assert data["non_article"][1]["quote"] == "Monday, 03 November 2025 11:30 AM EST"
    assert "trafilatura" not in repr(data)  # only in the analyst's comments
    assert "trafilatura" in text


def test_a_bare_site_name_leaves_the_outlet_to_the_analyst(harbour: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        (ARTICLES / "ledger.html").read_text().replace('"name": "The Valley Ledger",', "")
    )
    assert run_cli("new-source", str(page), "--project", str(harbour)).exit_code == 0
    data = yaml.safe_load(
        (harbour / "briefing/sources/council-votes-to-close-riverton.yaml").read_text()
    )
    assert data["outlet"].startswith("TODO")


def test_a_link_preview_inside_a_paragraph_is_left_out_of_its_text(harbour: Path) -> None:
    """A hover card naming another article sits inside a sentence on many news sites; extracted
    as it stands it runs into the sentence, so a quote across it fails and readers see a stray
    headline. It is left out (the page as retrieved keeps it) and the stub says so."""
    page = harbour / "guild.html"
    page.write_text(
        "<html><head><title>Guild meets</title></head><body><article><h1>Guild meets</h1>"
        "<p>The Port Authority voted on Tuesday to close the north pier for repairs, a decision "
        "many fishers oppose strongly.</p>"
        '<p>Guild members met on Wednesday <a href="/x" class="c-link-preview"><span>Related: '
        "Fishers protest at city hall</span></a> to plan their response to the vote and consider "
        "every lawful option.</p>"
        "<p>Work will start in June and last about eight months, engineers said at the public "
        "meeting.</p></article></body></html>",
        encoding="utf-8",
    )
    result = run_cli("new-source", str(page), "--id", "guild", "--project", str(harbour))
    assert result.exit_code == 0, result.output
    text = (harbour / "seeds/guild.txt").read_text(encoding="utf-8")
    assert "Related" not in text
    assert (
        "Guild members met on Wednesday to plan their response to the vote and consider every lawful option."
        in text.splitlines()
    )
    stub = (harbour / "briefing/sources/guild.yaml").read_text(encoding="utf-8")
    assert "1 link-preview card(s) left out of the text" in stub


def test_a_seeds_folder_linked_out_of_the_project_is_refused(harbour: Path, tmp_path: Path) -> None:
    """A stranger's project whose seeds/ is a link elsewhere: new-source writes nothing through it."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (harbour / "seeds").symlink_to(elsewhere, target_is_directory=True)
    result = run_cli(
        "new-source", str(ARTICLES / "ferry.txt"), "--id", "ferry", "--project", str(harbour)
    )
    assert result.exit_code == 1 and "is a link out of the project" in result.output
    assert (
        list(elsewhere.iterdir()) == [] and not (harbour / "briefing/sources/ferry.yaml").exists()
    )


def test_a_page_that_drips_slower_than_the_deadline_is_a_timeout(harbour: Path) -> None:
    """A socket timeout bounds each wait for data, not the download: a server sending a byte now
    and then must still be cut off at the deadline."""
    import socket
    import threading
    import time

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def drip() -> None:
        conn, _ = server.accept()
        conn.recv(4096)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n")
        try:
            for _ in range(40):
                conn.sendall(b"<")
                time.sleep(0.2)
        except OSError:
            pass
        conn.close()

    threading.Thread(target=drip, daemon=True).start()
    started = time.monotonic()
    result = run_cli(
        "new-source", f"http://127.0.0.1:{port}/slow", "--timeout", "1", "--project", str(harbour)
    )
    assert time.monotonic() - started < 4
    assert result.exit_code == 1 and "no complete answer within 1 s" in result.output
    assert not (harbour / "seeds/originals").exists()
    server.close()
