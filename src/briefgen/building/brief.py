"""The brief: the bottom line and the key judgments on at most two pages.

A decision maker reads two pages, not the book: CRS and intelligence products come as a short
summary plus the full report. The brief is made from the model, not from the book's pages (it
shows neither the analysis nor the source texts), as Typst markup whose every piece of text is a
string literal (``sphinxext.typst.markup``), so YAML text can never become Typst code. Its
citations are print references ("[Gazette ¶6]") that link to the passage in the HTML book beside
it, where the Download menu offers the brief.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

from briefgen.compose.page import cite_labels
from briefgen.core.dates import parse_date
from briefgen.core.load import Briefing
from briefgen.core.model import Citation
from briefgen.edition.changes import Changes
from briefgen.sphinxext.typst.markup import string, text
from briefgen.trust.anchor import AnchorIndex
from briefgen.trust.provenance import origins, sourcing_phrase

BRIEF_PAGES = 2
"""The most pages a brief may have; a longer one is still made whole, with a warning."""


def brief_name(slug: str) -> str:
    return f"{slug}-brief.pdf"


@dataclass(frozen=True)
class BriefSource:
    """The brief's Typst markup and what its cover line names."""

    markup: str
    name: str


def brief_markup(
    briefing: Briefing,
    anchors: AnchorIndex,
    changes: Changes | None,
    *,
    slug: str,
    book_pdf: str | None,
) -> BriefSource:
    """The whole brief as one Typst document (links are relative to the HTML book's folder)."""
    book = briefing.book.model
    labels = cite_labels(briefing)

    def cites(cite_list: list[Citation]) -> str:
        """'[Gazette ¶6, ¶10; Herald ¶4]': a source's passages together, each linking to its own."""
        by_source: dict[str, list[str]] = {}
        for c in cite_list:
            anchor = anchors.get(c.source, c.quote)
            target = f"sources/{c.source}.html#{anchor.anchor_id}"
            by_source.setdefault(c.source, []).append(
                f"#link({string(target)})[{text(f'¶{anchor.paragraph}')}]"
            )
        groups = [
            f"{text(labels[sid])}#sym.space.nobreak{text(', ').join(marks)}"
            for sid, marks in by_source.items()
        ]
        # separators as string literals: a bare ';' after '#link(...)[...]' would end the call
        return f"#cite-run[{text('; ').join(groups)}]"

    as_of = _as_of(book.as_of)
    lines = [
        _PREAMBLE,
        "#show: brief.with(",
        f"  title: {string(book.title)},",
        f"  marking: {string(book.marking)},",
        f"  authors: ({''.join(string(a) + ', ' for a in book.authors)}),",
        f"  paper: {string(book.paper)},",
        f"  date: datetime(year: {as_of.year}, month: {as_of.month}, day: {as_of.day}),",
        ")",
        "",
        f"#brief-head({string(book.title)}, {string(book.subtitle or '')}, {string(_as_of_text(book.as_of))})",
        "",
        "= Bottom line up front",
        "",
    ]
    for claim in book.bluf:
        lines += [f"- {text(claim.text)} {cites(claim.cite)}", ""]
    if book.key_judgments:
        lines += ["= Key judgments", ""]
        for kj in book.key_judgments:
            found = origins(briefing, anchors, kj.cite)
            basis = f"Confidence: {kj.confidence}; {sourcing_phrase(found)}."
            lines += [
                f"+ {text(kj.text)} {cites(kj.cite)} #judgment-basis[{text(basis)}]",
                "",
            ]
    if changes is not None and not changes.empty:
        lines += ["= What changed", "", text(_changes_text(changes)), ""]
    lines += ["#pointer[", text(_pointer_text(briefing, book_pdf)), "]"]
    # the page count, read back by compile_brief (more than two is a warning, never a crop)
    lines += ["#context [#metadata(counter(page).final().first()) <brief-end>]"]
    if book_pdf:
        lines += [
            f'#pointer[#link({string(book_pdf)})[{text(book_pdf)}] · #link("index.html")[{text("the HTML book")}]]'
        ]
    return BriefSource("\n".join(lines) + "\n", brief_name(slug))


def _as_of(value: object) -> datetime.date:
    """The PDF's date: the book's as-of date (the earliest day it may mean), never the build's day."""
    return parse_date(str(value)).earliest


