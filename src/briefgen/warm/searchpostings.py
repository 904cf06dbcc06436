"""A kept search index that knows what changed: pruning and freezing cost the edited pages, not the book.

Sphinx's search index maps each word to the set of pages that hold it (``IndexBuilder._mapping``
and ``_title_mapping``). Each HTML build prunes every set against the pages that exist, three
times, and freezes every set into a sorted list of page numbers (``get_terms``) before dumping
it: at 1000 sources (135,000 word-page pairs) about 0.07 s of a one-event edit, for pages nobody
touched.

A kept application's index (``sphinxapp.keep_search_index``) holds its sets in ``Postings``: a
dict that records, while a page is fed, which words give it, so it knows each page's words.
Pruning a page then visits that page's words only, and each freeze starts from the last one:
only the word-page pairs changed since are looked at (when the page numbers are the same; else
everything is frozen again). A set whose size no longer matches its frozen list (a change made
some way this module does not see) is frozen again from scratch. The index dumped is Sphinx's,
byte for byte (tests/test_searchpostings.py compares it with a cold build's through edits and
added and removed pages).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any

_ALL = None  # in ``Postings.pending``: the word's whole set is to be frozen again


class Postings(dict[str, set[str]]):
    """word -> pages holding it, remembering each page's words and the pairs changed since the last freeze."""

    def __init__(self, data: dict[str, set[str]]) -> None:
        super().__init__(data)
        self.feeding: str | None = None  # the page being fed (set around IndexBuilder.feed)
        self.untracked = (
            False  # a word was added outside a feed: pruning falls back to Sphinx's way
        )
        self.words_of = self._words_by_page()
        self.pending: dict[str, set[str] | None] = {}
        self.frozen_for: dict[str, int] | None = None
        self.sorted: dict[str, list[int]] = {}  # word -> page numbers of its pages, sorted

    def _words_by_page(self) -> dict[str, set[str]]:
        words_of: dict[str, set[str]] = {}
        for word, pages in self.items():
            for page in pages:
                words_of.setdefault(page, set()).add(word)
        return words_of

    def setdefault(self, word: str, default: Any = None) -> Any:
        if self.feeding is None:
            self.untracked = True
            self.pending[word] = _ALL
        else:
            self.words_of.setdefault(self.feeding, set()).add(word)
            self._touch(word, self.feeding)
        return super().setdefault(word, default)

    def __setitem__(self, word: str, pages: set[str]) -> None:
        self.untracked = True
        self.pending[word] = _ALL
        super().__setitem__(word, pages)

    def __delitem__(self, word: str) -> None:
        self.pending[word] = _ALL
        super().__delitem__(word)

    def keep_only(self, keep: Any) -> None:
        """Remove the pages not in ``keep`` from every set (``IndexBuilder.prune``), visiting their words only."""
        if self.untracked:
            for word, pages in self.items():
                if not pages.issubset(keep):
                    pages.intersection_update(keep)
                    self.pending[word] = _ALL
            self.words_of = self._words_by_page()
            self.untracked = False
            return
        for page in [page for page in self.words_of if page not in keep]:
            for word in self.words_of.pop(page):
                held = self.get(word)
                if held is not None and page in held:
                    held.discard(page)
                    self._touch(word, page)

    def _touch(self, word: str, page: str) -> None:
        if word not in self.sorted:
            self.pending[word] = _ALL
            return
        touched = self.pending.setdefault(word, set())
        if touched is not _ALL:
            touched.add(page)

    def terms(self, fn2index: dict[str, int]) -> dict[str, list[int] | int]:
        """``IndexBuilder.get_terms`` for this mapping: word -> its page number, or sorted numbers."""
        if self.frozen_for != fn2index:
            self.frozen_for = dict(fn2index)
            self.sorted = {}
            self.pending = dict.fromkeys(self, _ALL)
        for word, touched in self.pending.items():
            pages = self.get(word)
            if pages is None:
                self.sorted.pop(word, None)
                continue
            numbers = self.sorted.get(word)
            if touched is _ALL or numbers is None:
                self.sorted[word] = _numbers(pages, fn2index)
                continue
            for page in touched:
                number = fn2index.get(page)
                if number is None:
                    continue
                at = bisect.bisect_left(numbers, number)
                present = at < len(numbers) and numbers[at] == number
                if page in pages and not present:
                    # a new list: the last freeze's may still be held
                    numbers = [
                        *numbers[:at],
                        number,
                        *numbers[at:],
                    ]
                elif page not in pages and present:
                    numbers = numbers[:at] + numbers[at + 1 :]
            self.sorted[word] = numbers
        self.pending = {}
        terms: dict[str, list[int] | int] = {}
        for word, pages in self.items():
            numbers = self.sorted.get(word)
            if numbers is None or len(numbers) != len(
                pages
            ):  # changed some way unseen (or a page without a number): from scratch
                numbers = self.sorted[word] = _numbers(pages, fn2index)
            if len(pages) == 1:  # as upstream: one page, its number (or nothing, if it has none)
                if numbers:
                    terms[word] = numbers[0]
            else:
                terms[word] = numbers
        return terms


def _numbers(pages: set[str], fn2index: dict[str, int]) -> list[int]:
    """A word's pages as upstream freezes them: their numbers, sorted (pages without one left out)."""
    return sorted(fn2index[page] for page in pages if page in fn2index)


def track(indexer: Any) -> None:
    """Have ``indexer`` (an ``IndexBuilder``) keep its sets in ``Postings`` and prune and freeze through them."""
    for name in ("_mapping", "_title_mapping"):
        mapping = getattr(indexer, name)
        if not isinstance(mapping, Postings):
            setattr(indexer, name, Postings(mapping))
    if indexer.__dict__.get("_briefgen_tracked"):
        return
    cls = type(indexer)

    def feed(docname: str, *args: Any, **kwargs: Any) -> None:
        mappings = [
            m for m in (indexer._mapping, indexer._title_mapping) if isinstance(m, Postings)
        ]
        for mapping in mappings:
            mapping.feeding = docname
        try:
            cls.feed(indexer, docname, *args, **kwargs)
        finally:
            for mapping in mappings:
                mapping.feeding = None

    def prune(docnames: Iterable[str]) -> None:
        keep = docnames if isinstance(docnames, (set, frozenset, dict)) else set(docnames)
        indexer._titles = {page: title for page, title in indexer._titles.items() if page in keep}
        indexer._filenames = {
            page: name for page, name in indexer._filenames.items() if page in keep
        }
        indexer._all_titles = {
            page: titles for page, titles in indexer._all_titles.items() if page in keep
        }
        for mapping in (indexer._mapping, indexer._title_mapping):
            if isinstance(mapping, Postings):
                mapping.keep_only(keep)
            else:
                for pages in mapping.values():
                    pages.intersection_update(keep)

    def get_terms(fn2index: dict[str, int]) -> Any:
        mappings = (indexer._mapping, indexer._title_mapping)
        if all(isinstance(m, Postings) for m in mappings):
            return tuple(m.terms(fn2index) for m in mappings)
        return cls.get_terms(indexer, fn2index)

    indexer.feed, indexer.prune, indexer.get_terms = feed, prune, get_terms
    indexer._briefgen_tracked = True
