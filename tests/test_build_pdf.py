"""PDF builds of the small fixture: hostile text stays text, LaTeX failures keep the last PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from briefgen.build import build
from briefgen.errors import BriefingError

pytestmark = pytest.mark.build

HOSTILE = r"\input{/etc/passwd} \write18{touch pwned} $x^2$ & % # _ ~ ^ {braces} <b>"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_hostile_text_reaches_the_pdf_literally(harbour: Path) -> None:
    yaml_literal = HOSTILE.replace("\\", "\\\\")
    _replace(harbour / "briefing/book.yaml", "title: North Pier Closure", f'title: "Pier {yaml_literal}"')
    _replace(harbour / "briefing/book.yaml", "marking: TEST // NOT FOR DISTRIBUTION", f'marking: "M {yaml_literal}"')
    _replace(harbour / "briefing/background.yaml", "text: Engineers put the repairs at about eight months.", f'text: "Repairs {yaml_literal}"')
    _replace(harbour / "briefing/actors.yaml", "name: Ines Varga", f'name: "Varga {yaml_literal}"')
    (harbour / "articles/herald.txt").write_text((harbour / "articles/herald.txt").read_text() + f"\n{HOSTILE}\n")
    build(harbour, ("pdf",))
    assert not (harbour / "_build/.work/latex/pwned").exists()
    reader = PdfReader(next((harbour / "_build/pdf").glob("*.pdf")))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert text.count("/etc/passwd") >= 5  # cover, running heads, background, actors, source text
    assert "\\input{/etc/passwd}" in text.replace("\\ ", "\\")
    assert reader.metadata.title.startswith("Pier \\input{/etc/passwd}")


def test_latex_failure_keeps_last_good_pdf(harbour: Path) -> None:
    build(harbour, ("pdf", "html"))
    pdf = next((harbour / "_build/pdf").glob("*.pdf"))
    before = pdf.read_bytes()
    served = (harbour / "_build/html" / pdf.name).read_bytes()
    assert served == before  # the HTML book serves the same PDF
    conf = harbour / "conf/conf.py"
    conf.write_text(conf.read_text() + '\nlatex_elements["preamble"] += r"\\AtBeginDocument{\\nosuchmacro}"\n')
    with pytest.raises(BriefingError) as err:
        build(harbour, ("pdf", "html"))
    assert "Undefined control sequence" in str(err.value)
    assert pdf.read_bytes() == before
    assert (harbour / "_build/html" / pdf.name).read_bytes() == before


def test_pdf_is_reproducible_and_dated_as_of_the_book(harbour: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    build(harbour, ("pdf",))
    pdf = next((harbour / "_build/pdf").glob("*.pdf"))
    first = pdf.read_bytes()
    shutil.rmtree(harbour / "_build")
    build(harbour, ("pdf",))
    assert pdf.read_bytes() == first
    created = PdfReader(pdf).metadata.creation_date
    assert (created.year, created.month, created.day) == (2024, 5, 6)  # the fixture's as_of
