"""Every free-text field of every YAML file, and the article text, carries hostile markup; the
HTML and the PDF must show it as text and run none of it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from pypdf import PdfReader

from briefgen.building.book import build

pytestmark = pytest.mark.build
STRAIGHT = str.maketrans("‘’“”", "''\"\"")

PAYLOAD = (
    "<script>alert(1)</script><img src=x onerror=alert(2)> {raw}`html <i>r</i>` ```{eval-rst} [^c1] \\input{/etc/passwd} \\write18{touch pwned} $x$ % "
    '#read("/etc/passwd") #include "x.typ" #import "@preview/cetz:0.3.0": * <lbl> @ref // c /* b */ #sys.inputs'
)
FREE_TEXT = {
    "title",
    "subtitle",
    "marking",
    "name",
    "role",
    "stance",
    "question",
    "why",
    "note",
    "rationale",
    "outlet",
    "author",
    "venue",
    "text",
}
LIST_TEXT = {"authors", "indicators"}


def _poison(data: object, key: str | None = None) -> object:
    """Append the payload to every free-text value (ids, dates, enums, quotes and paths stay valid)."""
    if isinstance(data, dict):
        return {k: _poison(v, k) for k, v in data.items()}
    if isinstance(data, list):
        if key in LIST_TEXT:
            return [f"{item} {PAYLOAD}" for item in data]
        return [_poison(item, None) for item in data]
    if isinstance(data, str) and key in FREE_TEXT:
        return f"{data} {PAYLOAD}"
    return data


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import HARBOUR, copy_project

    root = copy_project(HARBOUR, tmp_path_factory.mktemp("inj") / "p")
    for path in (root / "briefing").rglob("*.yaml"):
        path.write_text(
            yaml.safe_dump(
                _poison(yaml.safe_load(path.read_text())), allow_unicode=True, width=1000
            )
        )
    article = root / "articles/gazette.txt"
    article.write_text(article.read_text() + f"\nHostile line \u202eevil\u202c {PAYLOAD}\n")
    build(root, ("html", "pdf", "brief"))
    return root


def test_html_shows_payload_as_text_everywhere(poisoned: Path) -> None:
    pages = list((poisoned / "_build/html").glob("*.html")) + list(
        (poisoned / "_build/html/sources").glob("*.html")
    )
    shown = 0
    for page in pages:
        soup = BeautifulSoup(page.read_text(), "html.parser")
        assert not soup.select("img[onerror], img[src='x']"), page.name
        assert not soup.find_all("i", string="r"), page.name
        assert not soup.select("[onerror]"), page.name
        for script in soup.find_all("script"):
            assert "alert" not in script.get_text(), page.name
        shown += soup.get_text().count("<script>alert(1)</script>")
    assert shown >= 30
    gazette = BeautifulSoup(
        (poisoned / "_build/html/sources/gazette.html").read_text(), "html.parser"
    ).get_text()
    # bidi override dropped, text kept
    assert "Hostile line evil <script>" in " ".join(gazette.split())


def test_pdf_shows_payload_as_text(poisoned: Path) -> None:
    assert not list(poisoned.rglob("pwned"))
    reader = PdfReader(
        next(p for p in (poisoned / "_build/pdf").glob("*.pdf") if not p.stem.endswith("-brief"))
    )
    # typographic quotes in print
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split()).translate(
        STRAIGHT
    )
    assert text.count("<script>alert(1)</script>") >= 20
    assert text.count("/etc/passwd") >= 40
    assert text.count('#read("/etc/passwd") #include "x.typ"') >= 20
    assert "root:x:0" not in text


def test_brief_shows_payload_as_text(poisoned: Path) -> None:
    """The brief is Typst made from YAML too: the bottom line and judgments carry the payload,
    printed as written (a Typst #read, #include or #import run would fail the compile or leak)."""
    reader = PdfReader(next((poisoned / "_build/pdf").glob("*-brief.pdf")))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split()).translate(
        STRAIGHT
    )
    assert text.count('#read("/etc/passwd") #include "x.typ"') >= 3
    assert "root:" not in text
