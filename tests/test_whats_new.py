"""A second edition names the first: the What's new page (HTML and PDF), the marks, and `briefgen diff`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import HARBOUR, run_cli
from editions import PLANTED, first_edition, second_edition
from pdfcheck import normalise, pdf_text
from playwright.sync_api import Browser

from briefgen.building.book import build
from briefgen.core.errors import BriefingError
from briefgen.edition.changes import compare, format_changes
from briefgen.edition.previous import edition_of_project
from briefgen.edition.records import Edition

pytestmark = pytest.mark.build


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository holding the project: edition 1 tagged ``v1``, edition 2 in the working tree
    naming ``previous_edition: v1``, built in HTML and PDF."""
    root = tmp_path_factory.mktemp("editions") / "harbour"
    shutil.copytree(HARBOUR, root)
    first_edition(root)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "edition 1")
    _git(root, "tag", "v1")
    second_edition(root)
    book = root / "briefing/book.yaml"
    book.write_text(book.read_text() + "previous_edition: v1\n")
    build(root, ("html", "pdf"))
    return root


def _items(section: BeautifulSoup) -> list[str]:
    return [" ".join(li.get_text(" ").split()) for li in section.select("li")]


def _page_sections(html: Path) -> dict[str, list[str]]:
    soup = BeautifulSoup((html / "whats-new.html").read_text(encoding="utf-8"), "html.parser")
    found = {}
    for section in soup.select("section section"):
        heading = " ".join(section.find(["h2"]).get_text(" ").split()).rstrip("#").strip()
        title, _, count = heading.rpartition(" (")
        items = _items(section)
        assert count == f"{len(items)})", heading
        found[title] = items
    return found


def test_whats_new_page_lists_exactly_the_planted_changes(editions: Path) -> None:
    sections = _page_sections(editions / "_build/html")
    assert list(sections) == list(PLANTED)  # every kind, in this order, and nothing else
    for title, planted in PLANTED.items():
        items = sections[title]
        assert len(items) == len(planted), (title, items)
        for item, expected in zip(items, planted, strict=False):
            if isinstance(expected, tuple):
                was, now = expected
                assert item.startswith(f"Now: {now}") and item.endswith(f"Was: {was}"), item
            else:
                assert expected in item, (expected, item)
    judgment = sections["Key judgments changed"][0]
    assert "Likelihood unlikely (20–45%) → likely (55–80%); confidence low → moderate." in judgment


def test_whats_new_comes_first_after_the_summary_and_links_to_the_claims(editions: Path) -> None:
    html = editions / "_build/html"
    index = BeautifulSoup((html / "index.html").read_text(encoding="utf-8"), "html.parser")
    toc = [
        a["href"]
        for a in index.select(".toctree-wrapper a.reference.internal")
        if "#" not in a["href"]
    ]
    assert toc[:3] == ["summary.html", "whats-new.html", "background.html"]
    page = BeautifulSoup((html / "whats-new.html").read_text(encoding="utf-8"), "html.parser")
    links = [a["href"] for a in page.select("li a.reference.internal") if "#c-" in a["href"]]
    assert len(links) == len(PLANTED["Claims added"]) + len(PLANTED["Claims reworded"]) + len(
        PLANTED["Key judgments changed"]
    )
    for href in links:
        target, anchor = href.split("#")
        assert (
            BeautifulSoup((html / target).read_text(encoding="utf-8"), "html.parser").find(
                id=anchor
            )
            is not None
        ), href
    # word diff: inserted and deleted words marked
    assert [s.get_text() for s in page.select(".diff-ins")][:2] == [
        "hired by the Authority",
        "option, including a blockade of the south channel.",
    ]
    assert "unlikely" in [s.get_text() for s in page.select(".diff-del")]


def test_changed_items_are_marked_where_they_appear(editions: Path) -> None:
    html = editions / "_build/html"

    def marks(page: str) -> list[tuple[str, str]]:
        soup = BeautifulSoup((html / page).read_text(encoding="utf-8"), "html.parser")
        out = []
        for mark in soup.select(".change-mark"):
            nxt = mark.find_next_sibling(class_="claim") or mark.parent
            out.append((mark.get_text(), " ".join(nxt.get_text(" ").split())))
        return out

    assert [(m, t) for m, t in marks("background.html")] == [
        ("changed", "Engineers hired by the Authority put the repairs at about eight months."),
        ("new", "Work on the pier is due to start in June."),
    ]
    assert (
        "changed",
        "Said members would consider every lawful option, including a blockade of the south channel.",
    ) in marks("actors.html")
    assert (
        "changed",
        "A guild blockade of the south channel is likely before the guild announces one.",
    ) in marks("summary.html")
    timeline = marks("timeline.html")
    assert ("new", "The north pier closed to traffic on Monday morning.") in timeline
    assert ("changed", "The Port Authority voted on Tuesday to close the north pier.") in timeline
    # the new event's entry
    assert any(m == "new" and "2024" in t and "Date:" in t for m, t in timeline)
    assert any(
        m == "new" and "Crowding could slow landings" in t for m, t in marks("questions.html")
    )
    sources = marks("sources.html")
    assert any(m == "new" and "Pier closes to traffic" in t for m, t in sources)
    assert any(m == "changed" and "B2" in t for m, t in sources)
    assert any(m == "changed" and "Opposes" in t for m, t in marks("positions.html"))
    # nothing unchanged is marked: the Gazette's page has none, the Herald's key point is unchanged
    assert marks("sources/gazette.html") == [] and marks("sources/herald.html") == []


