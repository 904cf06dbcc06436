"""Accessible HTML for diagrams and contents lists.

- Sphinx's graphviz extension embeds SVG as <object> with no text alternative; give the object
  role="img" and the diagram's alt text as its accessible name.
- A toctree's caption ("Contents", "Source texts") is written as a paragraph with role="heading";
  make it a real <h2> so it is a heading for every reader and tool, not only for ARIA.
"""

from __future__ import annotations

import html

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.ext.graphviz import graphviz, html_visit_graphviz
from sphinx.writers.html5 import HTML5Translator


def visit_graphviz_with_alt(self: HTML5Translator, node: graphviz) -> None:
    start = len(self.body)
    try:
        html_visit_graphviz(self, node)
    except nodes.SkipNode:
        label = html.escape(node.get("alt") or "diagram", quote=True)
        for i in range(start, len(self.body)):
            if "<object " in self.body[i]:
                self.body[i] = self.body[i].replace("<object ", f'<object role="img" aria-label="{label}" ', 1)
                break
        raise


def _toctree_caption(node: nodes.caption) -> bool:
    return bool(node.parent.get("toctree"))


def visit_caption(self: HTML5Translator, node: nodes.caption) -> None:
    if not _toctree_caption(node):
        return HTML5Translator.visit_caption(self, node)
    self.body.append(self.starttag(node, "h2", "", CLASS="caption"))
    self.body.append('<span class="caption-text">')


def depart_caption(self: HTML5Translator, node: nodes.caption) -> None:
    if not _toctree_caption(node):
        return HTML5Translator.depart_caption(self, node)
    self.body.append("</span></h2>\n")


def setup_figures(app: Sphinx) -> None:
    app.setup_extension("sphinx.ext.graphviz")
    app.add_node(graphviz, override=True, html=(visit_graphviz_with_alt, None))
    app.add_node(nodes.caption, override=True, html=(visit_caption, depart_caption))
