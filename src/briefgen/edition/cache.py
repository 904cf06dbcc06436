"""The edition's memory between builds of one project in one process (``briefgen serve``).

Every entry of ``edition.json`` and ``annotations.jsonld`` is made from a few inputs: a claim's
site (its file, key path, text and id) and the quotes it cites; a citation's anchored source text
and url; a source's file and article text. Each memo below keeps what it made with the inputs it
made it from and gives it again only when they are the same, so a stale entry can only be missed,
never used. Inputs are compared by identity (an unchanged YAML file is the same Part, an unchanged
source keeps its anchored SourceText: see ``briefgen.warm.front``), strings and tuples by value.

The memos nest: the claims of one file are kept with that file's entry, the lines of a segment's
items with that segment's joined lines. An unchanged file is reused whole without looking at its
claims; a changed one looks its claims up in what its previous entry kept. So what is kept is what
the last build used, and no more.

The edition's lists are assembled from segments (the claims of one file, the sources, the events
...), each a tuple a memo gave: an unchanged file gives the same tuple again, so the lines of its
items in the two files are joined once and reused whole. The bytes equal a cold build's
(tests/test_incremental_equivalence.py, tests/test_edition_incremental.py); without a cache,
``build_edition`` and the writers use a fresh one.

The pieces each written file was found to hold are kept by the file's state (``briefgen.core.filestate``):
a file whose pieces are equal and whose state is unchanged is neither joined, read nor written.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from itertools import chain
from operator import is_
from typing import Any, Generic, TypeVar

from briefgen.core.filestate import FileStates

V = TypeVar("V")
Entry = tuple[tuple[Any, ...], Any]  # the inputs a value was made from, and the value

_BY_VALUE = (str, tuple)


def _same(old: tuple[Any, ...], new: tuple[Any, ...]) -> bool:
    """Objects by identity, strings (and tuples) by value: equal inputs give equal output, others a miss."""
    if len(old) != len(new):
        return False
    if all(
        map(is_, old, new)
    ):  # the usual case, compared in C (the sources' inputs are three thousand)
        return True
    return all(a is b or (type(a) in _BY_VALUE and a == b) for a, b in zip(old, new, strict=True))


class Scope(Generic[V]):
    """Values made while a memo's value is made, kept with it; the next one for the same key looks here first."""

    def __init__(self, kind: str, made: Counter[str], previous: Scope[V] | None = None) -> None:
        self.kind, self._made = kind, made
        self._old: dict[Hashable, Entry] = previous._entries if previous is not None else {}
        self._entries: dict[Hashable, Entry] = {}

    def get(self, key: Hashable, inputs: tuple[Any, ...], make: Callable[..., V], *args: Any) -> V:
        """The value kept for ``key`` if made from the same ``inputs``, else ``make(*args)``.

        ``make`` must read nothing but what ``key`` and ``inputs`` hold: that is the whole contract.
        """
        hit = self._entries.get(key)
        if hit is None:
            hit = self._old.get(key)
        if hit is not None and _same(hit[0], inputs):
            value = hit[1]
        else:
            value = make(*args)
            self._made[self.kind] += 1
        self._entries[key] = (inputs, value)
        return value

    def of(self, obj: Any, make: Callable[..., V], *args: Any) -> V:
        """A value made from ``obj`` alone (and ``args`` that ``obj`` decides), by the object's identity."""
        return self.get(id(obj), (obj,), make, *args)

    def close(self) -> None:
        self._old = {}  # the previous entries are let go with the value that held them


class Memo(Scope[V]):
    """A memo of the whole edition: what the last build did not use is let go by the next."""

    def turn(self) -> None:
        """A new build starts."""
        self._old, self._entries = self._entries, {}

    def nested(
        self, key: Hashable, inputs: tuple[Any, ...], kind: str, make: Callable[..., V], *args: Any
    ) -> V:
        """Like ``get``, for a value whose making looks up values of ``kind`` in a Scope
        (``make(scope, *args)``): the scope kept with this key's previous value, whatever its inputs."""
        hit = self._entries.get(key)
        if hit is None:
            hit = self._old.get(key)
        if hit is not None and _same(hit[0], inputs):
            value, scope = hit[1]
        else:
            scope = Scope(kind, self._made, hit[1][1] if hit is not None else None)
            value = make(scope, *args)
            scope.close()
            self._made[self.kind] += 1
        self._entries[key] = (inputs, (value, scope))
        return value


