"""One composed MyST page: its lines, its citation footnotes, and its claim anchors.

Citations become MyST footnotes whose text names outlet, date, paragraph and quote and links to
the anchored passage. In the PDF they are real footnotes; in HTML the Sphinx extension turns each
mark into a direct link to the passage (see ``briefgen.sphinxext.citations``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from briefgen.compose.markup import escape, external_link, label, link, span
from briefgen.core.load import Briefing
from briefgen.core.model import Actor, Actors, Background, Citation, Positions, Questions, Timeline
from briefgen.core.scales import grade_label
from briefgen.edition.textfragment import Article
from briefgen.edition.textfragment import link as text_link
from briefgen.trust.anchor import Anchor, AnchorIndex

if TYPE_CHECKING:
    from briefgen.edition.changes import Changes

T = TypeVar("T")
S = TypeVar("S")
# a claim's text and its citations (source, quote)
ClaimKey = tuple[str, tuple[tuple[str, str], ...]]
MARK_SEPARATOR = span("\\,", classes=("mark-sep",))
ORIGINAL_LINK_TEXT = "open at the passage on the original site ↗"


@dataclass(frozen=True)
class CitingClaim:
    """Where a passage is cited: the page, the claim's anchor, and a label for the back-link."""

    docname: str
    claim_id: str
    page_title: str
    text: str = ""  # the claim's text: its first words label the back-link (``distinct_excerpts``)


@dataclass
class BookContext:
    """What every page needs: the briefing, its anchors, and the growing 'cited by' register."""

    briefing: Briefing
    anchors: AnchorIndex
    cited_by: dict[str, list[CitingClaim]] = field(default_factory=lambda: defaultdict(list))
    memo: dict[str, Any] = field(default_factory=dict)  # see once()
    changes: Changes | None = None  # since the previous edition, when the book names one
    # claim -> (docname, anchor), kept when there are changes
    claim_anchors: dict[ClaimKey, tuple[str, str]] = field(default_factory=dict)

    def item_mark(self, kind: str, key: object) -> str:
        """A "new"/"changed" badge for an event, question, source or position that changed, else ""."""
        if self.changes is None:
            return ""
        mark = self.once(
            "item_marks", lambda: self.changes.item_marks() if self.changes else {}
        ).get((kind, key))
        return change_badge(mark) if mark else ""

    @cached_property
    def change_marks(self) -> dict[ClaimKey, str]:
        """ "new" or "changed" for each claim the What's new page lists, by its text and citations."""
        if self.changes is None:
            return {}
        marks = self.changes.claim_marks()
        claims = [
            *self.changes.added,
            *(p.new for p in [*self.changes.reworded, *self.changes.judgments]),
        ]
        return {
            claim_key(c.text, [(x.source, x.quote) for x in c.cite]): marks[c.id] for c in claims
        }

    @property
    def actors(self) -> Actors:
        return _composed(self.briefing.actors, "actors")

    @property
    def background(self) -> Background:
        return _composed(self.briefing.background, "background")

    @property
    def positions(self) -> Positions:
        return _composed(self.briefing.positions, "positions")

    @property
    def questions(self) -> Questions:
        return _composed(self.briefing.questions, "questions")

    @property
    def timeline(self) -> Timeline:
        return _composed(self.briefing.timeline, "timeline")

    @cached_property
    def actors_by_id(self) -> dict[str, Actor]:
        return {a.id: a for a in self.actors.actors}

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()``, worked out once per book (page layouts that several pages consult)."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def original_link(self, source_id: str, anchor: Anchor) -> str | None:
        """The passage on the source's original site (a URL text fragment), when the source has a ``url``."""
        url = self.briefing.sources[source_id].model.url
        if not url:
            return None
        st = self.anchors.texts[source_id]
        article = self.once(
            f"article:{source_id}",
            lambda: Article(st.text, [(p.start, p.end) for p in st.paragraphs]),
        )
        directive = article.choose(anchor.start, anchor.end)
        return text_link(url, directive) if directive is not None else None

    def cite_label(self, source_id: str) -> str:
        """How a short reference names a source: its outlet, or outlet and date where outlets repeat."""
        return self.once("cite_labels", lambda: cite_labels(self.briefing))[source_id]

    def source_doc(self, source_id: str) -> str:
        return f"sources/{source_id}"


