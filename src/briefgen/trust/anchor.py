"""Find every quoted passage in its source text: the check that makes citations trustworthy.

A quote anchors if it occurs in one paragraph of the article, up to typographic differences
(see ``textnorm``). It never anchors with a changed word: a miss is an error that names the
closest passage so the editor can see what differs.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import string
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from briefgen.core.errors import KeyPath, Problem
from briefgen.core.gcpause import paused_gc
from briefgen.core.load import Briefing, Part
from briefgen.core.model import NonArticle, Relay, Source, Span
from briefgen.core.textnorm import Normalized, fold, normalize
from briefgen.core.validate import iter_citations


@dataclass(frozen=True)
class Paragraph:
    number: int  # 1-based, as readers cite it (¶3)
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Anchor:
    """Where a quote sits in its source: exact span, paragraph, and a stable HTML/LaTeX id."""

    source: str
    quote: str
    start: int
    end: int
    paragraph: int
    anchor_id: str
    exact: bool  # False when only typographic folding made it match


class _JoinedOrigin(Sequence[int]):
    """Original offsets of the paragraphs' normalised texts joined by "\n", without copying them.

    Most paragraphs map to the article by a plain ``range``; looking positions up per paragraph
    (a bisect) instead of concatenating every offset into one array saves building an array as
    long as the whole corpus (0.5 s of anchoring 1000 sources).
    """

    def __init__(
        self, starts: list[int], origins: list[Sequence[int]], joints: list[int], length: int
    ) -> None:
        self._starts, self._origins, self._joints, self._length = starts, origins, joints, length

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: int) -> int:  # type: ignore[override]  # positions only, no slices
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        k = bisect_right(self._starts, index) - 1
        offset = index - self._starts[k]
        if offset < len(self._origins[k]):
            return self._origins[k][offset]
        return self._joints[k + 1]  # the "\n" after paragraph k


@dataclass
class SourceText:
    """A source's text split into paragraphs, normalised once for all its quotes."""

    source_id: str
    text: str
    paragraphs: list[Paragraph]
    normalized: Normalized
    # where each paragraph begins in the normalised text
    starts: list[int] = field(default_factory=list)
    anchors: dict[str, Anchor] = field(default_factory=dict)  # by folded quote
    non_article: dict[int, NonArticle] = field(default_factory=dict)  # by paragraph number
    relayed: dict[int, Relay] = field(default_factory=dict)  # by paragraph number

    @classmethod
    def from_text(cls, source_id: str, text: str) -> SourceText:
        paragraphs: list[Paragraph] = []
        pos = 0
        for line in text.splitlines(keepends=True):
            body = line.rstrip("\r\n")
            if body.strip():
                lead = len(body) - len(body.lstrip())
                paragraphs.append(
                    Paragraph(
                        len(paragraphs) + 1, pos + lead, pos + len(body.rstrip()), body.strip()
                    )
                )
            pos += len(line)
        # Paragraphs are joined by "\n" in the normalised text, so no quote can span two of them.
        pieces: list[str] = []
        origins: list[Sequence[int]] = []
        starts: list[int] = []
        at = 0
        for para in paragraphs:
            if pieces:
                at += 1
            starts.append(at)
            n = normalize(text[para.start : para.end], para.start)
            pieces.append(n.text)
            origins.append(n.origin)
            at += len(n.text)
        joints = [p.start - 1 for p in paragraphs]  # where each joining "\n" comes from
        return cls(
            source_id,
            text,
            paragraphs,
            Normalized("\n".join(pieces), _JoinedOrigin(starts, origins, joints, at)),
            starts,
        )

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original span of the normalised slice, ending after the last cluster's combining marks."""
        lo, hi = self.normalized.span(start, end)
        while hi < len(self.text) and unicodedata.combining(self.text[hi]):
            hi += 1
        return lo, hi

    def paragraph_at(self, offset: int) -> Paragraph:
        lo, hi = 0, len(self.paragraphs) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.paragraphs[mid].start <= offset:
                lo = mid
            else:
                hi = mid - 1
        return self.paragraphs[lo]

    def locate(self, quote: str, *, from_paragraph: int = 1) -> tuple[int, int] | None:
        """Original span of the first occurrence of ``quote`` (folded) in or after a paragraph."""
        key = fold(quote)
        if not key or not self.starts:
            return None
        at = self.find(key, self.starts[from_paragraph - 1])
        return None if at < 0 else self.span(at, at + len(key))

    def find(self, key: str, start: int = 0) -> int:
        """Index of the first whole-word occurrence of folded ``key`` at or after ``start``.

        A quote that begins or ends with a letter or digit must not continue a word of the text:
        "awful option" is not in "lawful option".
        """
        text = self.normalized.text
        at = text.find(key, start)
        while at >= 0:
            before = text[at - 1] if at > 0 else " "
            after = text[at + len(key)] if at + len(key) < len(text) else " "
            if not (key[0].isalnum() and before.isalnum()) and not (
                key[-1].isalnum() and after.isalnum()
            ):
                return at
            at = text.find(key, at + 1)
        return -1

    def occurrences(self, quote: str) -> list[int]:
        """Paragraph numbers of every whole-word occurrence of ``quote`` (more than one: ambiguous)."""
        key, found, at = fold(quote), [], -1
        while key and (at := self.find(key, at + 1)) >= 0:
            found.append(self.paragraph_at(self.normalized.origin[at]).number)
        return found

    def closest(self, quote: str) -> tuple[Paragraph, str, float] | None:
        """The passage most like ``quote``: its paragraph, text and similarity (0-100).

        rapidfuzz's alignment costs the quote's length times the article's: exact for the sizes
        briefings have; past ``EXACT_ALIGNMENT_BUDGET`` (a 2,000-character quote against a 5 MB
        article took seconds, 20,000 characters minutes) the place is found by the quote's
        beginning instead (``_probe_alignment``), which costs the article's length once."""
        key = fold(quote)
        text = self.normalized.text
        if not key or not text:
            return None
        found: tuple[int, int, float] | None
        if len(key) * len(text) <= EXACT_ALIGNMENT_BUDGET:
            best = fuzz.partial_ratio_alignment(key, text)
            found = (
                (best.dest_start, best.dest_end, best.score)
                if best is not None and best.score > 0
                else None
            )
        else:
            found = _probe_alignment(key, text)
        if found is None:
            return None
        lo, hi = found[0], found[1]
        while (
            lo < hi - 1 and text[lo] in "\n "
        ):  # an alignment may begin on the joint before a paragraph
            lo += 1
        start, end = self.span(lo, max(hi, lo + 1))
        return self.paragraph_at(start), self.text[start:end], found[2]


