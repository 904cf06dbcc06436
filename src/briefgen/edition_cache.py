"""The edition's memory between builds of one project in one process (``briefgen serve``).

Every entry of ``edition.json`` and ``annotations.jsonld`` is made from a few inputs: a claim's
site (its file, key path, text and id) and its citations; a citation's quote and the anchored text
and url of its source; a source's file and article text. Each memo below keeps what it made with
the inputs it made it from and gives it again only when they are the same, so a stale entry can
only be missed, never used. Inputs are compared by identity (an unchanged YAML file is the same
Part, an unchanged source keeps its anchored SourceText: see ``briefgen.incremental``), strings and
tuples by value.

The edition's lists are assembled from segments (the claims of one file, the sources, the events
...), each a tuple a memo gave: an unchanged file gives the same tuple again, so the lines of its
items in the two files are joined once and reused whole. Entries a build does not use are dropped
by the next one. The bytes equal a cold build's (tests/test_incremental_equivalence.py); without a
cache, ``build_edition`` and the writers use a fresh one.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from itertools import chain
from typing import Any, Generic, TypeVar

V = TypeVar("V")

_BY_VALUE = (str, tuple)


def _same(old: tuple[Any, ...], new: tuple[Any, ...]) -> bool:
    """Objects by identity, strings (and tuples) by value: equal inputs give equal output, others a miss."""
    return len(old) == len(new) and all(a is b or (type(a) in _BY_VALUE and a == b) for a, b in zip(old, new, strict=True))


class Memo(Generic[V]):
    """Values by key, each with the inputs it was made from; kept while builds use them."""

    def __init__(self) -> None:
        self._now: dict[Hashable, tuple[tuple[Any, ...], V]] = {}
        self._before: dict[Hashable, tuple[tuple[Any, ...], V]] = {}
        self.made = 0  # values made (not reused) since the last turn: what a test can count

    def turn(self) -> None:
        """A new build starts: what the last one did not use is let go."""
        self._before, self._now = self._now, {}
        self.made = 0

    def get(self, key: Hashable, inputs: tuple[Any, ...], make: Callable[..., V], *args: Any) -> V:
        """The value kept for ``key`` if made from the same ``inputs``, else ``make(*args)``.

        ``make`` must read nothing but what ``key`` and ``inputs`` hold: that is the whole contract.
        """
        hit = self._now.get(key)
        if hit is None:
            hit = self._before.get(key)
        if hit is not None and _same(hit[0], inputs):
            value = hit[1]
        else:
            value = make(*args)
            self.made += 1
        self._now[key] = (inputs, value)
        return value

    def of(self, obj: Any, make: Callable[..., V], *args: Any) -> V:
        """A value made from ``obj`` alone (and ``args`` that ``obj`` decides), by the object's identity."""
        return self.get(id(obj), (obj,), make, *args)


class EditionCache:
    """What an edition was made of, for a process that builds the same project again."""

    def __init__(self) -> None:
        self.sites: Memo[Any] = Memo()  # a file's claim sites with their ids, by group name; input: the Part
        self.files: Memo[Any] = Memo()  # a file's claims (a segment), by group name; inputs: its sites, their ids, the text and url of each source cited
        self.citations: Memo[Any] = Memo()  # by (source, quote, note); inputs: anchored text, url
        self.claims: Memo[Any] = Memo()  # by the claim's id and site; inputs: its citations
        self.sources: Memo[Any] = Memo()  # by source id; inputs: its Part and article text
        self.lists: Memo[Any] = Memo()  # sources, positions, events, questions (segments), by name; inputs: the Parts (and texts)
        self.lines: Memo[bytes] = Memo()  # an item's JSON line (UTF-8), by the item
        self.chunks: Memo[bytes] = Memo()  # a segment's lines joined, by the segment
        self.annotations: Memo[list[bytes]] = Memo()  # a claim's Web Annotations as JSON lines; inputs: the claim, slug, urls
        self.annotation_chunks: Memo[tuple[bytes, int]] = Memo()  # a segment's annotation lines joined, and how many; inputs: the segment, slug, urls
        self._segments: dict[str, list[tuple[Any, ...]]] = {}
        self._urls: tuple[Any, ...] = ()

    def turn(self) -> None:
        for memo in (self.sites, self.files, self.citations, self.claims, self.sources, self.lists, self.lines, self.chunks, self.annotations, self.annotation_chunks):
            memo.turn()
        self._segments = {}

    def record(self, segments: dict[str, list[tuple[Any, ...]]]) -> None:
        """The lists of the edition just built, as the segments they were assembled from."""
        self._segments = {name: [s for s in parts if s] for name, parts in segments.items()}

    def segments(self, name: str, items: list[Any]) -> list[tuple[Any, ...]] | None:
        """The segments of the last edition built whose items are ``items`` (the same objects), if any."""
        found = self._segments.get(name)
        return found if found is not None and list(chain.from_iterable(found)) == items else None

    def line(self, item: Any) -> bytes:
        """``item.model_dump_json()`` as UTF-8, once per item object."""
        return self.lines.of(item, _dump, item)

    def joined(self, name: str, items: list[Any]) -> list[bytes]:
        """Pieces that make the lines of the edition's list ``name`` joined by ",\\n": unchanged segments whole."""
        segments = self.segments(name, items)
        if segments is None:
            return [self._join(items)]
        pieces = []
        for s in segments:
            pieces += (b",\n", self.chunks.of(s, self._join, s))
        return pieces[1:]

    def _join(self, items: Iterable[Any]) -> bytes:
        return b",\n".join(map(self.line, items))

    def same_urls(self, urls: tuple[Any, ...]) -> tuple[Any, ...]:
        """``urls``, or the equal tuple of the last call (so later comparisons are by identity)."""
        if urls != self._urls:
            self._urls = urls
        return self._urls


def _dump(item: Any) -> bytes:
    return item.model_dump_json().encode()
