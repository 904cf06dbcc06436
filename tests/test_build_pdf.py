"""PDF builds of the small fixture: hostile text stays text, Typst failures keep the last PDF,
the same input gives the same bytes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO
from pdfcheck import pdf_text
from pypdf import PdfReader

from briefgen.building.book import build
from briefgen.core.errors import BriefingError

pytestmark = pytest.mark.build
STRAIGHT = str.maketrans("‘’“”", "''\"\"")

# LaTeX, Typst markup/code/labels/references/math/comments, and escapes, in one string.
HOSTILE = (
    r"\input{/etc/passwd} \write18{touch pwned} $x^2$ & % # _ ~ ^ {braces} <b> "
    r'#read("/etc/passwd") #include "/etc/hostname" #import "@preview/cetz:0.3.0": * #sys.inputs '
    r'<label> @ref $ a + b $ *bold* _emph_ = heading // comment /* block */ \ back\\slash ` raw ` "quoted"'
)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def _pdf(root: Path) -> Path:
    return next((root / "_build/pdf").glob("*.pdf"))


def test_hostile_text_reaches_the_pdf_literally(harbour: Path) -> None:
    yaml_literal = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    _replace(
        harbour / "briefing/book.yaml", "title: North Pier Closure", f'title: "Pier {yaml_literal}"'
    )
    _replace(
        harbour / "briefing/book.yaml",
        "marking: TEST // NOT FOR DISTRIBUTION",
        f'marking: "M {yaml_literal}"',
    )
    _replace(
        harbour / "briefing/background.yaml",
        "text: Engineers put the repairs at about eight months.",
        f'text: "Repairs {yaml_literal}"',
    )
    _replace(harbour / "briefing/actors.yaml", "name: Ines Varga", f'name: "Varga {yaml_literal}"')
    (harbour / "articles/herald.txt").write_text(
        (harbour / "articles/herald.txt").read_text() + f"\n{HOSTILE}\n"
    )
    build(harbour, ("pdf",))
    assert not list(harbour.rglob("pwned"))
    # analyst text is set with typographic quotes
    text = " ".join(pdf_text(_pdf(harbour)).split()).translate(STRAIGHT)
    # cover, running heads, background, actors, source text: each shows the payload as written
    assert text.count('#read("/etc/passwd")') >= 5
    assert text.count("\\input{/etc/passwd}") >= 5
    assert text.count("// comment /* block */") >= 5
    assert "root:x:0" not in text  # no file was read into the document
    reader = PdfReader(_pdf(harbour))
    assert reader.metadata.title.startswith("Pier \\input{/etc/passwd}")


def test_typst_failure_keeps_last_good_pdf(harbour: Path) -> None:
    shutil.copytree(REPO / "conf", harbour / "conf")  # the project's own override of the defaults
    build(harbour, ("pdf", "html"))
    pdf = _pdf(harbour)
    before = pdf.read_bytes()
    served = (harbour / "_build/html" / pdf.name).read_bytes()
    assert served == before  # the HTML book serves the same PDF
    conf = harbour / "conf/conf.py"
    conf.write_text(conf.read_text() + '\ntypst_pdf_standards = ["no-such-standard"]\n')
    with pytest.raises(BriefingError) as err:
        build(harbour, ("pdf", "html"))
    assert "no-such-standard" in str(err.value)
    assert pdf.read_bytes() == before
    assert (harbour / "_build/html" / pdf.name).read_bytes() == before


def test_pdf_is_reproducible_and_dated_as_of_the_book(
    harbour: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    build(harbour, ("pdf",))
    first = _pdf(harbour).read_bytes()
    shutil.rmtree(harbour / "_build")
    build(harbour, ("pdf",))
    assert _pdf(harbour).read_bytes() == first
    created = PdfReader(_pdf(harbour)).metadata.creation_date
    assert (created.year, created.month, created.day) == (2024, 5, 6)  # the fixture's as_of
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the reproducible-builds convention wins
    build(harbour, ("pdf",))
    created = PdfReader(_pdf(harbour)).metadata.creation_date
    assert (created.year, created.month, created.day) == (2023, 11, 14)
