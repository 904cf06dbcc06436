"""Citation marks in HTML: a direct link to the highlighted passage, with the quote on hover.

The composer writes each citation as a MyST footnote holding one link to the anchored passage,
which is exactly what the PDF wants (a page-bottom footnote). In HTML a footnote is one click too
many, so this post-transform, after references are resolved, points each footnote mark straight at
the passage the footnote links to and gives it the footnote's text as its title. The footnote list
stays at the foot of the page as the page's citations, its back-links intact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform


def _passage_reference(footnote: nodes.footnote) -> nodes.reference | None:
    for ref in footnote.findall(nodes.reference):
        if "#q-" in ref.get("refuri", "") or str(ref.get("refid", "")).startswith("q-"):
            return ref
    return None


def _original_reference(footnote: nodes.footnote) -> nodes.reference | None:
    """The link to the passage on the source's original site (a text fragment), if the citation has one."""
    for span in footnote.findall(nodes.inline):
        if "cite-original" in span["classes"]:
            return next(iter(span.findall(nodes.reference)), None)
    return None


def _citation_text(paragraph: nodes.paragraph) -> str:
    """A footnote paragraph's text for the tooltip, less the original-site link (offered as a link there)."""
    return "".join(
        n.astext()
        for n in paragraph.children
        if not (isinstance(n, nodes.inline) and "cite-original" in n["classes"])
    ).strip()


class CitationMarksToLinks(SphinxPostTransform):
    builders = ("html", "dirhtml", "singlehtml")
    default_priority = 20  # after sphinx.transforms.post_transforms.ReferencesResolver (10)

    def run(self, **kwargs: Any) -> None:
        footnotes = {fid: fn for fn in self.document.findall(nodes.footnote) for fid in fn["ids"]}
        for mark in list(self.document.findall(nodes.footnote_reference)):
            footnote = footnotes.get(mark.get("refid", ""))
            if footnote is None:
                continue
            target = _passage_reference(footnote)
            if target is None:
                continue
            original = _original_reference(footnote)
            # the citation, without its number
            text = " ".join(_citation_text(p) for p in footnote.findall(nodes.paragraph))
            link = nodes.reference("", "", internal=True, reftitle=text, classes=["cite-mark"])
            if "refuri" in target:
                link["refuri"] = target["refuri"]
            else:
                link["refid"] = target["refid"]
            link += nodes.Text(mark.astext())
            short = _short_label(footnote)
            if (
                short
            ):  # read by briefgen.js for the mark's accessible name ("3: citation, Gazette, ¶5")
                link += nodes.inline("", short, classes=["cite-label"])
            if grade := _grade_text(footnote):  # and for a phone's preview of the citation
                link += nodes.inline("", grade, classes=["cite-label", "cite-grade-label"])
            sup = nodes.superscript("", "", link)
            sup["classes"].append("cite")
            if original is not None:  # the tooltip offers it (briefgen.js); hidden beside the mark
                sup += nodes.reference(
                    "", original.astext(), refuri=original["refuri"], classes=["cite-original-link"]
                )
            mark.replace_self(sup)  # replace_self moves the mark's ids (footnote back-links) to sup
        for parent in {id(s.parent): s.parent for s in self.document.findall(_is_mark)}.values():
            _wrap_runs(parent)


def _is_mark(node: nodes.Node) -> bool:
    return isinstance(node, nodes.superscript) and "cite" in node["classes"]


def _wrap_runs(parent: nodes.Element) -> None:
    """Adjacent marks (and the print-only separators between them) in one ``cite-run`` span,
    which keeps them on one line: a run broken across lines reads as two citations."""
    runs: list[list[nodes.Node]] = []
    current: list[nodes.Node] = []
    for child in parent.children:
        is_sep = isinstance(child, nodes.inline) and "mark-sep" in child["classes"]
        if _is_mark(child) or (is_sep and current):
            current.append(child)
            continue
        runs.append(current)
        current = []
    runs.append(current)
    for run in runs:
        while run and not _is_mark(run[-1]):
            run.pop()
        if len(run) < 2:
            continue
        index = parent.index(run[0])
        for node in run:
            parent.remove(node)
        parts = _parts(run)
        for i in reversed(range(len(parts))):
            parent.insert(index, nodes.inline("", "", *parts[i], classes=["cite-run"]))
            if i:  # where a line may break between runs (on screen; print lists them inline)
                parent.insert(index, nodes.inline("", "\u200b", classes=["screen-only"]))


MARKS_PER_RUN = 4
"""A run's most marks on one line: twelve marks would not fit a phone's line (96 px for four)."""


def _parts(run: list[nodes.Node]) -> list[list[nodes.Node]]:
    """A run of marks cut after every MARKS_PER_RUN marks (a separator stays with the mark before)."""
    parts: list[list[nodes.Node]] = [[]]
    marks = 0
    for node in run:
        if _is_mark(node):
            if marks == MARKS_PER_RUN:
                parts.append([])
                marks = 0
            marks += 1
        parts[-1].append(node)
    return parts


def _grade_text(footnote: nodes.footnote) -> str:
    """'grade B2: usually reliable source, information probably true', from the footnote's
    abbreviation of the grade (empty if it has none)."""
    for span in footnote.findall(nodes.inline):
        if "cite-grade" in span["classes"]:
            abbr = next(iter(span.findall(nodes.abbreviation)), None)
            if abbr is not None:
                return f"grade {abbr.astext()}: {abbr.get('explanation', '')}".rstrip(": ")
    return ""


