"""The shipped book, built for real in HTML and PDF: what a reader gets, checked end to end."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from htmlcheck import anchored_quotes, check_citation_links
from pypdf import PdfReader

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def pdf(book: Path) -> PdfReader:
    files = list((book / "_build/pdf").glob("*.pdf"))
    assert len(files) == 1
    return PdfReader(files[0])


def test_every_citation_in_the_html_lands_on_its_highlighted_passage(book: Path) -> None:
    assert check_citation_links(book / "_build/html", anchored_quotes(book)) >= 200


def test_every_html_page_offers_the_pdf(book: Path) -> None:
    html = book / "_build/html"
    pages = [html / "index.html", *html.glob("[a-z]*.html"), *html.glob("sources/*.html")]
    assert len(pages) > 12
    for page in pages:
        button = BeautifulSoup(page.read_text(), "html.parser").select_one("a.briefgen-pdf-button")
        assert button is not None, page
        target = (page.parent / button["href"]).resolve()
        assert target.read_bytes()[:5] == b"%PDF-", page


def _outline_titles(reader: PdfReader) -> list[str]:
    out: list[str] = []

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append(item.title)

    walk(reader.outline)
    # without the numbering
    return [re.sub(r"^(Appendix )?[A-Z0-9.]+ ", "", title) for title in out]


def test_pdf_outline_mirrors_the_sections(pdf: PdfReader) -> None:
    titles = _outline_titles(pdf)
    for section in (
        "Summary",
        "Background",
        "Actors",
        "Positions",
        "Timeline",
        "Open questions",
        "Sources and method",
    ):
        assert section in titles, (section, titles[:20])
    assert sum(1 for t in titles if t == "Article text") == 5  # one appendix per source
    assert titles.count("Key points") == 5


def test_pdf_citations_are_internal_links(pdf: PdfReader) -> None:
    internal = 0
    for page in pdf.pages:
        for annot in page.get("/Annots") or []:
            obj = annot.get_object()
            if obj.get("/Subtype") != "/Link":
                continue
            action = obj.get("/A")
            if obj.get("/Dest") is not None or (
                action is not None and action.get_object().get("/S") == "/GoTo"
            ):
                internal += 1
    assert internal >= 300


def test_pdf_text_keeps_accents_and_quotes(pdf: PdfReader) -> None:
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "Infantería de Marina" in text
    assert "“" in text and "’" in text


def test_pdf_metadata(pdf: PdfReader) -> None:
    meta = pdf.metadata
    assert meta.title and meta.author and meta.subject
    assert meta.get("/Keywords")


def test_no_page_shows_the_tools_internals(book: Path) -> None:
    """Readers see the article, not the project: no file path of the project, no tool name."""
    from pdfcheck import pdf_text

    internal = re.compile(
        r"seeds/|briefing/|articles/|\.ya?ml\b|_build|\.work/|trafilatura|" + re.escape(str(book)),
        re.IGNORECASE,
    )
    html = book / "_build/html"
    pages = sorted(html.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        text = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").get_text(" ")
        assert not internal.search(text), (page.name, internal.search(text))
    pdf = next((book / "_build/pdf").glob("*.pdf"))
    assert not internal.search(pdf_text(pdf))
