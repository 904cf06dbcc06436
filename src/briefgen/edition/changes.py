"""What changed between two editions: the "What's new" page and ``briefgen diff``.

Works on two ``Edition`` objects only (``edition.json`` files, or editions built from a project or
a git revision of it), so an edition published last week is enough to compare against.

Claims are matched across editions in four passes, each only among claims still unmatched:
1. the same YAML ``id``;
2. the same derived id (same section, scope and text);
3. the same kind and the same text (a claim that moved, e.g. to a renamed event);
4. the same kind and similar wording or shared evidence: text similarity (rapidfuzz ``ratio`` of
   the lower-cased words, 0-100) plus 30 times the share of citations in common (Jaccard of the
   cited passages); a pair qualifies with similarity >= 70, or >= 50 when they share a citation,
   and the best-scoring pairs are taken first. Claims that both carry YAML ids never match a
   different id.
A matched pair whose text differs is "reworded"; unmatched claims are "added" or "removed".
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from briefgen.edition.records import (
    Edition,
    EditionBook,
    EditionClaim,
    EditionEvent,
    EditionPosition,
    EditionQuestion,
    EditionSource,
)

SIMILAR = 70
SIMILAR_WITH_SHARED_CITATION = 50
CITATION_WEIGHT = 30


@dataclass(frozen=True)
class Pair:
    old: EditionClaim
    new: EditionClaim


@dataclass(frozen=True)
class PostureChange:
    issue: str  # the issue's title
    party: str  # the party's name, with the actor's id when the position is one actor's
    old: str | None  # None: no position (or no posture) in that edition
    new: str | None
    key: tuple[str, str, str | None] = ("", "", None)  # issue, party and actor ids


@dataclass
class Changes:
    """Everything that differs between a previous edition and this one, in reading order."""

    since: EditionBook
    added: list[EditionClaim] = field(default_factory=list)
    removed: list[EditionClaim] = field(default_factory=list)
    reworded: list[Pair] = field(default_factory=list)
    # key judgments whose likelihood or confidence changed
    judgments: list[Pair] = field(default_factory=list)
    new_sources: list[EditionSource] = field(default_factory=list)
    dropped_sources: list[EditionSource] = field(default_factory=list)
    regraded: list[tuple[EditionSource, EditionSource]] = field(default_factory=list)
    # article text differs (SHA-256)
    retexted: list[tuple[EditionSource, EditionSource]] = field(default_factory=list)
    postures: list[PostureChange] = field(default_factory=list)
    new_events: list[EditionEvent] = field(default_factory=list)
    dropped_events: list[EditionEvent] = field(default_factory=list)
    new_questions: list[EditionQuestion] = field(default_factory=list)
    answered_questions: list[EditionQuestion] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in self.__dataclass_fields__ if name != "since")

    def item_marks(self) -> dict[tuple[str, object], str]:
        """("event", id), ("question", id), ("source", id), ("grade", source id), ("posture", (issue, party, actor)) -> mark."""
        marks: dict[tuple[str, object], str] = {("event", e.id): "new" for e in self.new_events}
        marks.update({("question", q.id): "new" for q in self.new_questions})
        marks.update({("source", s.id): "new" for s in self.new_sources})
        marks.update({("grade", new.id): "changed" for _, new in self.regraded})
        marks.update({("posture", p.key): "changed" for p in self.postures if p.new is not None})
        return marks

    def claim_marks(self) -> dict[str, str]:
        """Claim id in the new edition -> "new" or "changed" (for marks where the claim appears)."""
        marks = {c.id: "new" for c in self.added}
        marks.update({p.new.id: "changed" for p in [*self.reworded, *self.judgments]})
        return marks


def _words(text: str) -> str:
    return " ".join(text.lower().split())


def _passages(claim: EditionClaim) -> set[tuple[str, int, int]]:
    return {(c.source, c.start, c.end) for c in claim.cite}


def _compatible(old: EditionClaim, new: EditionClaim) -> bool:
    """Two claims that both carry YAML ids are the same claim only if the ids are equal."""
    return not (old.id_from == new.id_from == "yaml" and old.id != new.id)


def _score(old: EditionClaim, new: EditionClaim) -> float | None:
    if old.kind != new.kind or not _compatible(old, new):
        return None
    similarity = fuzz.ratio(_words(old.text), _words(new.text))
    a, b = _passages(old), _passages(new)
    shared = len(a & b) / len(a | b) if a | b else 0.0
    if similarity >= SIMILAR or (shared and similarity >= SIMILAR_WITH_SHARED_CITATION):
        return similarity + CITATION_WEIGHT * shared
    return None


def match_claims(
    old: Sequence[EditionClaim], new: Sequence[EditionClaim]
) -> tuple[list[Pair], list[EditionClaim], list[EditionClaim]]:
    """``(pairs, removed, added)``: claims of the two editions matched as the module says."""
    left = list(old)
    right = list(new)
    pairs: list[Pair] = []

    def take(key: Callable[[EditionClaim], object]) -> None:
        nonlocal left, right
        index: dict[object, list[EditionClaim]] = {}
        for c in left:
            if (k := key(c)) is not None:
                index.setdefault(k, []).append(c)
        matched_old: set[int] = set()
        still: list[EditionClaim] = []
        for c in right:
            k = key(c)
            candidates = index.get(k, []) if k is not None else []
            o = next((o for o in candidates if _compatible(o, c)), None)
            if o is not None:
                candidates.remove(o)
                matched_old.add(id(o))
                pairs.append(Pair(o, c))
            else:
                still.append(c)
        left = [c for c in left if id(c) not in matched_old]
        right = still

    take(lambda c: c.id if c.id_from == "yaml" else None)
    take(lambda c: c.id)
    take(lambda c: (c.kind, _words(c.text)))
    scored = sorted(
        (
            (s, i, j)
            for i, o in enumerate(left)
            for j, n in enumerate(right)
            if (s := _score(o, n)) is not None
        ),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    for _, i, j in scored:
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append(Pair(left[i], right[j]))
    removed = [c for i, c in enumerate(left) if i not in used_old]
    added = [c for j, c in enumerate(right) if j not in used_new]
    order = {c.id: n for n, c in enumerate(new)}
    pairs.sort(key=lambda p: order[p.new.id])
    return pairs, removed, added


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """``[(op, text), ...]`` with op ``=`` (kept), ``-`` (only in old) or ``+`` (only in new), by words."""
    a, b = old.split(), new.split()
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("=", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", " ".join(b[j1:j2])))
    return out


def _level(claim: EditionClaim) -> str | None:
    """The probability range a judgment's term conveys: "likely" and "probable" are one level."""
    return claim.likelihood.range if claim.likelihood else None


