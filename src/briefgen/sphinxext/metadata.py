"""Book metadata (title, author, PDF name) handed from the composer to Sphinx's configuration.

The composer writes ``_briefgen.json`` beside the pages; reading it here keeps ``conf/conf.py``
generic, and makes a plain ``sphinx-build`` of the composed pages give the same book.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

METADATA_FILE = "_briefgen.json"


def _apply(app: Sphinx, config: Config) -> None:
    path = Path(app.srcdir) / METADATA_FILE
    if not path.is_file():
        return
    meta = json.loads(path.read_text(encoding="utf-8"))
    config.project = meta["title"]
    config.author = ", ".join(meta.get("authors", [])) or meta["title"]
    config.html_title = html.escape(meta["title"])  # Sphinx treats html_title as HTML
    config.copyright = meta.get("copyright", "")
    config.html_context = {**config.html_context, "briefgen": meta}


#: Context values themes print without escaping although they hold plain text (node.astext()).
_PLAIN_TEXT_CONTEXT = ("root_title", "pagetitle")


def _escape_plain_titles(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """sphinx-book-theme puts ``title.astext()`` into its templates raw: escape it, or a title
    holding ``<script>`` becomes markup in the sidebar and print header."""
    for key in _PLAIN_TEXT_CONTEXT:
        if isinstance(context.get(key), str):
            context[key] = html.escape(context[key])


def setup_metadata(app: Sphinx) -> None:
    app.connect("config-inited", _apply)
    app.connect("html-page-context", _escape_plain_titles, priority=900)  # after the theme's own handler
