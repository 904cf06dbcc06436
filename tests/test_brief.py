"""The brief: two pages at most, every bottom-line and key-judgment text in it, tagged, its
references landing on their passages in the HTML book it is published beside."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import HARBOUR, REPO, copy_project, run_cli
from pdfcheck import found, normalise, pdf_text, pdf_ua_errors
from pypdf import PdfReader

from briefgen.building.book import build
from briefgen.trust.prepare import prepare

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("brief") / "shipped"
    for name in ("briefing", "seeds", "conf"):
        shutil.copytree(REPO / name, root / name)
    build(root, ("html", "brief"))
    return root


@pytest.fixture(scope="module")
def harbour_brief(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(HARBOUR, tmp_path_factory.mktemp("brief") / "harbour")
    build(root, ("html", "brief"))
    return root


def _brief(root: Path) -> Path:
    (pdf,) = (root / "_build/pdf").glob("*-brief.pdf")
    return pdf


@pytest.mark.parametrize("project", ["shipped", "harbour_brief"])
def test_the_brief_is_two_pages_with_every_bottom_line_and_judgment(
    project: str, request: pytest.FixtureRequest
) -> None:
    root = request.getfixturevalue(project)
    pdf = _brief(root)
    assert 1 <= len(PdfReader(pdf).pages) <= 2
    text = normalise(pdf_text(pdf))
    book = prepare(root).briefing.book.model
    texts = [c.text for c in book.bluf] + [j.text for j in book.key_judgments]
    assert texts and [t for t in texts if not found(normalise(t), text)] == []
    assert normalise(book.marking) in text and normalise(book.title) in text
    for j in book.key_judgments:  # each judgment's confidence, with its origins
        assert normalise(f"Confidence: {j.confidence};") in text


@pytest.mark.parametrize("project", ["shipped", "harbour_brief"])
def test_every_reference_in_the_brief_lands_on_its_passage_in_the_html_book(
    project: str, request: pytest.FixtureRequest
) -> None:
    root = request.getfixturevalue(project)
    html = root / "_build/html"
    (brief,) = html.glob("*-brief.pdf")  # published beside the book, as the Download menu offers it
    assert brief.read_bytes() == _brief(root).read_bytes()
    targets = [
        annot.get_object()["/A"]["/URI"]
        for page in PdfReader(brief).pages
        for annot in page.get("/Annots", [])
        if "/URI" in annot.get_object().get("/A", {})
    ]
    passages = [t for t in targets if t.startswith("sources/")]
    book = prepare(root).briefing.book.model
    assert len(passages) >= sum(len(c.cite) for c in [*book.bluf, *book.key_judgments]) // 2
    for target in targets:
        parts = urlsplit(target)
        page = html / unquote(parts.path)
        assert page.is_file(), target
        if parts.fragment:
            soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
            landing = soup.find(id=parts.fragment)
            assert landing is not None, target
            # the passage's highlighted span, or a quote's span inside it (quotes overlap)
            assert "cited" in landing.get("class", []) or landing.find_parent(class_="cited"), (
                target
            )


def test_the_html_book_offers_the_brief(harbour_brief: Path) -> None:
    page = BeautifulSoup(
        (harbour_brief / "_build/html/summary.html").read_text(encoding="utf-8"), "html.parser"
    )
    link = page.select_one("a.briefgen-brief-button")
    assert link is not None and link["href"] == "north-pier-closure-brief.pdf"


def test_the_brief_passes_the_pdf_ua_checker(shipped: Path, harbour_brief: Path) -> None:
    for pdf in (_brief(shipped), _brief(harbour_brief)):
        errors = pdf_ua_errors(pdf)
        assert errors == [], errors[:3]


def test_a_brief_too_long_is_whole_and_said(tmp_path: Path) -> None:
    """More than two pages of bottom line: every word still printed, the build says so, and
    check warns before any build (the brief is never cropped)."""
    root = copy_project(HARBOUR, tmp_path / "p")
    book = root / "briefing/book.yaml"
    long_claim = (
        "  - text: The Port Authority has voted to close the north pier for repairs. " * 1
        + "The vote was reported by the gazette. " * 60
        + "\n    cite:\n      - {source: gazette, quote: voted on Tuesday to close the north pier for repairs}\n"
    )
    text = book.read_text(encoding="utf-8")
    book.write_text(text.replace("key_judgments:", long_claim * 5 + "key_judgments:", 1))
    checked = run_cli("check", "--project", str(root))
    assert "[brief-length]" in checked.output
    report = build(root, ("brief",))
    assert any("the brief runs to" in w for w in report.warnings)
    pdf = _brief(root)
    assert len(PdfReader(pdf).pages) > 2
    assert normalise("The vote was reported by the gazette. " * 60) in normalise(pdf_text(pdf))


def test_the_brief_says_what_changed_since_the_previous_edition(tmp_path: Path) -> None:
    root = copy_project(HARBOUR, tmp_path / "p")
    build(root, ("html",))
    shutil.copy(root / "_build/html/edition.json", root / "last-week.json")
    book = root / "briefing/book.yaml"
    text = book.read_text(encoding="utf-8")
    text = text.replace(
        "north pier for repairs, and the Fishers' Guild opposes",
        "north pier for repairs; the Fishers' Guild opposes",
    )
    book.write_text(text + "previous_edition: last-week.json\n", encoding="utf-8")
    build(root, ("brief",))
    printed = " ".join(pdf_text(_brief(root)).split())
    assert "Since the edition of 6 May 2024: 1 claim reworded." in printed
