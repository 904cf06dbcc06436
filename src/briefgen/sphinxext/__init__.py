"""Sphinx extension: what MyST cannot say on its own about citations and book metadata.

Thin ``setup`` in the style of sphinx-design: one ``setup_<feature>`` per module.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from briefgen.sphinxext.citations import setup_citations
from briefgen.sphinxext.figures import setup_figures
from briefgen.sphinxext.inventory import setup_inventory
from briefgen.sphinxext.metadata import setup_metadata
from briefgen.sphinxext.notes import setup_notes
from briefgen.sphinxext.plainids import setup_plainids
from briefgen.sphinxext.refs import setup_refs
from briefgen.sphinxext.searchindex import setup_searchindex
from briefgen.sphinxext.templates import setup_templates
from briefgen.sphinxext.typst import setup_typst

__version__ = "0.1.0"


def setup(app: Sphinx) -> dict[str, Any]:
    setup_metadata(app)
    setup_citations(app)
    setup_notes(app)
    setup_figures(app)
    setup_templates(app)
    setup_refs(app)
    setup_plainids(app)
    setup_typst(app)
    setup_searchindex(app)
    setup_inventory(app)
    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 3,  # 3: footnotes in a Notes section
    }
