"""A page's citations under a "Notes" heading: labelled, and listed in the page's contents.

MyST puts a page's footnotes after its last section, untitled: on screen they were an unlabelled
list of links under the text. This transform moves them into a section of their own, titled
"Notes", at the end of the page's top section. It runs while the page is read, before Sphinx
collects the page's contents, so "Notes" is listed there. In print each citation becomes a short
reference in the text (``citations.CitationMarksToShortRefs``); a Notes section left without a
footnote is dropped there.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform

NOTES_CLASS = "page-notes"


class NotesSection(SphinxTransform):
    default_priority = 700  # after docutils numbers the footnotes and links their marks (620)

    def apply(self, **kwargs: Any) -> None:
        top = next((c for c in self.document.children if isinstance(c, nodes.section)), None)
        notes = [c for c in self.document.children if isinstance(c, nodes.footnote)]
        if top is None or not notes:
            return
        section = nodes.section("", classes=[NOTES_CLASS])
        section["ids"].append(_free_id(self.document, "notes"))
        self.document.ids[section["ids"][0]] = section
        section += nodes.title("", "Notes")
        for note in notes:
            self.document.remove(note)
            section += note
        top += section


def _free_id(document: nodes.document, wanted: str) -> str:
    """``wanted``, or ``wanted-2``, ... where the page already has a "Notes" of its own."""
    candidate, n = wanted, 1
    while candidate in document.ids:
        n += 1
        candidate = f"{wanted}-{n}"
    return candidate


class DropEmptyNotes(SphinxPostTransform):
    """In print the citations are short references in the text: an emptied Notes section goes."""

    builders = ("typst",)
    default_priority = 30  # after CitationMarksToShortRefs (20) removed the citation footnotes

    def run(self, **kwargs: Any) -> None:
        for section in list(self.document.findall(nodes.section)):
            if NOTES_CLASS in section["classes"] and not any(section.findall(nodes.footnote)):
                section.parent.remove(section)


def setup_notes(app: Sphinx) -> None:
    app.add_transform(NotesSection)
    app.add_post_transform(DropEmptyNotes)
