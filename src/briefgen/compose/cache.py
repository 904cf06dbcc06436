"""Compose again only what an edit can change: each unit of the book cached with the inputs it read.

A unit (the index, a section's pages, one source's page ...) is reused when its key is unchanged
and every anchor it looked up is the same as now. The key holds what the unit reads beyond
anchors: the book, the actors (their pages decide actor links), the catalogue of sources (titles,
outlets, dates, grades: every citation's short reference), the unit's own file, and for a source
page its text, anchors, non-article passages and the 'cited by' entries of its passages at the
moment it is composed. The register of 'cited by' links is rebuilt on every build, unit by unit in
the usual order: a reused unit replays the entries it added, so the pages that read the register
see exactly what a cold build would. Equality with a cold build is checked by a property test
(tests/test_incremental_equivalence.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import repeat
from typing import TYPE_CHECKING, Any

from briefgen.compose.page import BookContext, CitingClaim, Page
from briefgen.core.filestate import FileStates
from briefgen.core.load import Briefing, Part
from briefgen.trust.anchor import Anchor, AnchorIndex, SourceText

if TYPE_CHECKING:
    from briefgen.edition.changes import Changes

# or with a third element: its own key (see compose_units)
Unit = tuple[str, Callable[[BookContext], list[Page]]]
WHATS_NEW = "whats-new"  # the unit of the What's new page (see compose.compose_units)


class _Journal(list):
    """One passage's 'cited by' list that logs every entry added, for the unit that adds it."""

    __slots__ = ("key", "log")

    def __init__(
        self, key: str, log: list[tuple[str, CitingClaim]]
    ) -> None:  # empty, as list.__new__ made it
        self.key, self.log = key, log

    def append(self, item: CitingClaim) -> None:
        self.log.append((self.key, item))
        super().append(item)


class CitedByRegister(dict):
    """``BookContext.cited_by`` (a dict of lists made on first use) that logs what is added."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[str, CitingClaim]] = []

    def __missing__(self, key: str) -> _Journal:
        value = self[key] = _Journal(key, self.log)
        return value


class ClaimRegister(dict):
    """``BookContext.claim_anchors`` (first placement of each claim wins) that logs what is added."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[Any, Any]] = []

    def setdefault(self, key: Any, value: Any = None) -> Any:
        if key not in self:
            self.log.append((key, value))
        return super().setdefault(key, value)


class _RecordingTexts(Mapping[str, SourceText]):
    """The anchored source texts, noting which ones a unit reads (e.g. for original-site links)."""

    def __init__(self, texts: dict[str, SourceText], read: dict[str, SourceText]) -> None:
        self._texts, self.read = texts, read

    def __getitem__(self, sid: str) -> SourceText:
        st = self._texts[sid]
        self.read[sid] = st
        return st

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)


class _RecordingAnchors:
    """The anchor index as a unit sees it, noting every anchor and source text the unit looks up."""

    def __init__(self, index: AnchorIndex) -> None:
        self.texts_read: dict[str, SourceText] = {}
        self.texts = _RecordingTexts(index.texts, self.texts_read)
        self._index = index
        self.read: dict[
            str, tuple[SourceText, dict[str, Anchor]]
        ] = {}  # by source: the text anchored in, quote -> anchor

    def get(self, source_id: str, quote: str) -> Anchor:
        anchor = self._index.get(source_id, quote)
        seen = self.read.get(source_id)
        if seen is None:
            seen = self.read[source_id] = (self._index.texts[source_id], {})
        seen[1][quote] = anchor
        return anchor


@dataclass
class _Entry:
    key: tuple[Any, ...]
    pages: list[tuple[str, str]]  # docname, Markdown
    assets: dict[str, str]
    cited: list[tuple[str, CitingClaim]]  # 'cited by' entries the unit added, in order
    # claims it placed first (for the What's new page's links), in order
    claims: list[tuple[Any, Any]]
    anchors_read: dict[str, tuple[SourceText, dict[str, Anchor]]]
    # compared by identity: an unchanged source keeps its anchored text
    texts_read: dict[str, SourceText]