def _short_label(footnote: nodes.footnote) -> str:
    """'Gazette, ¶5': the source and paragraph a citation names (empty if the footnote has none)."""
    parts = [
        n.astext()
        for cls in ("cite-source", "cite-para")
        for n in footnote.findall(nodes.inline)
        if cls in n["classes"]
    ]
    return ", ".join(parts[:2])


def setup_citations(app: Sphinx) -> None:
    app.add_post_transform(CitationMarksToLinks)
    app.add_post_transform(CitationMarksToShortRefs)


# -- print: short references instead of footnotes --------------------------------------------------


@dataclass(frozen=True)
class _Cite:
    source: str  # how the reference names the source ("Gazette")
    para: str  # "¶5"
    target: dict[str, str]  # refuri or refid of the highlighted passage
    note: str | None


def _doc_scope(node: nodes.Node) -> int:
    """The assembled book holds every page: footnote ids are unique only within their page.

    Inlined pages keep their own document as their nodes' root (the builder moves a page's
    children without re-parenting them, as Sphinx's ``inline_all_toctrees`` does), so the root
    reached names the page.
    """
    while node.parent is not None and not isinstance(node, addnodes.start_of_file):
        node = node.parent
    return id(node)


def _parse_citation(footnote: nodes.footnote) -> _Cite | None:
    ref = _passage_reference(footnote)
    if ref is None:
        return None
    source = next(
        (n for n in footnote.findall(nodes.inline) if "cite-source" in n["classes"]), None
    )
    para = next((n for n in footnote.findall(nodes.inline) if "cite-para" in n["classes"]), None)
    if source is None or para is None:
        return None
    note = next((n for n in footnote.findall(nodes.inline) if "cite-note" in n["classes"]), None)
    target = {key: ref[key] for key in ("refuri", "refid") if key in ref}
    return _Cite(
        source.astext(), para.astext(), target, note.astext() if note is not None else None
    )


def _link(cite: _Cite, text: str) -> nodes.reference:
    link = nodes.reference("", "", internal=True, **cite.target)
    link += nodes.Text(text)
    return link


def short_references(cites: list[_Cite]) -> list[nodes.Node]:
    """``[Gazette ¶5, ¶9, p. 41; Herald ¶3, p. 44]`` for a claim's citations, plus a footnote for each note.

    Citations of one source are grouped in the order first cited; a paragraph cited twice is
    named once (it links to the first of its passages, all highlighted in that paragraph).
    """
    by_source: dict[str, list[_Cite]] = {}
    for cite in cites:
        cited = by_source.setdefault(cite.source, [])
        if all(c.para != cite.para for c in cited):
            cited.append(cite)
    group = nodes.inline(classes=["cite-group"])
    for i, (source, cited) in enumerate(by_source.items()):
        if i:
            group += nodes.Text("; ")
        for j, cite in enumerate(cited):
            if j:
                group += nodes.Text(", ")
            # no break inside "Gazette ¶5"
            group += _link(cite, f"{source}\u00a0{cite.para}" if j == 0 else cite.para)
        # on paper: the page of the source's appendix where the first of these passages is
        group += nodes.Text(", ")
        group += nodes.reference("", "", internal=True, classes=["page-ref"], **cited[0].target)
    notes: list[nodes.Node] = []
    for cite in cites:
        if cite.note:
            note = nodes.inline(classes=["cite-note"])
            note += nodes.Text(f"{cite.source} {cite.para}: {cite.note}")
            notes.append(note)
    return [group, *notes]


class CitationMarksToShortRefs(SphinxPostTransform):
    """In print, a claim's footnote marks become one group of short linked references.

    About 470 footnotes filled half of most analytic pages; the quote each footnote repeated is
    printed, highlighted, in the source's appendix where the reference leads. A citation's note,
    which is printed nowhere else, stays a footnote.
    """

    builders = ("typst",)
    default_priority = 20  # after references are resolved

    def run(self, **kwargs: Any) -> None:
        cites: dict[
            tuple[int, str], _Cite | None
        ] = {}  # (page, footnote id) -> its citation, None if not one
        citation_footnotes = []
        for footnote in self.document.findall(nodes.footnote):
            cite = _parse_citation(footnote)
            cites.update({(_doc_scope(footnote), fid): cite for fid in footnote["ids"]})
            if cite is not None:
                citation_footnotes.append(footnote)
        parents = {id(m.parent): m.parent for m in self.document.findall(nodes.footnote_reference)}
        for parent in parents.values():
            for run in _mark_runs(parent):
                found = [
                    cites.get((_doc_scope(n), n.get("refid", "")))
                    for n in run
                    if isinstance(n, nodes.footnote_reference)
                ]
                known = [c for c in found if c is not None]
                if len(known) != len(found):
                    continue  # not a citation: left for the writer, which refuses what it does not know
                index = parent.index(run[0])
                for node in run:
                    parent.remove(node)
                for offset, node in enumerate(short_references(known)):
                    parent.insert(index + offset, node)
        for footnote in citation_footnotes:
            footnote.parent.remove(footnote)


def _mark_runs(parent: nodes.Element) -> list[list[nodes.Node]]:
    """Runs of adjacent footnote marks (with the separators between them) among ``parent``'s children."""
    runs: list[list[nodes.Node]] = []
    current: list[nodes.Node] = []
    for child in parent.children:
        is_mark = isinstance(child, nodes.footnote_reference)
        is_sep = isinstance(child, nodes.inline) and "mark-sep" in child["classes"]
        if is_mark or (is_sep and current):
            current.append(child)
            continue
        if current:
            runs.append(current)
        current = []
    if current:
        runs.append(current)
    return [_trim(run) for run in runs]


def _trim(run: list[nodes.Node]) -> list[nodes.Node]:
    while run and not isinstance(run[-1], nodes.footnote_reference):
        run = run[:-1]
    return run
