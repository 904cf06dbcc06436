"""Warnings about a briefing that builds but could be better: the analyst's second reader.

Each finding has a code (``uncited-source``, ``single-origin`` ...) so it can be looked up and
silenced. Warnings never stop a build; ``briefgen check --strict`` turns them into errors.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from pydantic import BaseModel

from .anchor import AnchorIndex
from .errors import KeyPath, Problem
from .load import Briefing, Part
from .model import Citation, Source
from .validate import walk

CODES = {
    "uncited-source": "a source that no section cites",
    "single-origin": "a bottom-line claim or key judgment resting on one origin",
    "single-source-section": "a section whose citations all come from one source",
    "typographic-quote": "a quote that matches only after folding quotes, dashes or spaces",
    "ambiguous-quote": "a quote that occurs more than once in its source (it anchors to the first)",
    "unused-id": "an issue or party that no position or actor uses",
    "timeline-order": "an event listed before an earlier one in timeline.yaml",
}


def origin_of(source: Source) -> str:
    """The independent origin a source's reporting comes from.

    An aggregation whose relays name an origin passes that origin on (two outlets relaying the
    same report are one origin); any other source is its own origin.
    """
    if source.kind == "aggregation":
        for relay in source.relays:
            if relay.origin:
                return relay.origin
    return source.id


def claims(part: Part) -> Iterator[tuple[KeyPath, list[Citation]]]:
    """The citations of every claim-like object (anything with citations) in a file, by key path."""
    for path, obj in walk(part.model, BaseModel):
        cites = getattr(obj, "cite", None)
        if isinstance(cites, list) and cites and isinstance(cites[0], Citation):
            yield path, cites


@dataclass
class LintReport:
    warnings: list[Problem] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)

    def warn(self, part: Part, path: KeyPath, code: str, message: str, hint: str | None = None) -> None:
        p = part.doc.problem(path, f"{message} [{code}]", hint)
        self.warnings.append(Problem(p.file, p.line, p.col, p.key_path, p.message, p.hint, "warning"))


def lint(b: Briefing, anchors: AnchorIndex) -> LintReport:
    report = LintReport()
    origins = {sid: origin_of(part.model) for sid, part in b.sources.items()}
    cited_from_elsewhere: set[str] = set()
    total_claims = single = 0
    for name, part in [("book", b.book), *b.sections.items(), *((f"source:{s}", p) for s, p in b.sources.items())]:
        used_sources: set[str] = set()
        for path, cites in claims(part):
            total_claims += 1
            claim_origins = {origins.get(c.source, c.source) for c in cites}
            if len(claim_origins) == 1:
                single += 1
                if part is b.book:
                    report.warn(part, path, "single-origin", f"rests on one origin ({next(iter(claim_origins))})", "add a citation from an independent origin, or lower the confidence")
            for j, cite in enumerate(cites):
                used_sources.add(cite.source)
                if name != f"source:{cite.source}":  # a source's own summary does not count
                    cited_from_elsewhere.add(cite.source)
                anchor = anchors.get(cite.source, cite.quote)
                passage = b.texts[cite.source][anchor.start : anchor.end]
                if unicodedata.normalize("NFC", passage) != unicodedata.normalize("NFC", cite.quote):  # judged per citation; canonically equal is equal
                    report.warn(part, path + ("cite", j, "quote"), "typographic-quote", "quote matches only after folding typography", f"the source has: {passage!r}")
                st = anchors.texts[cite.source]
                # a repeat inside boxed non-article material (a page trailer repeating the lede) is harmless
                article = [n for n in st.occurrences(cite.quote) if n == anchor.paragraph or n not in st.non_article]
                if len(article) > 1:
                    report.warn(part, path + ("cite", j, "quote"), "ambiguous-quote", f"quote occurs in ¶{', ¶'.join(map(str, article))} of {cite.source!r}; it is anchored to the first", "quote a few more words so it is unique")
        if name in b.sections and len(used_sources) == 1:
            report.warn(part, (), "single-source-section", f"every citation in this file comes from {next(iter(used_sources))!r}", "cite other sources where they report the same thing")
    report.stats.update(claims=total_claims, single_origin_claims=single, origins=len(set(origins.values())))

    for sid, part in b.sources.items():
        if sid not in cited_from_elsewhere:
            report.warn(part, ("id",), "uncited-source", f"source {sid!r} is not cited outside its own summary", "cite it from a section, or remove it")

    positions = b.positions.positions if b.positions else []
    for i, issue in enumerate(b.book.model.issues):
        if not any(p.issue == issue.id for p in positions):
            report.warn(b.book, ("issues", i, "id"), "unused-id", f"issue {issue.id!r} has no position", "add positions for it in positions.yaml, or remove it")
    actor_parties = {a.party for a in b.actors.actors} if b.actors else set()
    for i, party in enumerate(b.book.model.parties):
        if not any(p.party == party.id for p in positions) and party.id not in actor_parties:
            report.warn(b.book, ("parties", i, "id"), "unused-id", f"party {party.id!r} has no actor or position")

    if part := b.sections.get("timeline"):
        events = part.model.events
        for i in range(1, len(events)):
            if events[i].date.parsed.sort_key < events[i - 1].date.parsed.sort_key:
                report.warn(part, ("events", i, "date"), "timeline-order", f"event {events[i].id!r} ({events[i].date.date}) is listed after {events[i - 1].id!r} ({events[i - 1].date.date})", "the book sorts by date anyway; keep the YAML in order to make it easy to read")
    return report