def _judgment_changed(pair: Pair) -> bool:
    return pair.old.confidence != pair.new.confidence or _level(pair.old) != _level(pair.new)


def _postures(old: Edition, new: Edition) -> list[PostureChange]:
    def key(p: EditionPosition) -> tuple[str, str, str | None]:
        return (p.issue, p.party, p.actor)

    before = {key(p): p.posture for p in old.positions}
    after = {key(p): p.posture for p in new.positions}
    issues = {i.id: i.title for i in [*old.book.issues, *new.book.issues]}
    parties = {p.id: p.name for p in [*old.book.parties, *new.book.parties]}
    keys = [*after, *(k for k in before if k not in after)]
    out = []
    for k in keys:
        a, b = before.get(k), after.get(k)
        if a != b:
            issue, party, actor = k
            who = parties.get(party, party) + (f" ({actor})" if actor else "")
            out.append(PostureChange(issues.get(issue, issue), who, a, b, k))
    return out


def compare(old: Edition, new: Edition) -> Changes:
    """What changed from ``old`` to ``new``."""
    pairs, removed, added = match_claims(old.claims, new.claims)
    changes = Changes(since=old.book, added=added, removed=removed)
    for pair in pairs:
        if pair.new.kind == "key-judgment" and _judgment_changed(pair):
            changes.judgments.append(pair)
        elif _words(pair.old.text) != _words(pair.new.text):
            changes.reworded.append(pair)
    old_sources = {s.id: s for s in old.sources}
    new_sources = {s.id: s for s in new.sources}
    changes.new_sources = [s for sid, s in new_sources.items() if sid not in old_sources]
    changes.dropped_sources = [s for sid, s in old_sources.items() if sid not in new_sources]
    for sid, s in new_sources.items():
        if (was := old_sources.get(sid)) is None:
            continue
        if (was.grade.reliability, was.grade.credibility) != (
            s.grade.reliability,
            s.grade.credibility,
        ):
            changes.regraded.append((was, s))
        if was.sha256 != s.sha256:
            changes.retexted.append((was, s))
    changes.postures = _postures(old, new)
    old_events = {e.id for e in old.events}
    new_events = {e.id for e in new.events}
    changes.new_events = sorted(
        (e for e in new.events if e.id not in old_events), key=lambda e: e.date
    )
    changes.dropped_events = [e for e in old.events if e.id not in new_events]
    old_questions = {q.id for q in old.questions}
    new_questions = {q.id for q in new.questions}
    changes.new_questions = [q for q in new.questions if q.id not in old_questions]
    changes.answered_questions = [q for q in old.questions if q.id not in new_questions]
    return changes