Segments = list[tuple[str, tuple[Any, ...]]]  # a list of the edition as named runs of its items


class EditionCache:
    """What an edition was made of, for a process that builds the same project again."""

    def __init__(self) -> None:
        # what the last build made (not reused), by kind: what a test can count
        self.made: Counter[str] = Counter()
        m = self.made
        # a file's claim sites with their ids, by group name; input: the Part
        self.sites: Memo[Any] = Memo("sites", m)
        # a file's claims (a segment), by group name; inputs: its sites, ids, the anchored text and url of each source cited; nests its claims
        self.files: Memo[Any] = Memo("files", m)
        # sources, positions, events, questions (segments), by name; inputs: the Parts (and texts); sources nest
        self.lists: Memo[Any] = Memo("lists", m)
        # a segment's lines in edition.json; input: the segment; nests each item's
        self.chunks: Memo[list[bytes]] = Memo("chunks", m)
        # a segment's lines in annotations.jsonld; inputs: the segment, slug, urls; nests each claim's
        self.annotation_chunks: Memo[list[bytes]] = Memo("annotation chunks", m)
        self._segments: dict[str, Segments] = {}
        self._urls: tuple[Any, ...] = ()
        # each written file's pieces, by the file's state
        self._files: FileStates[list[bytes]] = FileStates()

    def holds(self, path: str, pieces: list[bytes]) -> bool:
        """Whether the file at ``path`` is known (by its state) to hold these pieces, joined."""
        try:
            known = self._files.get(path, os.stat(path))
        except OSError:
            return False
        # compared in C: the large pieces are the very same objects
        return known is not None and known == pieces

    def found(self, path: str, pieces: list[bytes], before: int) -> None:
        """The file at ``path`` holds ``pieces`` joined (written or checked after ``before``): remembered by its state."""
        try:
            self._files.remember(path, os.stat(path), pieces, before)
        except OSError:
            self._files.forget(path)

    def turn(self) -> None:
        """A new build starts: what the last one did not use is let go."""
        for memo in (self.sites, self.files, self.lists, self.chunks, self.annotation_chunks):
            memo.turn()
        self.made.clear()
        self._segments = {}

    def record(self, segments: dict[str, Segments]) -> None:
        """The lists of the edition just built, as the segments they were assembled from."""
        self._segments = {name: [(n, s) for n, s in parts if s] for name, parts in segments.items()}

    def segments(self, name: str, items: list[Any]) -> Segments | None:
        """The segments of the last edition built whose items are ``items`` (the same objects), if any."""
        found = self._segments.get(name)
        return (
            found
            if found is not None and list(chain.from_iterable(s for _, s in found)) == items
            else None
        )

    def joined(self, name: str, items: list[Any]) -> list[bytes]:
        """Pieces that make the lines of the edition's list ``name`` joined by ",\\n": those of unchanged segments kept.

        The pieces are the lines themselves (joined once, into the file's bytes), so the cache holds
        one copy of the file, not two.
        """
        segments = self.segments(name, items)
        if segments is None:
            return [b",\n".join(_dump(item) for item in items)]
        return interleave(
            self.chunks.nested((name, n), (s,), "lines", _lines, s) for n, s in segments
        )

    def same_urls(self, urls: tuple[Any, ...]) -> tuple[Any, ...]:
        """``urls``, or the equal tuple of the last call (so later comparisons are by identity)."""
        if urls != self._urls:
            self._urls = urls
        return self._urls


SEPARATOR = b",\n"


def spaced(lines: list[bytes]) -> list[bytes]:
    """``lines`` with ``SEPARATOR`` between each two: pieces for one ``b"".join``."""
    pieces = [SEPARATOR] * (2 * len(lines) - 1) if lines else []
    pieces[::2] = lines
    return pieces


def interleave(runs: Iterable[list[bytes]]) -> list[bytes]:
    """Runs of ``spaced`` pieces as one, with ``SEPARATOR`` between each two runs."""
    pieces: list[bytes] = []
    for run in runs:
        if run:
            if pieces:
                pieces.append(SEPARATOR)
            pieces += run
    return pieces


def _lines(memo: Scope[bytes], items: Iterable[Any]) -> list[bytes]:
    """Items' JSON lines (UTF-8), each looked up in ``memo`` by the item, ``spaced``."""
    return spaced([memo.of(item, _dump, item) for item in items])


def _dump(item: Any) -> bytes:
    return item.model_dump_json().encode()
