"""Accessible HTML for diagrams and contents lists.

- Sphinx's graphviz extension embeds SVG as <object> with no text alternative; give the object
  role="img" and the diagram's alt text as its accessible name. dot sizes the SVG in points,
  which a browser draws at 4/3 px each and then shrinks to the column: size it in CSS px = points
  instead, so a 12 pt label reads at 12 px wherever it is shown (a wider map scrolls in its box
  rather than shrinking).
- A toctree's caption ("Contents", "Source texts") is written as a paragraph with role="heading";
  make it a real <h2> so it is a heading for every reader and tool, not only for ARIA.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.ext.graphviz import graphviz, render_dot_html
from sphinx.writers.html5 import HTML5Translator


def visit_graphviz_with_alt(self: HTML5Translator, node: graphviz) -> None:
    start = len(self.body)
    try:
        # Sphinx writes the alt text unescaped as the object's fallback content: escape it here,
        # as it may hold names from the YAML
        render_dot_html(
            self,
            node,
            node["code"],
            node["options"],
            alt=self.encode(node.get("alt") or "diagram"),
            filename=node.get("filename"),
        )
    except nodes.SkipNode:
        label = html.escape(node.get("alt") or "diagram", quote=True)
        for i in range(start, len(self.body)):
            if "<object " in self.body[i]:
                size = _size_attributes(self, self.body[i])
                self.body[i] = self.body[i].replace(
                    "<object ", f'<object role="img" aria-label="{label}"{size} ', 1
                )
                break
        raise


def _size_attributes(self: HTML5Translator, tag: str) -> str:
    """Resize the object's SVG to CSS px = points; return ' width="W" height="H"' ('' if unreadable).

    The SVG's root ``width``/``height`` in pt become plain numbers (px): the viewBox keeps the
    drawing, which the browser then draws at 3/4 of its point size (a 12 pt label at 12 px)."""
    found = re.search(r'data="([^"]+\.svg)"', tag)
    if not found:
        return ""
    svg = Path(self.builder.outdir, self.builder.imagedir, Path(found.group(1)).name)
    if not svg.is_file():
        return ""
    text = svg.read_text(encoding="utf-8")
    root = re.search(r"<(?:\w+:)?svg\b[^>]*>", text)
    size = (
        re.search(r'\bwidth="([0-9.]+)(?:pt)?"[^>]*?\bheight="([0-9.]+)(?:pt)?"', root.group())
        if root
        else None
    )
    if root is None or size is None:
        return ""
    if 'pt"' in root.group():
        resized = re.sub(r'\b(width|height)="([0-9.]+)pt"', r'\1="\2"', root.group())
        svg.write_text(text[: root.start()] + resized + text[root.end() :], encoding="utf-8")
    return f' width="{round(float(size.group(1)))}" height="{round(float(size.group(2)))}"'


def _page_toctree_caption(node: nodes.title) -> bool:
    """The caption of a contents list in a page's body (not of the sidebar's navigation)."""
    parent = node.parent
    return (
        isinstance(parent, addnodes.compact_paragraph)
        and bool(parent.get("toctree"))
        and isinstance(parent.parent, nodes.compound)
        and "toctree-wrapper" in parent.parent["classes"]
    )


def visit_title(self: HTML5Translator, node: nodes.title) -> None:
    if not _page_toctree_caption(node):
        return type(self).visit_title(self, node)
    self.body.append(self.starttag(node, "h2", "", CLASS="caption"))
    self.body.append('<span class="caption-text">')
    self.context.append("</span></h2>\n")  # depart_title closes it


def setup_figures(app: Sphinx) -> None:
    app.setup_extension("sphinx.ext.graphviz")
    app.add_node(graphviz, override=True, html=(visit_graphviz_with_alt, None))
    app.add_node(nodes.title, override=True, html=(visit_title, None))