def test_pdf_has_the_whats_new_chapter_with_every_planted_change(editions: Path) -> None:
    text = pdf_text(editions / "_build/pdf/north-pier-closure.pdf")
    chapter = text[
        text.index("What’s new\nChanges since") : text.index(
            "Background\n", text.index("What’s new\nChanges since")
        )
    ]
    flat = normalise(chapter)
    headings = re.findall(r"^\d+\.\d+ (.+) \((\d+)\)$", chapter, flags=re.MULTILINE)
    # these sections, in order, and no other
    assert headings == [(title, str(len(planted))) for title, planted in PLANTED.items()]
    items = [line for line in chapter.splitlines() if line.startswith("• ")]
    assert len(items) == sum(len(p) for p in PLANTED.values())
    for title, planted in PLANTED.items():
        assert normalise(f"{title} ({len(planted)})") in flat, title
        for expected in planted:
            for piece in expected if isinstance(expected, tuple) else (expected,):
                assert normalise(piece) in flat, piece
    assert (
        normalise("Likelihood unlikely (20–45%) → likely (55–80%); confidence low → moderate.")
        in flat
    )
    # the HTML's marks are not printed outside the What's new chapter
    rest = text.replace(chapter, "")
    assert "CHANGED" not in rest and normalise("new Work on the pier") not in normalise(rest)


def test_diff_command_prints_the_same_changes(editions: Path, tmp_path: Path) -> None:
    result = run_cli("diff", "v1", "--project", str(editions))
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("Changes since the edition of 2024-05-06 (North Pier Closure)")
    for title, planted in PLANTED.items():
        assert f"\n{title} ({len(planted)})\n" in out, title
        for expected in planted:
            if isinstance(expected, tuple):
                continue
            shown = expected.replace(" → ", " -> ").replace("6 May 2024: ", "2024-05-06: ")
            assert shown in out, shown
    assert (
        "  ~ [Background] now: Engineers {+hired by the Authority+} put the repairs at about eight months.\n      was: Engineers put the repairs at about eight months.\n"
        in out
    )
    assert "likelihood unlikely (20–45%) -> likely (55–80%); confidence low -> moderate" in out
    # the same from two edition.json files, and from a folder
    old = tmp_path / "old.json"
    old.write_text(edition_of_project_at(editions, "v1").to_json())
    assert run_cli("diff", str(old), str(editions / "_build/html/edition.json")).output == out
    assert run_cli("diff", str(old), str(editions)).output == out


def edition_of_project_at(root: Path, revision: str) -> Edition:
    from briefgen.edition.previous import edition_at_revision

    return edition_at_revision(root, revision)


def test_previous_edition_may_be_an_edition_json(editions: Path, tmp_path: Path) -> None:
    """The same page from last week's published edition.json as from the git tag."""
    copy = tmp_path / "copy"
    shutil.copytree(editions, copy, ignore=shutil.ignore_patterns("_build", ".git"))
    (copy / "previous.json").write_text(edition_of_project_at(editions, "v1").to_json())
    book = copy / "briefing/book.yaml"
    book.write_text(
        book.read_text().replace("previous_edition: v1", "previous_edition: previous.json")
    )
    build(copy, ("html",))
    assert _page_sections(copy / "_build/html") == _page_sections(editions / "_build/html")


