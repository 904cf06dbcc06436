"""Book metadata (title, marking, PDF name) handed from the composer to Sphinx's configuration.

The composer writes ``_briefgen.json`` beside the pages; reading it here keeps ``conf/conf.py``
generic, and makes a plain ``sphinx-build`` of the composed pages give the same book. Every value
that reaches LaTeX goes through Sphinx's own ``texescape``; every value that reaches a theme
template as HTML is escaped first.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import texescape

from ..compose import METADATA_FILE  # one name for the file, shared with the composer
from ..compose.markup import clean


def tex(text: str) -> str:
    """LaTeX-escape plain text with Sphinx's own tables.

    ``config-inited`` runs before the LaTeX builder initialises ``texescape``; escaping with
    uninitialised tables silently returns the text unchanged, so initialise them first.
    """
    texescape.init()
    return texescape.escape(text)


def _cover(meta: dict[str, Any]) -> str:
    """A title page: marking bars, title, subtitle, as-of date, authors. Data is texescaped."""
    marking = tex(meta["marking"])
    subtitle = rf"{{\Large\itshape {tex(meta['subtitle'])}\par}}\vspace{{2em}}" if meta.get("subtitle") else ""
    authors = tex(", ".join(meta.get("authors", [])))
    return rf"""
\begin{{titlepage}}
  \hypersetup{{pageanchor=false}}
  \centering
  {{\sffamily\bfseries\color{{briefgenmarking}} {marking}\par}}
  \vspace*{{0.25\textheight}}
  {{\sffamily\bfseries\color{{briefgentitle}}\Huge {tex(meta["title"])}\par}}
  \vspace{{1.5em}}
  {subtitle}
  \rule{{0.5\textwidth}}{{0.6pt}}\par\vspace{{1em}}
  {{\large As of {tex(meta["as_of_display"])}\par}}
  \vspace{{0.5em}}
  {{\large {authors}\par}}
  \vfill
  {{\small {tex(str(meta.get("sources", 0)))} sources. Every claim is cited to an exact passage, reproduced in the appendices.\par}}
  \vspace{{1em}}
  {{\sffamily\bfseries\color{{briefgenmarking}} {marking}\par}}
\end{{titlepage}}
\hypersetup{{pageanchor=true}}
"""


def _running_heads(meta: dict[str, Any]) -> str:
    """Marking on every page, head and foot, as handling markings are printed."""
    marking = tex(meta["marking"])

    def style(name: str, head_rule: str) -> str:
        return rf"""\fancypagestyle{{{name}}}{{%
  \fancyhf{{}}%
  \fancyhead[C]{{\sffamily\footnotesize\bfseries\color{{briefgenmarking}} {marking}}}%
  \fancyfoot[C]{{\sffamily\footnotesize\bfseries\color{{briefgenmarking}} {marking}}}%
  \fancyfoot[R]{{\py@HeaderFamily\thepage}}%
  \renewcommand{{\headrulewidth}}{{{head_rule}}}%
  \renewcommand{{\footrulewidth}}{{0.4pt}}}}
"""

    # 'plain' is the style of chapter openings: no rule under the head there.
    return "\n\\setlength{\\headheight}{14pt}\n\\makeatletter\n" + style("normal", "0.4pt") + style("plain", "0pt") + "\\makeatother\n"


def _pdf_info(meta: dict[str, Any]) -> str:
    keywords = ", ".join(meta.get("keywords", []))
    subject = meta.get("subtitle") or meta["title"]
    return rf"""
\hypersetup{{pdftitle={{{tex(meta["title"])}}}, pdfauthor={{{tex(", ".join(meta.get("authors", [])) or meta["title"])}}},
  pdfsubject={{{tex(subject)}}}, pdfkeywords={{{tex(keywords)}}}, pdfcreator={{briefgen}}}}
"""


def _apply(app: Sphinx, config: Config) -> None:
    path = Path(app.srcdir) / METADATA_FILE
    if not path.is_file():
        return
    meta = {k: clean(v) if isinstance(v, str) else v for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
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
    config.latex_documents = [(config.root_doc, f"{meta['slug']}.tex", tex(meta["title"]), tex(authors), "manual", False)]
    elements = dict(config.latex_elements)
    elements["maketitle"] = _cover(meta)
    elements["preamble"] = elements.get("preamble", "") + _running_heads(meta) + _pdf_info(meta)
    config.latex_elements = elements


#: Context values themes print without escaping although they hold plain text (node.astext()).
_PLAIN_TEXT_CONTEXT = ("root_title", "pagetitle", "author")


def _escape_plain_titles(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
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
    app.connect("html-page-context", _escape_plain_titles, priority=900)  # after the theme's own handler