def claim_key(text: str, cites: Sequence[tuple[str, str]]) -> ClaimKey:
    return (" ".join(text.split()), tuple(cites))


def change_badge(kind: str) -> str:
    """A small "new"/"changed" mark (HTML only: the PDF lists changes on its What's new page)."""
    return span(escape(kind), classes=("change-mark", f"change-{kind}")) + " "


def cite_labels(briefing: Briefing) -> dict[str, str]:
    """How short references name each source: its outlet, with the date (and id) where outlets repeat."""
    outlets: dict[str, list[str]] = defaultdict(list)
    for sid, part in briefing.sources.items():
        outlets[part.model.outlet].append(sid)
    labels = {}
    for outlet, sids in outlets.items():
        for sid in sids:
            published = briefing.sources[sid].model.published.parsed.display()
            labels[sid] = outlet if len(sids) == 1 else f"{outlet}, {published}"
    uses = Counter(labels.values())  # same outlet and date: the ids tell them apart
    return {sid: label if uses[label] == 1 else f"{label} ({sid})" for sid, label in labels.items()}


EXCERPT_WORDS = 6


def claim_excerpt(text: str, words: int = EXCERPT_WORDS) -> str:
    """The first ``words`` words of a claim, with an ellipsis when it goes on (plain text)."""
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def distinct_excerpts(texts: Sequence[str], words: int = EXCERPT_WORDS) -> list[str]:
    """Each text's first words: ``words`` of them, or as many more as tell it from the others
    (three back-links all reading "According to NBC News, as relayed…" told the reader nothing).
    Equal texts get equal excerpts."""
    out = []
    for text in texts:
        others = {t for t in texts if t != text}
        n = words
        while n < len(text.split()) and claim_excerpt(text, n) in {
            claim_excerpt(t, n) for t in others
        }:
            n += 1
        out.append(claim_excerpt(text, n))
    return out


def relative_target(from_doc: str, to_doc: str, anchor: str | None = None) -> str:
    """Path of ``to_doc``'s Markdown file as seen from ``from_doc``, plus an optional #anchor."""
    path = _relative_path(from_doc, to_doc)
    return path + (f"#{anchor}" if anchor else "")


@lru_cache(maxsize=16384)
def _relative_path(from_doc: str, to_doc: str) -> str:
    # Docnames are relative, '/'-separated and normalised, so no file system call is needed
    # (posixpath.relpath asks for the working directory on every call: 1.3 s at 20,000 links).
    here, there = from_doc.split("/")[:-1], (to_doc + ".md").split("/")
    common = 0
    while common < min(len(here), len(there) - 1) and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


