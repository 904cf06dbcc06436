"""Book metadata (title, marking, PDF name) handed from the composer to Sphinx's configuration.

The composer writes ``_briefgen.json`` beside the pages; reading it here keeps ``conf/conf.py``
generic, and makes a plain ``sphinx-build`` of the composed pages give the same book. Every value
that reaches a theme template as HTML is escaped first; the Typst builder reads the same file and
hands its values to Typst as data (``meta.json``).
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from briefgen.compose.markup import (  # one name for the file, shared with the composer
    METADATA_FILE,
    clean,
)


def _apply(app: Sphinx, config: Config) -> None:
    path = Path(app.srcdir) / METADATA_FILE
    if not path.is_file():
        return
    meta = {
        k: clean(v) if isinstance(v, str) else v
        for k, v in json.loads(path.read_text(encoding="utf-8")).items()
    }
    meta["authors"] = [clean(a) for a in meta.get("authors", [])]
    authors = ", ".join(meta.get("authors", [])) or meta["title"]
    config.project = meta["title"]
    config.author = authors
    config.copyright = meta.get("copyright", "")
    config.today = meta["as_of_display"]  # the book's date is its as-of date, never the build day
    config.html_title = meta["title"]  # Sphinx's own templates escape it (docstitle|e) ...
    # ... but pydata-sphinx-theme prints docstitle raw in its navbar logo: give it escaped text.
    logo = dict(config.html_theme_options.get("logo", {}))
    logo.setdefault("text", html.escape(meta["title"]))
    logo.setdefault("alt_text", html.escape(meta["title"]))
    config.html_theme_options = {**config.html_theme_options, "logo": logo}
    config.html_context = {**config.html_context, "briefgen": meta}
    if meta.get("light_nav"):  # the theme's sidebar without its navigation tree
        light = ["navbar-logo.html", "icon-links.html", "search-button-field.html"]
        config.html_sidebars = {**config.html_sidebars, **dict.fromkeys(meta["light_nav"], light)}


#: Context values themes print without escaping although they hold plain text (node.astext()).
_PLAIN_TEXT_CONTEXT = ("root_title", "pagetitle", "author")


def _escape_plain_titles(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """sphinx-book-theme puts ``title.astext()`` into its templates raw: escape it, or a title
    holding ``<script>`` becomes markup in the sidebar and print header."""
    for key in _PLAIN_TEXT_CONTEXT:
        if isinstance(context.get(key), str):
            context[key] = html.escape(context[key])
    # pydata-sphinx-theme's search page prints "title or docstitle" raw; give it an HTML title.
    if not context.get("title") and isinstance(context.get("docstitle"), str):
        context["title"] = html.escape(context["docstitle"])


def setup_metadata(app: Sphinx) -> None:
    app.connect("config-inited", _apply)
    # after the theme's own handler
    app.connect("html-page-context", _escape_plain_titles, priority=900)