# -- the terminal ----------------------------------------------------------------------------------

SECTION_NAMES = {
    "summary": "Summary",
    "background": "Background",
    "actors": "Actors",
    "positions": "Positions",
    "timeline": "Timeline",
    "questions": "Open questions",
    "sources": "Sources",
}


def grade(s: EditionSource) -> str:
    return f"{s.grade.reliability}{s.grade.credibility}"


def posture_name(posture: str | None) -> str:
    return posture or "no posture"


def judgment_summary(pair: Pair) -> str:
    """'likelihood likely -> very likely; confidence low -> moderate' (only what changed)."""
    parts = []
    old_l, new_l = pair.old.likelihood, pair.new.likelihood
    if _level(pair.old) != _level(pair.new):
        parts.append(
            f"likelihood {old_l.term if old_l else 'none stated'} ({old_l.range if old_l else '-'}) -> {new_l.term if new_l else 'none stated'} ({new_l.range if new_l else '-'})"
        )
    if pair.old.confidence != pair.new.confidence:
        parts.append(f"confidence {pair.old.confidence} -> {pair.new.confidence}")
    return "; ".join(parts)


def _marked(ops: list[tuple[str, str]], keep: str) -> str:
    """One side of a word diff as text, the other side's words dropped: ``[-old-]`` / ``{+new+}``."""
    out = []
    for op, text in ops:
        if op == "=":
            out.append(text)
        elif op == keep:
            out.append(f"[-{text}-]" if op == "-" else f"{{+{text}+}}")
    return " ".join(out)


def format_changes(changes: Changes) -> str:
    """The changes as plain text, one section per kind (what ``briefgen diff`` prints)."""
    lines = [f"Changes since the edition of {changes.since.as_of} ({changes.since.title})"]
    if changes.empty:
        return lines[0] + ": none\n"

    def section(title: str, items: list[str]) -> None:
        """A heading with the number of items; an item may take several lines."""
        if items:
            lines.extend(["", f"{title} ({len(items)})", *items])

    section("Claims added", [f"  + [{SECTION_NAMES[c.section]}] {c.text}" for c in changes.added])
    section(
        "Claims removed", [f"  - [{SECTION_NAMES[c.section]}] {c.text}" for c in changes.removed]
    )
    reworded = []
    for p in changes.reworded:
        ops = word_diff(p.old.text, p.new.text)
        reworded.append(
            f"  ~ [{SECTION_NAMES[p.new.section]}] now: {_marked(ops, '+')}\n      was: {_marked(ops, '-')}"
        )
    section("Claims reworded", reworded)
    judgments = []
    for p in changes.judgments:
        item = f"  ~ {p.new.text}\n      {judgment_summary(p)}"
        if _words(p.old.text) != _words(p.new.text):
            item += f"\n      was: {p.old.text}"
        judgments.append(item)
    section("Key judgments changed", judgments)
    section("New sources", [f"  + {s.outlet}: {s.title} ({grade(s)})" for s in changes.new_sources])
    section("Dropped sources", [f"  - {s.outlet}: {s.title}" for s in changes.dropped_sources])
    section(
        "Grades changed",
        [
            f"  ~ {new.outlet}: {new.title}: {grade(old)} -> {grade(new)}"
            for old, new in changes.regraded
        ],
    )
    section(
        "Article texts changed",
        [
            f"  ~ {new.outlet}: {new.title} (SHA-256 {old.sha256[:12]}... -> {new.sha256[:12]}...)"
            for old, new in changes.retexted
        ],
    )
    section(
        "Positions changed",
        [
            f"  ~ {p.issue}: {p.party}: {posture_name(p.old)} -> {posture_name(p.new)}"
            for p in changes.postures
        ],
    )
    section("New timeline events", [f"  + {e.date}: {e.title}" for e in changes.new_events])
    section("Timeline events removed", [f"  - {e.date}: {e.title}" for e in changes.dropped_events])
    section("New questions", [f"  + {q.question}" for q in changes.new_questions])
    section(
        "Questions answered or closed", [f"  - {q.question}" for q in changes.answered_questions]
    )
    return "\n".join(lines) + "\n"
