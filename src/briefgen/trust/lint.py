"""Warnings about a briefing that builds but could be better: the analyst's second reader.

Each finding has a code (``uncited-source``, ``single-origin`` ...) so it can be looked up and
silenced. Warnings never stop a build; ``briefgen check --strict`` turns them into errors.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from pydantic import BaseModel

from briefgen.core.errors import KeyPath, Problem
from briefgen.core.load import Briefing, Part
from briefgen.core.model import Citation
from briefgen.core.scales import CONFIDENCE_ORDER, confidence_allowed
from briefgen.core.textnorm import fold
from briefgen.core.validate import walk
from briefgen.trust import estimative
from briefgen.trust.anchor import AnchorIndex
from briefgen.trust.provenance import Origin, cite_origin, origins
from briefgen.trust.support import SupportChecker

CODES = {
    "uncited-source": "a source that no section cites",
    "single-origin": "a bottom-line claim or key judgment resting on one origin",
    "single-source-section": "a section whose citations all come from one source",
    "typographic-quote": "a quote that matches only after folding quotes, dashes or ellipses",
    "ambiguous-quote": "a quote that occurs more than once in its source (it anchors to the first)",
    "unused-id": "an issue or party that no position or actor uses",
    "timeline-order": "an event listed before an earlier one in timeline.yaml",
    "unsupported-detail": "a number, date, quoted phrase or name in a claim that none of its cited passages carries",
    "attribution": "a claim naming an outlet or speaker that its citations do not back",
    "estimative-language": "a key judgment without exactly one ICD 203 likelihood term, or with vague or confidence words",
    "confidence-exceeds-sourcing": "a key judgment whose confidence is higher than its independent origins and grades allow",
    "relay-passages": "a source whose relays and cited passages disagree: a passage naming a relayed outlet counted as the source's own, or an aggregation whose relays name no passages",
    "brief-length": "a bottom line and key judgments too long for the two-page brief",
    "posture-basis": "a party's posture that cites none of its actors' statements (declare basis: actions if inferred)",
}


def _visible(text: str) -> str:
    """Text as a reader sees it: canonically composed, any run of spaces (no-break too) as one."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def claims(part: Part) -> Iterator[tuple[KeyPath, list[Citation]]]:
    """The citations of every claim-like object (anything with citations) in a file, by key path."""
    for path, obj in walk(part.model, BaseModel):
        cites = getattr(obj, "cite", None)
        if isinstance(cites, list) and cites and isinstance(cites[0], Citation):
            yield path, cites


def claim_texts(part: Part) -> Iterator[tuple[KeyPath, str, list[Citation]]]:
    """Every cited statement of a file (claims, judgments, statements, discrepancies) with its text."""
    for path, obj in walk(part.model, BaseModel):
        cites, text = getattr(obj, "cite", None), getattr(obj, "text", None)
        if (
            isinstance(text, str)
            and isinstance(cites, list)
            and cites
            and isinstance(cites[0], Citation)
        ):
            yield path, text, cites


@dataclass
class LintReport:
    warnings: list[Problem] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)

    def warn(
        self, part: Part, path: KeyPath, code: str, message: str, hint: str | None = None
    ) -> None:
        p = part.doc.problem(path, f"{message} [{code}]", hint)
        self.warnings.append(
            Problem(p.file, p.line, p.col, p.key_path, p.message, p.hint, "warning")
        )


def lint(b: Briefing, anchors: AnchorIndex) -> LintReport:
    report = LintReport()
    tally = _Tally()
    files = [
        ("book", b.book),
        *b.sections.items(),
        *((f"source:{s}", p) for s, p in b.sources.items()),
    ]
    for name, part in files:
        _lint_file(b, anchors, report, name, part, tally)
    report.stats.update(
        claims=tally.claims, single_origin_claims=tally.single, origins=len(tally.origins)
    )
    _support(b, anchors, report)
    _judgments(b, anchors, report)
    _relays(b, anchors, report)
    _brief_length(b, report)
    _posture_basis(b, report)
    _uncited_sources(b, report, tally.cited_from_elsewhere)
    _unused_ids(b, report)
    _timeline_order(b, report)
    return report


@dataclass
class _Tally:
    """What ``lint`` counts across files: claims, those on a single origin, sources cited elsewhere."""

    claims: int = 0
    single: int = 0
    cited_from_elsewhere: set[str] = field(default_factory=set)
    origins: set[str] = field(default_factory=set)  # every cited passage's origin


def _lint_file(
    b: Briefing,
    anchors: AnchorIndex,
    report: LintReport,
    name: str,
    part: Part,
    tally: _Tally,
) -> None:
    """One file's claims: single origins (in the book), typographic and ambiguous quotes, and a
    section citing one source only."""
    used_sources: set[str] = set()
    for path, cites in claims(part):
        tally.claims += 1
        claim_origins = _origins(b, anchors, cites)
        tally.origins.update(claim_origins)
        if len(claim_origins) == 1:
            tally.single += 1
            if part is b.book:
                report.warn(
                    part,
                    path,
                    "single-origin",
                    f"rests on one origin ({next(iter(claim_origins.values())).label})",
                    "add a citation from an independent origin, or lower the confidence",
                )
        for j, cite in enumerate(cites):
            used_sources.add(cite.source)
            if name != f"source:{cite.source}":  # a source's own summary does not count
                tally.cited_from_elsewhere.add(cite.source)
            _lint_quote(b, anchors, report, part, (*path, "cite", j, "quote"), cite)
    if name in b.sections and len(used_sources) == 1:
        report.warn(
            part,
            (),
            "single-source-section",
            f"every citation in this file comes from {next(iter(used_sources))!r}",
            "cite other sources where they report the same thing",
        )


