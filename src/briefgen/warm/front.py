"""The front half's memory between builds of one project in one process (``briefgen serve``).

Five caches, each keyed by content so a stale entry can only be missed, never used:

- files: every YAML file's Part, by its bytes (``load_briefing(cache=...)``); an edited file
  parses and validates again only the list items the edit touched (``yamlio.read_yaml_again``);
- anchors: each source's anchored text, by its boundary inputs (the source id, the text, its
  non-article passages and the quotes citing it, in citing order). Anchoring itself is not
  touched: the sources that missed are anchored by ``anchor_briefing`` on a briefing holding
  only them, and any problem sends the whole briefing through it uncached, so error messages
  are the ones a cold build gives;
- units of composed pages (``briefgen.compose.cache``);
- the edition's claims, citations and sources, and their lines in edition.json and
  annotations.jsonld (``briefgen.edition.cache``);
- and, for the back half, the Sphinx applications of the last build (``briefgen.warm.sphinxapp``).

Reading files is kept too, by file state (``briefgen.core.filestate``: device, inode, size, modification
and change times, remembered only once older than the read by a margin): the YAML bytes and article
texts loaded, the digests the no-op stamp takes, and what each composed page holds. Each page's
share of the navigation digest is kept by the page's text.

The result equals a cold build's, byte for byte (tests/test_incremental_equivalence.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from briefgen.compose.cache import ComposeCache
from briefgen.core import gcpause
from briefgen.core.errors import KeyPath, Problem
from briefgen.core.filestate import FileStates
from briefgen.core.load import Briefing, KnownFiles, Part, PartCache
from briefgen.core.model import Citation, Strict
from briefgen.core.validate import WalkCache, iter_citations
from briefgen.edition.cache import EditionCache
from briefgen.trust.anchor import AnchorIndex, SourceText, anchor_briefing
from briefgen.warm.sphinxapp import KeptApps

AnchorKey = tuple[str, str, str, tuple[str, ...]]


class _Quotes(Strict):
    """A stand-in part carrying citations in their original order, for anchoring a subset of sources."""

    cite: list[Citation]


@dataclass
class FrontCache:
    files: PartCache = field(default_factory=dict)
    # YAML bytes and article texts by file state
    known: KnownFiles = field(default_factory=KnownFiles)
    # SHA-256 of the files the no-op stamp hashes, by file state
    digests: FileStates[bytes] = field(default_factory=FileStates)
    # each page's share of building.navigation.navigation_digest, by its text
    navigation: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    anchors: dict[str, tuple[AnchorKey, SourceText]] = field(default_factory=dict)
    compose: ComposeCache = field(default_factory=ComposeCache)
    edition: EditionCache = field(default_factory=EditionCache)
    sphinx: KeptApps = field(default_factory=KeptApps)
    _citations: dict[int, tuple[Part, list[tuple[KeyPath, Citation]]]] = field(default_factory=dict)
    _last: tuple[Briefing, list[tuple[Part, KeyPath, Citation]]] | None = (
        None  # this build's, asked for by check and anchor
    )
    # models walked before, per file and list item
    walks: WalkCache = field(default_factory=WalkCache)

    _settles: int = -1  # gcpause.settles() at the last build

    def settled_since_last_build(self) -> bool:
        """Whether the process settled its heap (``gcpause.settle_after_build``) since the last build with this cache;
        such a process is taken to settle after this build too, so freezing the heap leaks nothing."""
        now = gcpause.settles()
        settled = self._settles >= 0 and now > self._settles
        self._settles = now
        return settled

    def citations(self, b: Briefing) -> list[tuple[Part, KeyPath, Citation]]:
        """``iter_citations(b)``, walking only parts not seen before (unchanged files are the same Part)."""
        if self._last is not None and self._last[0] is b:
            return self._last[1]
        parts = b.parts()
        out: list[tuple[Part, KeyPath, Citation]] = []
        seen: dict[int, tuple[Part, list[tuple[KeyPath, Citation]]]] = {}
        for part in parts:
            hit = self._citations.get(id(part))
            found = (
                hit[1] if hit is not None and hit[0] is part else self.walks.walk(part, Citation)
            )
            seen[id(part)] = (part, found)
            out.extend((part, path, cite) for path, cite in found)
        self._citations = seen
        self._last = (b, out)
        return out

    def anchor(self, b: Briefing) -> tuple[AnchorIndex, list[Problem]]:
        """``anchor_briefing(b)``, re-anchoring only sources whose text, passages or citing quotes changed."""
        quotes: dict[str, list[str]] = {}
        for _, _, cite in self.citations(b):
            quotes.setdefault(cite.source, []).append(cite.quote)
        keys: dict[str, AnchorKey] = {}
        for sid, text in b.texts.items():
            model = b.sources[sid].model
            passages = repr(
                [item.model_dump_json() for item in (*model.non_article, *model.relays)]
            )
            keys[sid] = (sid, text, passages, tuple(quotes.get(sid, ())))
        texts: dict[str, SourceText] = {}
        missed = []
        for sid, key in keys.items():
            hit = self.anchors.get(sid)
            if hit is not None and hit[0] == key:
                texts[sid] = hit[1]
            else:
                missed.append(sid)
        if missed:
            wanted = set(missed)
            carrier = Part(
                b.book.doc,
                _Quotes.model_construct(
                    cite=[c for _, _, c in self.citations(b) if c.source in wanted]
                ),
            )
            subset = Briefing(
                b.root,
                carrier,
                {sid: b.sources[sid] for sid in missed},
                {sid: b.texts[sid] for sid in missed},
            )
            fresh, problems = anchor_briefing(subset)
            if problems:  # report exactly what a cold build reports
                self.anchors = {}
                return anchor_briefing(b)
            texts.update(fresh.texts)
        self.anchors = {sid: (keys[sid], texts[sid]) for sid in keys}
        ordered = {sid: texts[sid] for sid in b.texts}
        return AnchorIndex(ordered), []


class ColdFront:
    """The memory of a build that keeps none (``briefgen build --no-server``): every answer
    worked out afresh, nothing kept for a next build. ``building.book.build`` uses it when it is
    given no ``FrontCache``, so its steps read the same either way."""

    files: PartCache | None = None
    known: KnownFiles | None = None
    walks: WalkCache | None = None
    digests: FileStates[bytes] | None = None
    navigation: dict[str, tuple[str, bytes]] | None = None
    compose: ComposeCache | None = None
    edition: EditionCache | None = None
    sphinx: KeptApps | None = None

    def citations(self, b: Briefing) -> list[tuple[Part, KeyPath, Citation]]:
        return list(iter_citations(b))

    def anchor(self, b: Briefing) -> tuple[AnchorIndex, list[Problem]]:
        return anchor_briefing(b)

    def settled_since_last_build(self) -> bool:
        return False


COLD = ColdFront()