def test_matching_uses_yaml_ids_and_then_similarity(editions: Path) -> None:
    old = edition_of_project_at(editions, "v1")
    new = Edition.from_file(editions / "_build/html/edition.json")
    changes = compare(old, new)
    assert [p.old.text for p in changes.reworded] == [was for was, _ in PLANTED["Claims reworded"]]
    # with YAML ids, a rewrite beyond recognition is still the same claim; different ids never match
    vote_old = next(c for c in old.claims if c.section == "timeline" and c.scope == "vote")
    vote_new = next(c for c in new.claims if c.section == "timeline" and c.scope == "vote")
    a = vote_old.model_copy(update={"id": "vote-claim", "id_from": "yaml"})
    b = vote_new.model_copy(
        update={"id": "vote-claim", "id_from": "yaml", "text": "Completely different words here."}
    )
    c = vote_new.model_copy(update={"id": "other", "id_from": "yaml"})
    pairs = compare(
        old.model_copy(update={"claims": [a]}), new.model_copy(update={"claims": [b]})
    ).reworded
    assert [(p.old.text, p.new.text) for p in pairs] == [
        (vote_old.text, "Completely different words here.")
    ]
    unmatched = compare(
        old.model_copy(update={"claims": [a]}), new.model_copy(update={"claims": [c]})
    )
    assert unmatched.added == [c] and unmatched.removed == [a] and not unmatched.reworded


def test_no_previous_edition_means_no_whats_new(harbour: Path) -> None:
    build(harbour, ("html",))
    html = harbour / "_build/html"
    assert not (html / "whats-new.html").exists()
    assert "change-mark" not in "".join(p.read_text(encoding="utf-8") for p in html.rglob("*.html"))
    assert json.loads((html / "edition.json").read_text())["book"]["title"] == "North Pier Closure"


def test_unknown_previous_edition_is_a_located_error(harbour: Path) -> None:
    book = harbour / "briefing/book.yaml"
    book.write_text(book.read_text() + "previous_edition: no-such-tag\n")
    with pytest.raises(BriefingError) as caught:
        build(harbour, ("html",))
    [problem] = caught.value.problems
    assert str(problem).startswith("briefing/book.yaml:12:") or str(problem).startswith(
        "briefing/book.yaml:"
    )
    assert "previous_edition: previous edition 'no-such-tag' not found" in str(
        problem
    ) and "hint: give the path of an edition.json" in str(problem)
    assert not (harbour / "_build/html").exists()


def test_project_folder_as_the_previous_edition(tmp_path: Path) -> None:
    old = first_edition(shutil.copytree(HARBOUR, tmp_path / "old"))
    new = second_edition(shutil.copytree(old, tmp_path / "new"))
    herald = new / "articles/herald.txt"
    herald.write_text(
        herald.read_text() + "\nCorrection: an earlier version misnamed the engineers' firm.\n"
    )
    changes = compare(edition_of_project(old), edition_of_project(new))
    assert [s.title for s in changes.new_sources] == ["Pier closes to traffic"]
    assert [(p.old, p.new) for p in changes.postures] == [("unclear", "opposes")]
    # the text the book quotes changed
    assert [(a.id, a.sha256 != b.sha256) for a, b in changes.retexted] == [("herald", True)]
    assert (
        "Article texts changed (1)\n  ~ Coastal Herald: Pier repairs to take eight months (SHA-256 "
        in format_changes(changes)
    )


HOSTILE = "<script>alert('x')</script> {raw}`html <b>bold</b>` [^c1] #read(\"/etc/passwd\")"


def test_whats_new_renders_hostile_text_literally(harbour: Path) -> None:
    """Text from either edition (the previous one may be any edition.json) is data on the page."""
    old = edition_of_project(harbour)
    claims = [
        c.model_copy(update={"text": f"Old {HOSTILE} claim."}) if c.scope == "meetings" else c
        for c in old.claims
    ]
    (harbour / "previous.json").write_text(old.model_copy(update={"claims": claims}).to_json())
    timeline = harbour / "briefing/timeline.yaml"
    timeline.write_text(
        timeline.read_text().replace(
            "The Authority says it held two public meetings in March.",
            f'"New {HOSTILE.replace(chr(34), chr(92) + chr(34))} claim."',
        )
    )
    book = harbour / "briefing/book.yaml"
    book.write_text(book.read_text() + "previous_edition: previous.json\n")
    build(harbour, ("html", "pdf"))
    soup = BeautifulSoup(
        (harbour / "_build/html/whats-new.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert soup.find("b", string="bold") is None
    assert all("alert" not in s.get_text() for s in soup.find_all("script"))
    [item] = [" ".join(li.get_text(" ").split()) for li in soup.select("article li")]
    assert item == f"Now: New {HOSTILE} claim. ( Timeline ) Was: Old {HOSTILE} claim."
    assert normalise(f"Old {HOSTILE} claim.") in normalise(
        pdf_text(harbour / "_build/pdf/north-pier-closure.pdf")
    )


@pytest.mark.parametrize("name", ["whats-new", "background", "timeline", "sources", "positions"])
def test_changes_and_marks_have_no_serious_accessibility_violations(
    editions: Path, browser: Browser, name: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context()
    page = context.new_page()
    page.goto((editions / f"_build/html/{name}.html").as_uri())
    result = Axe().run(page)
    context.close()
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], bad