def _lint_quote(
    b: Briefing, anchors: AnchorIndex, report: LintReport, part: Part, path: KeyPath, cite: Citation
) -> None:
    """A quote that matches only typographically, or that its article holds more than once."""
    anchor = anchors.get(cite.source, cite.quote)
    passage = b.texts[cite.source][anchor.start : anchor.end]
    if _visible(passage) != _visible(cite.quote):  # judged per citation
        report.warn(
            part,
            path,
            "typographic-quote",
            "quote matches only after folding typography",
            f"the source has: {passage!r}",
        )
    st = anchors.texts[cite.source]
    # a repeat inside boxed non-article material (a page trailer repeating the lede) is harmless
    article = [
        n for n in st.occurrences(cite.quote) if n == anchor.paragraph or n not in st.non_article
    ]
    if len(article) > 1:
        report.warn(
            part,
            path,
            "ambiguous-quote",
            f"quote occurs in ¶{', ¶'.join(map(str, article))} of {cite.source!r}; it is anchored to the first",
            "quote a few more words so it is unique",
        )


def _relays(b: Briefing, anchors: AnchorIndex, report: LintReport) -> None:
    """A source's declared relays against the passages the book cites from it."""
    for sid, part in b.sources.items():
        source, st = part.model, anchors.texts.get(sid)
        if not source.relays or st is None or not st.anchors:
            continue
        cited = sorted({a.paragraph for a in st.anchors.values()})
        if source.kind == "aggregation" and not st.relayed and source.republishes is None:
            report.warn(
                part,
                ("relays",),
                "relay-passages",
                f"this aggregation's relays name no passages, so all {len(cited)} cited paragraph(s) count as {source.outlet}'s own reporting",
                "list under each relay's 'passages' the paragraphs that carry its report",
            )
            continue
        for i, relay in enumerate(source.relays):
            # the outlet as a text names it: "SOFREP (Guy D. McCardle)" is named "SOFREP"
            name = fold(relay.outlet.split(" (")[0]).casefold().removeprefix("the ").strip()
            if not name or name == "unnamed":
                continue
            naming = [
                n
                for n in cited
                if n not in st.relayed
                and n not in st.non_article
                and re.search(rf"\b{re.escape(name)}\b", fold(st.paragraphs[n - 1].text).casefold())
            ]
            if naming:
                marks = ", ".join(f"¶{n}" for n in naming)
                report.warn(
                    part,
                    ("relays", i, "outlet"),
                    "relay-passages",
                    f"{marks} name{'s' if len(naming) == 1 else ''} {relay.outlet}, whose report this source relays, but count{'s' if len(naming) == 1 else ''} as {source.outlet}'s own reporting",
                    f"add {'it' if len(naming) == 1 else 'them'} to this relay's 'passages' if {'it carries' if len(naming) == 1 else 'they carry'} {relay.outlet}'s report",
                )


BRIEF_CHARACTERS = 8500
"""About what the two pages of the brief hold: its text, a reference per citation and a line of
sourcing per judgment (the shipped brief, 6,300 by this count, fills 1.4 pages)."""


def _brief_length(b: Briefing, report: LintReport) -> None:
    book = b.book.model
    size = sum(len(c.text) + 18 * len(c.cite) for c in book.bluf) + sum(
        len(j.text) + 18 * len(j.cite) + 110 for j in book.key_judgments
    )
    if size > BRIEF_CHARACTERS:
        report.warn(
            b.book,
            ("bluf",),
            "brief-length",
            f"the bottom line and key judgments come to about {size:,} characters; the two-page brief holds about {BRIEF_CHARACTERS:,}, so it will run longer",
            "shorten them: the brief is printed whole, never cut",
        )


def _uncited_sources(b: Briefing, report: LintReport, cited_from_elsewhere: set[str]) -> None:
    for sid, part in b.sources.items():
        if sid not in cited_from_elsewhere:
            report.warn(
                part,
                ("id",),
                "uncited-source",
                f"source {sid!r} is not cited outside its own summary",
                "cite it from a section, or remove it",
            )


