"""Accessible diagrams: Sphinx's graphviz extension embeds SVG as <object> with no text
alternative; give the object role="img" and the diagram's alt text as its accessible name."""

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


def setup_figures(app: Sphinx) -> None:
    app.setup_extension("sphinx.ext.graphviz")
    app.add_node(graphviz, override=True, html=(visit_graphviz_with_alt, None))