class Page:
    """Accumulates a page's Markdown; numbers its citations and claims in reading order."""

    def __init__(
        self,
        ctx: BookContext,
        docname: str,
        title: str,
        *,
        short_title: str | None = None,
        anchor: str | None = None,
    ) -> None:
        self.ctx = ctx
        self.docname = docname
        self.title = title
        self.short_title = short_title or title  # how 'cited by' links name this page
        self.lines: list[str] = [*([label(anchor)] if anchor else []), f"# {escape(title)}", ""]
        self._head = len(self.lines)  # the title's lines, which render(with_title=False) leaves out
        self.assets: dict[str, str] = {}  # other files this page shows (path under src -> text)
        self._note_text: list[tuple[str, str]] = []
        self._claims = 0

    # -- building blocks -------------------------------------------------------------------
    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def para(self, markup: str) -> None:
        self.lines.extend([markup, ""])

    def marks(
        self, cites: Sequence[Citation], claim_id: str | None = None, claim_text: str = ""
    ) -> str:
        """Footnote references for the citations, registering the back-links of each passage."""
        out = []
        for cite in cites:
            anchor = self.ctx.anchors.get(cite.source, cite.quote)
            # One footnote per occurrence: LaTeX renders a re-used footnote as a bare number with
            # a page reference, which reads worse on paper than repeating the citation.
            label = f"c{len(self._note_text) + 1}"
            self._note_text.append((label, self._footnote(cite)))
            if claim_id:
                citing = CitingClaim(
                    self.docname, claim_id, self.short_title, " ".join(claim_text.split())
                )
                if citing not in self.ctx.cited_by[anchor.anchor_id]:
                    self.ctx.cited_by[anchor.anchor_id].append(citing)
            out.append(f"[^{label}]")
        # A separator between adjacent marks, shown in print only (HTML brackets each mark).
        return MARK_SEPARATOR.join(out)

    def claim(
        self,
        text: str,
        cites: Sequence[Citation],
        *,
        classes: tuple[str, ...] = ("claim",),
        shown: str | None = None,
    ) -> str:
        """A sentence with its own anchor (for 'cited by' links) followed by its citation marks.

        ``shown`` is markup to show instead of the escaped ``text`` (which still keys the claim)."""
        self._claims += 1
        claim_id = f"c-{self.docname.replace('/', '-')}-{self._claims}"
        badge = ""
        if self.ctx.changes is not None:
            key = claim_key(text, [(c.source, c.quote) for c in cites])
            self.ctx.claim_anchors.setdefault(key, (self.docname, claim_id))
            if mark := self.ctx.change_marks.get(key):
                badge = change_badge(mark)
        return (
            badge
            + span(escape(text) if shown is None else shown, id=claim_id, classes=classes)
            + self.marks(cites, claim_id, text)
        )

    def _footnote(self, cite: Citation) -> str:
        b = self.ctx.briefing
        anchor = self.ctx.anchors.get(cite.source, cite.quote)
        source = b.sources[cite.source].model
        date = source.published.parsed.display()
        target = relative_target(self.docname, self.ctx.source_doc(cite.source), anchor.anchor_id)
        quoted = escape(f"“{cite.quote}”")
        # The short reference ("Gazette ¶5") is marked up, so print can cite compactly; the quote links to its passage.
        short = (
            span(escape(self.ctx.cite_label(cite.source)), classes=("cite-source",))
            + " "
            + span(f"¶{anchor.paragraph}", classes=("cite-para",))
        )
        # the source's grade, its meaning on hover (and in a phone's citation preview)
        meaning = grade_label(source.grade.reliability, source.grade.credibility).split(": ", 1)[1]
        grade = span(
            f"grade {{abbr}}`{source.grade.reliability}{source.grade.credibility} ({meaning})`",
            classes=("cite-grade",),
        )
        text = f"{short} ({grade}), {escape(date)}: {link(quoted, target)}"
        if cite.note:
            text += " " + span(escape(cite.note), classes=("cite-note",))
        if original := self.ctx.original_link(cite.source, anchor):
            text += " " + span(
                external_link(ORIGINAL_LINK_TEXT, original), classes=("cite-original",)
            )
        return text

    # -- output ----------------------------------------------------------------------------
    def render(self, *, with_title: bool = True) -> str:
        body = list(self.lines if with_title else self.lines[self._head :])
        while body and body[-1] == "":
            body.pop()
        if self._note_text:
            body.append("")
            body.extend(f"[^{label}]: {text}" for label, text in self._note_text)
        return "\n".join(body) + "\n"


def _composed(section: S | None, name: str) -> S:
    """A section file's model: a section's pages are composed only when the book has that file."""
    if section is None:
        raise RuntimeError(f"the {name} section is composed, but the briefing has no {name}.yaml")
    return section