def _unused_ids(b: Briefing, report: LintReport) -> None:
    """Issues without a position, parties without an actor or a position."""
    positions = b.positions.positions if b.positions else []
    for i, issue in enumerate(b.book.model.issues):
        if not any(p.issue == issue.id for p in positions):
            report.warn(
                b.book,
                ("issues", i, "id"),
                "unused-id",
                f"issue {issue.id!r} has no position",
                "add positions for it in positions.yaml, or remove it",
            )
    actor_parties = {a.party for a in b.actors.actors} if b.actors else set()
    for i, party in enumerate(b.book.model.parties):
        if not any(p.party == party.id for p in positions) and party.id not in actor_parties:
            report.warn(
                b.book,
                ("parties", i, "id"),
                "unused-id",
                f"party {party.id!r} has no actor or position",
                "give one of its actors this party, add a position for it, or remove it",
            )


def _timeline_order(b: Briefing, report: LintReport) -> None:
    part = b.sections.get("timeline")
    if part is None:
        return
    events = part.model.events
    for i in range(1, len(events)):
        if events[i].date.parsed.sort_key < events[i - 1].date.parsed.sort_key:
            report.warn(
                part,
                ("events", i, "date"),
                "timeline-order",
                f"event {events[i].id!r} ({events[i].date.date}) is listed after {events[i - 1].id!r} ({events[i - 1].date.date})",
                "the book sorts by date anyway; keep the YAML in order to make it easy to read",
            )


def _quoted_excerpt(text: str, limit: int = 90) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _support(b: Briefing, anchors: AnchorIndex, report: LintReport) -> None:
    """Claims that say more than their quotes, or name a speaker their citations do not back."""
    checker = SupportChecker(b, anchors)
    for part in b.parts():
        for path, text, cites in claim_texts(part):
            for f in checker.unsupported(text, cites) + checker.attribution(text, cites):
                report.warn(
                    part,
                    (*path, "text"),
                    f.code,
                    f"{f.message}; claim: {_quoted_excerpt(text)}",
                    f.hint,
                )
    if (
        b.timeline
    ):  # an event's title is read first (and alone, on the chart): its claims must back it
        part = b.sections["timeline"]
        for i, event in enumerate(b.timeline.events):
            cites = [c for claim in event.claims for c in claim.cite]
            for f in checker.unsupported(event.title, cites) + checker.attribution(
                event.title, cites
            ):
                report.warn(
                    part,
                    ("events", i, "title"),
                    f.code,
                    f"{f.message} of the event's claims; title: {event.title!r}",
                    f.hint,
                )


def _origins(b: Briefing, anchors: AnchorIndex, cites: list[Citation]) -> dict[str, Origin]:
    """The origins of the citations whose source exists (an unknown source is reported elsewhere)."""
    return origins(b, anchors, (c for c in cites if c.source in b.sources))


def _judgments(b: Briefing, anchors: AnchorIndex, report: LintReport) -> None:
    """ICD 203 wording of each key judgment, and its confidence against its sourcing."""
    for i, kj in enumerate(b.book.model.key_judgments):
        path = ("key_judgments", i)
        for _words, message, hint in estimative.problems(kj.text):
            report.warn(b.book, (*path, "text"), "estimative-language", message, hint)
        grades: dict[str, set[str]] = {}
        labels: dict[str, str] = {}
        for cite in kj.cite:
            part = b.sources.get(cite.source)
            if part is not None:
                origin = cite_origin(b, anchors, cite)
                labels[origin.key] = origin.label
                grades.setdefault(origin.key, set()).add(part.model.grade.reliability)
        allowed = confidence_allowed(grades)
        if CONFIDENCE_ORDER.index(kj.confidence) > CONFIDENCE_ORDER.index(allowed):
            carried = "; ".join(
                f"{labels[o]} ({', '.join(sorted(g))})" for o, g in sorted(grades.items())
            )
            report.warn(
                b.book,
                (*path, "confidence"),
                "confidence-exceeds-sourcing",
                f"confidence {kj.confidence!r} exceeds what {len(grades)} independent origin(s) allow ({allowed!r}): {carried}",
                f"lower it to {allowed!r}, or cite an independent origin carried by a source graded A or B",
            )


def _posture_basis(b: Briefing, report: LintReport) -> None:
    """A posture must rest on what the party says: a citation its actors' statements record."""
    if not (b.positions and b.actors):
        return
    said: dict[str, set[tuple[str, str]]] = {}
    by_actor: dict[str, set[tuple[str, str]]] = {}
    for actor in b.actors.actors:
        keys = {(c.source, fold(c.quote)) for st in actor.statements for c in st.cite}
        by_actor[actor.id] = keys
        if actor.party:
            said.setdefault(actor.party, set()).update(keys)
    part = b.sections["positions"]
    for i, pos in enumerate(b.positions.positions):
        if pos.posture in (None, "unclear") or pos.basis == "actions":
            continue
        keys = {(c.source, fold(c.quote)) for claim in pos.claims for c in claim.cite}
        whose = by_actor.get(pos.actor, set()) if pos.actor else said.get(pos.party, set())
        if not keys & whose:
            speaker = f"actor {pos.actor!r}" if pos.actor else f"any actor of party {pos.party!r}"
            report.warn(
                part,
                ("positions", i, "posture"),
                "posture-basis",
                f"posture {pos.posture!r} on {pos.issue!r} cites no statement of {speaker}",
                "cite a quote recorded among their statements in actors.yaml, or set `basis: actions` so readers see it is inferred",
            )
