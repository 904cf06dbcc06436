"""LaTeX output: anchors on inline spans, so PDF links land on the cited passage itself.

Sphinx's LaTeX writer drops the ids of inline nodes; the spans that carry quote anchors and claim
anchors would have no target and every citation link would be undefined. Emitting a hypertarget
for each id before the span fixes that without touching any other node.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.writers.latex import LaTeXTranslator


def visit_inline_with_targets(self: LaTeXTranslator, node: nodes.inline) -> None:
    for node_id in node.get("ids", []):
        self.body.append(self.hypertarget(node_id, anchor=True))
    LaTeXTranslator.visit_inline(self, node)


def setup_latex(app: Sphinx) -> None:
    app.add_node(nodes.inline, override=True, latex=(visit_inline_with_targets, LaTeXTranslator.depart_inline))