def _digest(*pieces: str) -> str:
    h = hashlib.sha256()
    for piece in pieces:
        h.update(piece.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


class ComposeCache:
    """The units of the last composed book, for a process that builds the same project again."""

    def __init__(self) -> None:
        # the composed files' texts, by file state (compose_book)
        self.written: FileStates[str] = FileStates()
        self._entries: dict[str, _Entry] = {}
        self._dumps: dict[
            tuple[int, str], tuple[Any, str]
        ] = {}  # per object (kept alive, so ids stay theirs)

    def _dump(self, obj: Any, kind: str, make: Callable[[], Any]) -> Any:
        hit = self._dumps.get((id(obj), kind))
        if hit is not None and hit[0] is obj:
            return hit[1]
        value = make()
        self._dumps[(id(obj), kind)] = (obj, value)
        return value

    def _part(self, part: Part | None, kind: str = "all") -> str:
        if part is None:
            return "-"
        if (
            kind == "catalogue"
        ):  # what other pages show of a source: everything but its key points and passages
            return self._dump(
                part,
                kind,
                lambda: _digest(part.model.model_dump_json(exclude={"summary", "non_article"})),
            )
        return self._dump(part, kind, lambda: _digest(part.model.model_dump_json()))

    def _text(self, st: SourceText) -> str:
        def make() -> str:
            anchors = sorted((a.anchor_id, repr(a)) for a in st.anchors.values())
            passages = sorted(
                (n, kind, item.model_dump_json())
                for kind, spans in (("non-article", st.non_article), ("relayed", st.relayed))
                for n, item in spans.items()
            )
            return _digest(
                hashlib.sha256(st.text.encode("utf-8", "surrogatepass")).hexdigest(),
                repr(anchors),
                repr(passages),
            )

        return self._dump(st, "text", make)

    def _key(
        self, name: str, b: Briefing, anchors: AnchorIndex, register: CitedByRegister, base: str
    ) -> tuple[Any, ...]:
        """What the unit reads besides anchors (compared with ==, so no hashing of large lists)."""
        if name.startswith("section:"):
            return (base, self._part(b.sections.get(name.removeprefix("section:"))))
        if name == "sources":
            return (base, self._part(b.sections.get("method")))
        if name.startswith("source:"):
            sid = name.removeprefix("source:")
            st = anchors.texts[sid]
            aids = self._dump(st, "ids", lambda: sorted(a.anchor_id for a in st.anchors.values()))
            # 'cited by' so far: what its back-links show
            cited = tuple(map(tuple, map(register.get, aids, repeat(()))))
            return (base, self._part(b.sources[sid]), self._text(st), cited)
        return (base,)

    def compose(
        self, b: Briefing, anchors: AnchorIndex, units: list[Unit], changes: Changes | None = None
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Every page (docname -> Markdown) and asset (path -> text), composing only changed units.

        ``changes`` (since a previous edition) marks claims and items on every page: part of every key.
        """
        catalogue = [(sid, self._part(part, "catalogue")) for sid, part in b.sources.items()]
        base = _digest(
            self._part(b.book), self._part(b.sections.get("actors")), repr(catalogue), repr(changes)
        )
        register = CitedByRegister()
        log = register.log
        claims = ClaimRegister()
        memo: dict[str, Any] = {}
        pages: dict[str, str] = {}
        assets: dict[str, str] = {}
        entries: dict[str, _Entry] = {}
        own: list[Any]  # a unit's own inputs, when it names them
        for name, unit, *own in units:
            key = (base, *own) if own else self._key(name, b, anchors, register, base)
            entry = self._entries.get(name)
            if (
                entry is not None
                and name != WHATS_NEW
                and entry.key == key
                and _same_anchors(entry, anchors)
            ):
                for aid, citing in entry.cited:
                    entries_of = register.get(aid)
                    if entries_of is None:
                        entries_of = register[aid] = _Journal(aid, log)
                    elif citing in entries_of:
                        continue
                    # not logged: the log is read for the units composed
                    list.append(entries_of, citing)
                for claim, where in entry.claims:
                    claims.setdefault(claim, where)
            else:  # the What's new page reads every claim's placement: always composed
                recording = _RecordingAnchors(anchors)
                start, placed = len(register.log), len(claims.log)
                made = unit(
                    BookContext(b, recording, register, memo, changes=changes, claim_anchors=claims)  # type: ignore[arg-type]  # an AnchorIndex that notes each lookup
                )
                entry = _Entry(
                    key,
                    [(p.docname, p.render()) for p in made],
                    {path: text for p in made for path, text in p.assets.items()},
                    register.log[start:],
                    claims.log[placed:],
                    recording.read,
                    recording.texts_read,
                )
            entries[name] = entry
            pages.update(entry.pages)
            assets.update(entry.assets)
        self._entries = entries
        live = {id(obj) for obj in (*b.parts(), *anchors.texts.values())}
        self._dumps = {k: v for k, v in self._dumps.items() if k[0] in live}
        return pages, assets


def _same_anchors(entry: _Entry, anchors: AnchorIndex) -> bool:
    if any(anchors.texts.get(sid) is not st for sid, st in entry.texts_read.items()):
        return False
    for source_id, (was, quotes) in entry.anchors_read.items():
        st = anchors.texts.get(source_id)
        if st is was:  # the same anchored text (never changed once anchored): the same anchors
            continue
        if st is None:
            return False
        for quote, anchor in quotes.items():
            try:
                if anchors.get(source_id, quote) != anchor:
                    return False
            except KeyError:
                return False
    return True
