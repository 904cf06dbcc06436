"""Text reaches Typst only as data: whatever a string holds, Typst reads back exactly that string
(control characters aside, which become spaces), and markup around it is never opened."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typst
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.sphinxext.typst import markup

HOSTILE = [
    '#read("/etc/passwd")',
    '#include "/etc/hostname"',
    '#import "@preview/cetz:0.3.0": *',
    "#sys.inputs",
    "<label> @ref $x^2$ *strong* _emph_ = Heading // line /* block */",
    '\\" \\\\ \\u{41} "quoted" \'single\'',
    "`raw` ```lang\ncode``` [content] {code} #{1 + 1}",
    "🇺🇸 Infantería\u202e x",
]


def _read_back(tmp_path: Path, values: list[str]) -> list[str]:
    """Compile a document holding the literals and ask Typst what strings it got."""
    doc = tmp_path / "doc.typ"
    literals = ", ".join(markup.string(v) for v in values)
    doc.write_text(f"#metadata(({literals},)) <values>\n", encoding="utf-8")
    return json.loads(typst.query(str(doc), "<values>", field="value", root=str(tmp_path)))[0]


def _expected(value: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029]", " ", value)


def test_hostile_strings_come_back_unchanged(tmp_path: Path) -> None:
    assert _read_back(tmp_path, HOSTILE) == [_expected(v) for v in HOSTILE]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40),
        min_size=1,
        max_size=20,
    )
)
def test_any_text_is_a_literal(tmp_path_factory, values: list[str]) -> None:
    tmp = tmp_path_factory.mktemp("typst")
    assert _read_back(tmp, values) == [_expected(v) for v in values]


def test_markup_text_prints_literally_and_sets_smart_quotes(tmp_path: Path) -> None:
    body = (
        markup.text('It\'s "hostile": #read("/etc/passwd") <x> @y')
        + "\n\n"
        + markup.text("'kept' \"as is\"", smart_quotes=False)
    )
    doc = tmp_path / "doc.typ"
    doc.write_text(f'#set document(title: "t")\n#set text(lang: "en")\n{body}\n', encoding="utf-8")
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(typst.compile(str(doc), root=str(tmp_path)))
    import subprocess

    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    # the analyst's quotes set typographically
    assert "It’s “hostile”: #read(“/etc/passwd”) <x> @y" in text
    assert "'kept' \"as is\"" in text


@pytest.mark.build
def test_the_writer_refuses_nodes_the_composer_does_not_make(tmp_path: Path) -> None:
    """A node without a visitor stops the build instead of vanishing from the PDF."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinx.ext.graphviz", "briefgen.sphinxext"]\n')
    (src / "index.rst").write_text("Title\n=====\n\nterm\n    definition\n")
    with (
        docutils_namespace()
    ):  # else its node registrations outlive it and later builds in this process warn (and fail)
        app = Sphinx(
            src, src, tmp_path / "out", tmp_path / "dt", "typst", status=None, warning=None
        )
        with pytest.raises(Exception, match="no rendering for 'definition_list'"):
            app.build()
