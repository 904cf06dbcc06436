"""The PDF edition: a Sphinx builder writing Typst, compiled in-process by the ``typst`` package."""

from __future__ import annotations

from sphinx.application import Sphinx

from briefgen.sphinxext.typst.builder import TypstBuilder


def setup_typst(app: Sphinx) -> None:
    app.add_builder(TypstBuilder)
    # PDF/UA-1: tagged, with document language, title and alternative text on every figure.
    app.add_config_value("typst_pdf_standards", ["ua-1"], "env", types=[list])
    app.add_config_value("typst_font_paths", [], "env", types=[list])
