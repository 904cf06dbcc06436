"""Accessible HTML for diagrams and contents lists.

- Sphinx's graphviz extension embeds SVG as <object> with no text alternative; give the object
  role="img" and the diagram's alt text as its accessible name. dot sizes the SVG in points,
  which a browser draws at 4/3 px each and then shrinks to the column: give the object its size
  in CSS px = points instead, so a 12 pt label reads at 12 px wherever it is shown (a wider map
  scrolls in its box rather than shrinking).
- A toctree's caption ("Contents", "Source texts") is written as a paragraph with role="heading";
  make it a real <h2> so it is a heading for every reader and tool, not only for ARIA.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

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
                size = _size_attributes(self, self.body[i])
                self.body[i] = self.body[i].replace("<object ", f'<object role="img" aria-label="{label}"{size} ', 1)
                break
        raise


def _size_attributes(self: HTML5Translator, tag: str) -> str:
    """' width="W" height="H"' from the SVG's size in points, or '' when it cannot be read."""
    found = re.search(r'data="([^"]+\.svg)"', tag)
    if not found:
        return ""
    svg = Path(self.builder.outdir, self.builder.imagedir, Path(found.group(1)).name)
    head = svg.read_text(encoding="utf-8", errors="replace")[:2000] if svg.is_file() else ""
    size = re.search(r'<(?:\w+:)?svg[^>]*?width="([0-9.]+)pt"[^>]*?height="([0-9.]+)pt"', head, re.S)
    return f' width="{round(float(size.group(1)))}" height="{round(float(size.group(2)))}"' if size else ""


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