EXACT_ALIGNMENT_BUDGET = 50_000_000
"""Quote length x article length up to which the closest passage is aligned exactly."""
_PROBE = 240  # characters of a long quote's beginning that locate its closest passage
_BUCKET = 32


def _probe_alignment(key: str, text: str) -> tuple[int, int, float] | None:
    """Where in ``text`` the passage most like ``key`` starts and ends, and how alike (0-100),
    found in time linear in ``text``: the words of the quote's beginning vote for where it would
    start (one regular-expression scan), the best few places are aligned exactly with that
    beginning, and the whole quote is compared with the passage of its length there."""
    probe = key[:_PROBE]
    first_at: dict[str, int] = {}
    for m in re.finditer(r"\w{3,}", probe):
        first_at.setdefault(m.group(), m.start())
    if not first_at:
        return None
    words = sorted(first_at, key=len, reverse=True)
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b")
    votes: Counter[int] = Counter()
    for m in pattern.finditer(text):
        votes[(m.start() - first_at[m.group()]) // _BUCKET] += 1
    best: tuple[int, int, float] | None = None
    for bucket, _ in votes.most_common(5):
        lo = max(0, bucket * _BUCKET - len(probe))
        hi = min(len(text), bucket * _BUCKET + 2 * len(probe))
        aligned = fuzz.partial_ratio_alignment(probe, text[lo:hi])
        if aligned is not None and (best is None or aligned.score > best[2]):
            best = (lo + aligned.dest_start, lo + aligned.dest_end, aligned.score)
    if best is None or best[2] <= 0:
        return None
    start = best[0]
    end = min(len(text), start + len(key))
    return start, end, fuzz.ratio(key, text[start:end])


def anchor_id(source_id: str, folded_quote: str, taken: set[str]) -> str:
    """Stable id from the quote's own text, so editing one citation renames no other anchor."""
    digest = hashlib.sha1(folded_quote.encode("utf-8")).hexdigest()
    candidate = f"q-{source_id}-{digest[:8]}"
    n = 2
    while candidate in taken:
        candidate = f"q-{source_id}-{digest[:8]}-{n}"
        n += 1
    return candidate


def _difference_hint(quote: str, passage: str) -> str:
    """Name the first words that differ between the quote and the closest passage."""

    def words(text: str) -> list[str]:
        return [w for w in (w.strip(string.punctuation) for w in fold(text).split()) if w]

    a, b = words(quote), words(passage)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        mine = " ".join(a[i1:i2]) or "(nothing)"
        theirs = " ".join(b[j1:j2]) or "(nothing)"
        return f"quote has {mine!r} where the source has {theirs!r}"
    return "only punctuation differs"


def _shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class AnchorIndex:
    """Every source's text and every anchored quote, for the composer."""

    texts: dict[str, SourceText]

    def get(self, source_id: str, quote: str) -> Anchor:
        return self.texts[source_id].anchors[fold(quote)]


def _miss(part: Part, path: KeyPath, st: SourceText, quote: str, what: str) -> Problem:
    key = fold(quote)
    if not key:
        return part.doc.problem(path, f"{what} has no visible text", "quote words from the article")
    at = st.normalized.text.replace("\n", " ").find(key)
    if at >= 0:
        first = st.paragraph_at(st.normalized.origin[at]).number
        if "\n" in st.normalized.text[at : at + len(key)]:
            last = st.paragraph_at(st.normalized.origin[at + len(key) - 1]).number
            return part.doc.problem(
                path,
                f"{what} spans paragraphs ¶{first}-¶{last} of source {st.source_id!r}",
                "a quote must lie within one paragraph; cite each paragraph separately",
            )
        start, end = st.span(at, at + len(key))
        word_start = max(st.text.rfind(" ", 0, start), st.text.rfind("\n", 0, start)) + 1
        context = st.text[word_start : end + 12].split("\n")[0]
        return part.doc.problem(
            path,
            f"{what} occurs in source {st.source_id!r} only inside longer words (¶{first}: {context!r})",
            "quote whole words",
        )
    found = st.closest(quote)
    if found is None:
        return part.doc.problem(path, f"{what} not found in source {st.source_id!r}")
    para, passage, score = found
    hint = f"closest passage is ¶{para.number} ({score:.0f}% alike): {_shorten(passage)!r}; {_difference_hint(quote, passage)}"
    return part.doc.problem(path, f"{what} not found in source {st.source_id!r}", hint)


def _span_paragraphs(
    part: Part, st: SourceText, span: Span, path: KeyPath, what: str, problems: list[Problem]
) -> range | None:
    """The paragraph numbers a span covers, or None (with a located problem) if it is not found."""
    first = st.locate(span.quote)
    if first is None:
        problems.append(_miss(part, (*path, "quote"), st, span.quote, what))
        return None
    last = first
    if span.until is not None:
        # the end follows the start
        found = st.locate(span.until, from_paragraph=st.paragraph_at(first[0]).number)
        if found is None:
            problems.append(_miss(part, (*path, "until"), st, span.until, f"end of {what}"))
            return None
        last = found
    # b >= a: searched from a
    a, b = st.paragraph_at(first[0]).number, st.paragraph_at(last[0]).number
    if span.to_end:
        b = len(st.paragraphs)
    return range(a, b + 1)


def _anchor_passages(part: Part, st: SourceText, problems: list[Problem]) -> None:
    """Which paragraphs are not article text, and which carry a relayed report."""
    source: Source = part.model
    for i, item in enumerate(source.non_article):
        covered = _span_paragraphs(
            part, st, item, ("non_article", i), "non-article passage", problems
        )
        for n in covered or ():
            st.non_article[n] = item
    for i, relay in enumerate(source.relays):
        for j, span in enumerate(relay.passages):
            covered = _span_paragraphs(
                part, st, span, ("relays", i, "passages", j), "relayed passage", problems
            )
            for n in covered or ():
                st.relayed.setdefault(n, relay)


@paused_gc()
def anchor_briefing(b: Briefing) -> tuple[AnchorIndex, list[Problem]]:
    """Anchor every citation and non-article passage; collect a located problem for each miss."""
    texts = {sid: SourceText.from_text(sid, text) for sid, text in b.texts.items()}
    problems: list[Problem] = []
    taken: set[str] = set()
    for sid, part in b.sources.items():
        if sid in texts:
            _anchor_passages(part, texts[sid], problems)
    for part, path, cite in iter_citations(b):
        st = texts.get(cite.source)
        if st is None:
            continue  # unknown source or unreadable text: already reported
        key = fold(cite.quote)
        if key in st.anchors:
            continue
        span = st.locate(cite.quote)
        if span is None:
            problems.append(_miss(part, (*path, "quote"), st, cite.quote, "quote"))
            continue
        start, end = span
        aid = anchor_id(cite.source, key, taken)
        taken.add(aid)
        exact = unicodedata.normalize("NFC", st.text[start:end]) == unicodedata.normalize(
            "NFC", cite.quote.strip()
        )
        st.anchors[key] = Anchor(
            cite.source, cite.quote, start, end, st.paragraph_at(start).number, aid, exact
        )
    return AnchorIndex(texts), problems
