"""Doctree -> Typst markup, for exactly the nodes briefgen's composer produces.

Every text node becomes a string literal (``markup.text``); everything else the writer emits is a
call to a function of the template (``briefgen.typ``) or of Typst itself, with validated ids and
numbers as its only other arguments. A node the composer does not produce has no visitor and
stops the build (Sphinx's ``unknown_visit``): nothing reaches the reader half-rendered.

The nodes it renders are those the composed MyST pages produce: document, start_of_file (the
pages inlined), section, title, paragraph, Text, emphasis, strong, superscript, literal, inline
(claims, cited passages, paragraph numbers, posture badges, citation groups and notes), reference,
target, bullet_list, enumerated_list, list_item, table (with a header row, or two columns of
key and value), figure with image and caption, graphviz, container (non-article and relayed boxes), compound
(toctree wrappers), transition; raw, comment and substitution_definition are skipped.

Ids are made global by prefixing the document name (``sources/oan:q-oan-3``), as the book is one
Typst document; links resolve to those labels, and a link whose target was never emitted is an
error rather than a dead link.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.ext.graphviz import graphviz, render_dot
from sphinx.util.docutils import SphinxTranslator

from briefgen.sphinxext.typst import markup

# Inline spans whose class names a template function: class -> function.
INLINE_STYLES = {
    "cite-group": "cite-group",
    "cited": "cited",
    "para-num": "para-num",
    "proposition": "proposition",
    "actor-kind": "actor-kind",
    "cited-by": "cited-by",
    "diff-ins": "diff-ins",
    "diff-del": "diff-del",
}
POSTURE = re.compile(r"^posture-([a-z]+)$")
WHATS_NEW_DOC = (
    "whats-new"  # the page listing changes since the previous edition (its own marks are kept)
)
APPENDICES_ID = "appendices"  # the id of the toctree that lists the appendices (composer's :name:)


class TypstError(Exception):
    """The doctree holds something the writer cannot render faithfully."""


class TypstTranslator(SphinxTranslator):
    """Walks the assembled book and collects Typst markup in ``self.body``."""

    def __init__(self, document: nodes.document, builder: Any) -> None:
        super().__init__(document, builder)
        self.body: list[str] = []
        self.docs: list[str] = [document["docname"]]
        self.root = document["docname"]
        self.level = 0  # section depth in the assembled book; the root's own title is the cover
        self.verbatim = 0  # inside article text: characters printed exactly as written
        self.labels: set[str] = set()
        self.links: dict[str, str] = {}  # label -> where a link to it was made (for errors)
        self.closers: list[str] = []  # what each open inline/container node closes with
        self.images: dict[str, str] = {}  # image path in the output folder -> alt text
        self.aliases: dict[str, str] = {}  # an element's other ids -> the label it carries
        self.unlabelled: set[int] = set()  # spans whose ids are aliases of the span around them
        self.appendix_names: dict[str, str] = builder.appendix_names()  # source page -> outlet
        self.in_cited_by = 0  # inside a "Cited in" line: each link gets its page number

    # -- helpers ---------------------------------------------------------------------------
    def astext(self) -> str:
        return "".join(self.body)

    @property
    def doc(self) -> str:
        return self.docs[-1]

    def global_id(self, node_id: str, doc: str | None = None) -> str:
        return f"{doc if doc is not None else self.doc}:{node_id}"

    def primary(self, ids: list[str]) -> str | None:
        """The one label an element carries; its other ids are aliases of it (see ``_alias_ids``)."""
        name = self.global_id(ids[0]) if ids else None
        if name is None or name in self.labels:
            return None
        self.labels.add(name)
        return name

    def targets(self, ids: list[str]) -> str:
        """A zero-size target for a block element's ids, placed just before it."""
        name = self.primary(ids)
        return f"#metadata(none)#{markup.label(name)}" if name else ""

    def attach(self, ids: list[str]) -> str:
        """The label for an element just written (inline spans: a link lands on their first glyph)."""
        name = self.primary(ids)
        return f"#{markup.label(name)}" if name else ""

    def link_target(self, name: str) -> str:
        return self.aliases.get(name, name)

    @contextmanager
    def captured(self) -> Iterator[list[str]]:
        """Collect what the enclosed visits write, instead of adding it to the body."""
        start = len(self.body)
        piece: list[str] = []
        yield piece
        piece.append("".join(self.body[start:]))
        del self.body[start:]

    def render_children(self, node: nodes.Element) -> str:
        with self.captured() as piece:
            for child in node.children:
                child.walkabout(self)
        return piece[0]

    # -- structure -------------------------------------------------------------------------
    def visit_document(self, node: nodes.document) -> None:
        self._alias_ids(node, self.root)
        self.body.append(self.targets([""]))  # "%index" links land at the start

    def _alias_ids(self, node: nodes.Element, doc: str) -> None:
        """Typst gives an element one label: map every further id of an element to its first.

        Overlapping quotes that start together share a span with several ids, and a page's top
        section is also the page itself (``%docname`` links).
        """
        for child in node.children:
            if not isinstance(child, nodes.Element):
                continue
            child_doc = child["docname"] if isinstance(child, addnodes.start_of_file) else doc
            ids = self._ids(child)
            nested = child
            while (
                isinstance(nested, nodes.inline)
                and ids
                and len(nested.children) == 1
                and isinstance(nested[0], nodes.inline)
            ):
                # spans wrapping the same text (quotes starting together) share one position
                nested = nested[0]
                ids += nested["ids"]
                self.unlabelled.add(id(nested))
            for extra in ids[1:]:  # the outermost span of a nested run names the label
                self.aliases.setdefault(
                    self.global_id(extra, child_doc), self.global_id(ids[0], child_doc)
                )
            self._alias_ids(child, child_doc)

    @staticmethod
    def _ids(node: nodes.Element) -> list[str]:
        ids = list(node.get("ids", []))
        if isinstance(node, nodes.section) and isinstance(node.parent, nodes.document):
            ids.insert(0, "")  # a page's top section (inlined pages keep their document as parent)
        return ids

    def depart_document(self, node: nodes.document) -> None:
        missing = sorted(set(self.links) - self.labels)
        if missing:
            where = ", ".join(f"{name} (from {self.links[name]})" for name in missing[:5])
            raise TypstError(f"links to targets that are not in the PDF: {where}")

    def visit_start_of_file(self, node: addnodes.start_of_file) -> None:
        self.docs.append(node["docname"])

    def depart_start_of_file(self, node: addnodes.start_of_file) -> None:
        self.docs.pop()

    def visit_section(self, node: nodes.section) -> None:
        self.level += 1

    def depart_section(self, node: nodes.section) -> None:
        self.level -= 1

    def visit_title(self, node: nodes.title) -> None:
        if not isinstance(node.parent, nodes.section):
            raise TypstError(f"a title outside a section ({node.parent.tagname}) is not supported")
        if self.doc == self.root and self.level == 1:
            raise nodes.SkipNode  # the book's title: the cover shows it
        heading_level = self.level - 1
        # chapters and sections are numbered
        numbering = "" if heading_level <= 2 else ", numbering: none"
        name = self.appendix_names.get(self.doc) if heading_level == 1 else None
        if name is not None:  # a source's appendix: titled and headed by the name references use
            self.body.append(f"#appendix-name({markup.string(name)})\n")
        self.body.append(f"#heading(level: {heading_level}{numbering})[")
        if name is not None:
            self.body.append(f"#{markup.string(name + ': ')}")
        self.closers.append("]" + self.attach(self._ids(node.parent)) + "\n\n")

    def depart_title(self, node: nodes.title) -> None:
        self.body.append(self.closers.pop())

    def visit_compound(self, node: nodes.compound) -> None:
        if APPENDICES_ID in node["ids"]:
            self.body.append("#show: appendices\n\n")

    def depart_compound(self, node: nodes.compound) -> None:
        pass

    def visit_container(self, node: nodes.container) -> None:
        self.body.append(self.targets(node["ids"]))
        if "non-article" in node["classes"]:
            self.body.append("#non-article[")
            self.closers.append("]\n\n")
        elif "relayed" in node["classes"]:
            self.body.append("#relayed[")
            self.closers.append("]\n\n")
        else:
            self.closers.append("")

    def depart_container(self, node: nodes.container) -> None:
        self.body.append(self.closers.pop())

    def visit_paragraph(self, node: nodes.paragraph) -> None:
        self.body.append(self.targets(node["ids"]))
        first = node.children[0] if node.children else None
        if isinstance(first, nodes.inline) and "para-num" in first["classes"]:
            self.verbatim += 1  # a numbered paragraph of article text
        if _followed_by_cited_by(node):  # no page break between a paragraph and its "Cited in" line
            self.body.append("#block(sticky: true)[")
        if _ragged(node):  # and kept with what it introduces
            self.body.append("#block(sticky: true, par(justify: false)[")

    def depart_paragraph(self, node: nodes.paragraph) -> None:
        first = node.children[0] if node.children else None
        if isinstance(first, nodes.inline) and "para-num" in first["classes"]:
            self.verbatim -= 1
        if _ragged(node):
            self.body.append("])")
        if _followed_by_cited_by(node):
            self.body.append("]")
        self.body.append("\n\n")

    def visit_transition(self, node: nodes.transition) -> None:
        self.body.append("#line(length: 100%, stroke: 0.5pt)\n\n")
        raise nodes.SkipNode

    # -- lists -----------------------------------------------------------------------------
    def visit_bullet_list(self, node: nodes.bullet_list) -> None:
        self.body.append("#list(")

    def depart_bullet_list(self, node: nodes.bullet_list) -> None:
        self.body.append(")\n\n")

    def visit_enumerated_list(self, node: nodes.enumerated_list) -> None:
        self.body.append(f"#enum(start: {int(node.get('start', 1))}, ")

    def depart_enumerated_list(self, node: nodes.enumerated_list) -> None:
        self.body.append(")\n\n")

    def visit_list_item(self, node: nodes.list_item) -> None:
        self.body.append("[" + self.targets(node["ids"]))

    def depart_list_item(self, node: nodes.list_item) -> None:
        self.body.append("], ")

    # -- tables ----------------------------------------------------------------------------
    def visit_table(self, node: nodes.table) -> None:
        if node.next_node(nodes.title, descend=False, siblings=False) is not None and isinstance(
            node.children[0], nodes.title
        ):
            raise TypstError("table titles are not supported")
        tgroup = node.next_node(nodes.tgroup)
        widths = [int(c.get("colwidth", 1)) for c in tgroup.findall(nodes.colspec)]
        header = [self._row(row) for thead in tgroup.findall(nodes.thead) for row in thead.children]
        body = [self._row(row) for tbody in tgroup.findall(nodes.tbody) for row in tbody.children]
        if len(header) > 1:
            raise TypstError("tables with more than one header row are not supported")
        if not header:
            # A table without a header is a key-value card (a source's metadata): in print it is a
            # list of terms, which tagged PDF can express (a table's header column cannot be marked).
            if len(widths) != 2:
                raise TypstError("tables without a header row must have two columns (key, value)")
            items = "".join(f"terms.item([{key}], [{value}]), " for key, value in body)
            self.body.append(self.targets(node["ids"]) + f"#book-card({items})\n\n")
            raise nodes.SkipNode
        columns = ", ".join(f"{w}fr" for w in widths)
        args = [
            f"columns: ({columns},)",
            f"header: ({''.join(f'[{c}], ' for c in header[0])})" if header else "header: ()",
        ]
        cells = "".join(f"[{cell}], " for row in body for cell in row)
        self.body.append(self.targets(node["ids"]) + f"#book-table({', '.join(args)}, {cells})\n\n")
        raise nodes.SkipNode

    def _row(self, row: nodes.row) -> list[str]:
        cells = []
        for entry in row.children:
            if entry.get("morecols") or entry.get("morerows"):
                raise TypstError("table cells spanning rows or columns are not supported")
            cells.append(self.render_children(entry).strip())
        return cells

    # -- figures and images ----------------------------------------------------------------
    def visit_figure(self, node: nodes.figure) -> None:
        image = node.next_node(nodes.image)
        caption = node.next_node(nodes.caption)
        if image is None or node.next_node(nodes.legend) is not None:
            raise TypstError("a figure needs exactly one image and no legend")
        body = self._image(image)
        # Figures are not numbered, as in the HTML book (nothing refers to a figure by number; a
        # chart's caption-less first panels once made the reader's first figure "Figure 2")
        cap = f", caption: [{self.render_children(caption).strip()}]" if caption is not None else ""
        cap += ", numbering: none"
        self.body.append(self.targets(node["ids"]) + f"#figure({body}{cap})\n\n")
        raise nodes.SkipNode

    def visit_image(self, node: nodes.image) -> None:
        self.body.append(f"#{self._image(node)}\n\n")
        raise nodes.SkipNode

    def _image(self, node: nodes.image) -> str:
        path = self.builder.images.get(node["uri"])
        if path is None:
            raise TypstError(f"image not found: {node['uri']}")
        alt = node.get("alt") or ""
        self.images[path] = alt
        return f"fit-image({markup.string(path)}, alt: {markup.string(alt)})"

    def visit_graphviz(self, node: graphviz) -> None:
        """Graphviz diagrams (the actor map): rendered to SVG by ``dot``, embedded as an image."""
        options = dict(node["options"])
        _, outfn = render_dot(self, node["code"], options, "svg", filename=node.get("filename"))
        if outfn is None:
            raise TypstError("Graphviz's dot could not render a diagram (is graphviz installed?)")
        path = Path(outfn).name
        alt = node.get("alt") or "diagram"
        self.images[path] = alt
        self.body.append(
            self.targets(node["ids"])
            + f"#fit-image({markup.string(path)}, alt: {markup.string(alt)})\n\n"
        )
        raise nodes.SkipNode

    # -- inline ----------------------------------------------------------------------------
    def visit_Text(self, node: nodes.Text) -> None:
        self.body.append(markup.text(node.astext(), smart_quotes=not self.verbatim))

    def depart_Text(self, node: nodes.Text) -> None:
        pass

    def _wrap(self, opening: str, closing: str = "]") -> None:
        self.body.append(opening)
        self.closers.append(closing)

    def _close(self, node: nodes.Node) -> None:
        self.body.append(self.closers.pop())

    def visit_emphasis(self, node: nodes.emphasis) -> None:
        self._wrap("#emph[")

    depart_emphasis = _close

    def visit_strong(self, node: nodes.strong) -> None:
        self._wrap("#strong[")

    depart_strong = _close

    def visit_superscript(self, node: nodes.superscript) -> None:
        self._wrap("#super[")

    depart_superscript = _close

    def visit_literal(self, node: nodes.literal) -> None:
        self.body.append(f"#raw({markup.string(node.astext())})")
        raise nodes.SkipNode

    def visit_inline(self, node: nodes.inline) -> None:
        classes = node["classes"]
        if "mark-sep" in classes or "screen-only" in classes:
            raise nodes.SkipNode  # citation marks are grouped for print; the separator is HTML's
        if "change-mark" in classes and not self._on_whats_new():
            raise nodes.SkipNode  # "new"/"changed" marks are HTML's; print lists the changes on the What's new page
        label = "" if id(node) in self.unlabelled else self.attach(node["ids"])
        opening = "#[" if label else ""  # a labelled span: the label goes on the whole span
        closing = "]" + label if label else ""
        style = next((INLINE_STYLES[c] for c in classes if c in INLINE_STYLES), None)
        if "cited-by" in classes and "original-links" not in classes:
            self.in_cited_by += 1  # closed in depart_inline
        posture = next((m.group(1) for c in classes if (m := POSTURE.match(c))), None)
        if "cite-note" in classes:
            opening, closing = opening + "#footnote[", "]" + closing
        elif posture is not None:
            opening, closing = opening + f"#posture({markup.string(posture)})[", "]" + closing
        elif style is not None:
            opening, closing = opening + f"#{style}[", "]" + closing
        self._wrap(opening, closing)

    def depart_inline(self, node: nodes.inline) -> None:
        if "cited-by" in node["classes"] and "original-links" not in node["classes"]:
            self.in_cited_by -= 1
        self._close(node)

    def _on_whats_new(self) -> bool:
        return self.doc == WHATS_NEW_DOC

    def visit_reference(self, node: nodes.reference) -> None:
        if "page-ref" in node["classes"]:  # ", p. 41": the page of a print reference's passage
            self.body.append(f"#page-ref({markup.label(self._reference_target(node))})")
            raise nodes.SkipNode
        if "refid" in node:
            target = self.global_id(node["refid"])
        elif node.get("refuri", "").startswith("%"):
            doc, _, anchor = node["refuri"][1:].partition("#")
            target = self.global_id(anchor, doc)
        elif re.match(r"^(https?|mailto):", node.get("refuri", "")):
            self._wrap(f"#link({markup.string(node['refuri'])})[")
            return
        else:
            raise TypstError(f"a link the PDF cannot follow: {node.get('refuri')!r}")
        target = self.link_target(target)
        self.links.setdefault(target, self.doc)
        closing = f"] #page-ref-in({markup.label(target)})" if self.in_cited_by else "]"
        self._wrap(f"#link({markup.label(target)})[", closing)

    def _reference_target(self, node: nodes.reference) -> str:
        if "refid" in node:
            target = self.global_id(node["refid"])
        else:
            doc, _, anchor = node.get("refuri", "%")[1:].partition("#")
            target = self.global_id(anchor, doc)
        target = self.link_target(target)
        self.links.setdefault(target, self.doc)
        return target

    depart_reference = _close

    def visit_target(self, node: nodes.target) -> None:
        if not node.get("refid") and not node.get("refuri"):
            self.body.append(self.targets(node["ids"]))
        raise nodes.SkipNode

    # -- what the PDF leaves out -------------------------------------------------------------
    def visit_raw(self, node: nodes.raw) -> None:
        raise nodes.SkipNode  # raw HTML/LaTeX is never passed through (and the composer emits none for Typst)

    def visit_comment(self, node: nodes.comment) -> None:
        raise nodes.SkipNode

    def visit_substitution_definition(self, node: nodes.Element) -> None:
        raise nodes.SkipNode

    def unknown_visit(self, node: nodes.Node) -> None:
        raise TypstError(
            f"the PDF writer has no rendering for '{node.__class__.__name__}' nodes (in {self.doc})"
        )


def _ragged(node: nodes.paragraph) -> bool:
    """Whether a paragraph is a one-line descriptor (an actor's kind and role), set ragged-right:
    justified, a long unbreakable word such as a domain name leaves gaping spaces."""
    first = node.children[0] if node.children else None
    return isinstance(first, nodes.inline) and "actor-kind" in first["classes"]


def _followed_by_cited_by(node: nodes.paragraph) -> bool:
    """Whether the next element is a "Cited in" line (a paragraph holding only that span)."""
    following = node.next_node(descend=False, siblings=True, ascend=False)
    return (
        isinstance(following, nodes.paragraph)
        and len(following.children) == 1
        and isinstance(following.children[0], nodes.inline)
        and "cited-by" in following.children[0]["classes"]
    )