def _as_of_text(value: object) -> str:
    return f"As of {parse_date(str(value)).display()}"


def _changes_text(changes: Changes) -> str:
    """One sentence of counts: the brief points to the full book's What's new page for the rest."""
    parts = []
    for n, what in (
        (len(changes.added), "claim added"),
        (len(changes.reworded), "claim reworded"),
        (len(changes.removed), "claim removed"),
        (len(changes.judgments), "key judgment re-rated"),
        (len(changes.new_sources), "new source"),
        (len(changes.regraded), "source regraded"),
        (len(changes.new_events), "new event"),
        (len(changes.answered_questions), "question answered"),
    ):
        if n:
            noun, *rest = what.split(" ", 1)
            plural = noun + "s" if n != 1 else noun
            parts.append(" ".join([str(n), plural, *rest]))
    since = parse_date(changes.since.as_of).display()
    listed = ", ".join(parts) if parts else "changes of detail only"
    return f"Since the edition of {since}: {listed}. The full book's What's new page lists each."


def _pointer_text(briefing: Briefing, book_pdf: str | None) -> str:
    n = len(briefing.sources)
    where = "the full book" if not book_pdf else "the full book beside this file"
    return (
        f"This brief gives the bottom line and the key judgments only. {where[0].upper()}{where[1:]} "
        f"holds the analysis, the timeline, the positions of the parties and the {n} source "
        f"text{'s' if n != 1 else ''}; every reference above links to its exact passage there."
    )


_PREAMBLE = """// briefgen's brief: two pages at most. Every text below is a string literal.
#let colours = (title: rgb("#1f3a5f"), marking: rgb("#8b1e3f"), muted: rgb("#57606a"), rule: rgb("#d0d7de"))
#let brief(title: "", marking: "", authors: (), paper: "a4", date: none, body) = {
  set document(title: title, author: if authors.len() > 0 { authors } else { (title,) }, date: date)
  set text(font: ("Libertinus Serif", "Noto Color Emoji"), size: 10.5pt, lang: "en", hyphenate: auto)
  set par(justify: true, leading: 0.6em, spacing: 0.8em)
  let mark = text(size: 8pt, weight: "bold", fill: colours.marking, tracking: 0.04em, marking)
  set page(
    paper: paper,
    margin: (x: 2.2cm, top: 2cm, bottom: 2cm),
    header: align(center, mark),
    footer: context grid(
      columns: (1fr, auto, 1fr),
      align(left, text(size: 8pt, fill: colours.muted, upper("Brief"))),
      mark,
      align(right, text(size: 8pt, fill: colours.muted, counter(page).display("1 / 1", both: true))),
    ),
  )
  show heading: it => block(above: 1.1em, below: 0.6em, text(size: 12.5pt, weight: "bold", fill: colours.title, it.body))
  show link: set text(fill: colours.title)
  set list(spacing: 0.75em)
  set enum(spacing: 0.75em, numbering: "KJ1.")
  body
}
#let brief-head(title, subtitle, as-of) = {
  text(size: 9pt, weight: "bold", fill: colours.muted, tracking: 0.06em, upper("Brief"))
  v(0.2em)
  text(size: 18pt, weight: "bold", fill: colours.title, hyphenate: false, title)
  if subtitle != "" { linebreak(); text(size: 11pt, style: "italic", subtitle) }
  linebreak()
  text(size: 10pt, fill: colours.muted, as-of)
  v(0.3em)
  line(length: 100%, stroke: 0.5pt + colours.rule)
}
#let cite-run(body) = text(size: 0.8em, fill: colours.title, hyphenate: false)[\\[#body\\]]
#let judgment-basis(body) = block(above: 0.35em, text(size: 0.88em, style: "italic", fill: colours.muted, body))
#let pointer(body) = block(above: 1.2em, text(size: 9pt, fill: colours.muted, body))
"""


def compile_brief(source: BriefSource) -> tuple[bytes, int]:
    """The brief's PDF (tagged, PDF/UA-1, as the book) and its number of pages."""
    import typst  # the compiler loads only when a brief is built

    data = source.markup.encode("utf-8")
    pdf = typst.compile(data, pdf_standards=["ua-1"], ignore_system_fonts=False)
    counted = typst.query(data, "<brief-end>", field="value")
    pages = json.loads(counted)[0] if counted else 0
    return pdf, int(pages)
