"""Citation marks in HTML: a direct link to the highlighted passage, with the quote on hover.

The composer writes each citation as a MyST footnote holding one link to the anchored passage,
which is exactly what the PDF wants (a page-bottom footnote). In HTML a footnote is one click too
many, so this post-transform, after references are resolved, points each footnote mark straight at
the passage the footnote links to and gives it the footnote's text as its title. The footnote list
stays at the foot of the page as the page's citations, its back-links intact.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform


def _passage_reference(footnote: nodes.footnote) -> nodes.reference | None:
    for ref in footnote.findall(nodes.reference):
        if "#q-" in ref.get("refuri", "") or str(ref.get("refid", "")).startswith("q-"):
            return ref
    return None


class CitationMarksToLinks(SphinxPostTransform):
    builders = ("html", "dirhtml", "singlehtml")
    default_priority = 20  # after sphinx.transforms.post_transforms.ReferencesResolver (10)

    def run(self, **kwargs: Any) -> None:
        footnotes = {fid: fn for fn in self.document.findall(nodes.footnote) for fid in fn["ids"]}
        for mark in list(self.document.findall(nodes.footnote_reference)):
            footnote = footnotes.get(mark.get("refid", ""))
            target = _passage_reference(footnote) if footnote is not None else None
            if target is None:
                continue
            text = target.astext()
            link = nodes.reference("", "", internal=True, reftitle=text, classes=["cite-mark"])
            if "refuri" in target:
                link["refuri"] = target["refuri"]
            else:
                link["refid"] = target["refid"]
            link += nodes.Text(mark.astext())
            sup = nodes.superscript("", "", link)
            sup["classes"].append("cite")
            mark.replace_self(sup)  # replace_self moves the mark's ids (footnote back-links) to sup


def setup_citations(app: Sphinx) -> None:
    app.add_post_transform(CitationMarksToLinks)
