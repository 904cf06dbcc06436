"""A kept search index prunes and freezes by what changed (briefgen.warm.searchpostings): its answers
must be Sphinx's own, whatever the history of feeds, prunes and dropped words."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest
from sphinx.search import IndexBuilder

from briefgen.warm.searchpostings import Postings

WORDS = [f"w{n}" for n in range(40)]
PAGES = [f"p{n:02d}" for n in range(30)]


def _upstream_terms(mapping: dict[str, set[str]], fn2index: dict[str, int]) -> dict[str, object]:
    indexer = SimpleNamespace(_mapping=mapping, _title_mapping={})
    return IndexBuilder.get_terms(indexer, fn2index)[0]  # type: ignore[arg-type]


def _feed(mapping: dict[str, set[str]], page: str, words: list[str]) -> None:
    """What IndexBuilder.feed does to a mapping (``setdefault(word, set()).add(page)``), as Postings sees it."""
    if isinstance(mapping, Postings):
        mapping.feeding = page
    try:
        for word in words:
            mapping.setdefault(word, set()).add(page)
    finally:
        if isinstance(mapping, Postings):
            mapping.feeding = None


def _prune(mapping: dict[str, set[str]], keep: set[str]) -> None:
    if isinstance(mapping, Postings):
        mapping.keep_only(keep)
    else:
        for pages in mapping.values():
            pages.intersection_update(keep)


def _drop_empty(mapping: dict[str, set[str]]) -> None:
    for word in [word for word, pages in mapping.items() if not pages]:
        del mapping[word]


@pytest.mark.parametrize("seed", range(12))
def test_postings_give_sphinx_s_terms_through_any_history(seed: int) -> None:
    rng = random.Random(seed)
    plain: dict[str, set[str]] = {}
    for page in PAGES[:20]:
        _feed(plain, page, rng.sample(WORDS, rng.randint(1, 12)))
    kept = Postings({word: set(pages) for word, pages in plain.items()})
    pages = set(PAGES[:20])
    for step in range(25):
        action = rng.choice(["edit", "edit", "add", "remove", "freeze", "outside"])
        if (
            action == "edit"
        ):  # a re-read page: pruned, then fed its new words (as a kept build does)
            page = rng.choice(sorted(pages))
            for mapping in (plain, kept):
                _prune(mapping, pages - {page})
            words = rng.sample(WORDS, rng.randint(0, 12))
            for mapping in (plain, kept):
                _feed(mapping, page, words)
        elif action == "add" and len(pages) < len(PAGES):
            page = rng.choice(sorted(set(PAGES) - pages))
            pages.add(page)
            words = rng.sample(WORDS, rng.randint(1, 12))
            for mapping in (plain, kept):
                _feed(mapping, page, words)
        elif action == "remove" and len(pages) > 2:
            pages.discard(rng.choice(sorted(pages)))
        elif action == "outside":  # a word added some way Postings does not watch: it must notice
            word, page = rng.choice(WORDS), rng.choice(sorted(pages))
            for mapping in (plain, kept):
                mapping[word] = mapping.get(word, set()) | {page}
        for mapping in (plain, kept):
            _prune(mapping, pages)
            _drop_empty(mapping)
        assert dict(kept) == plain, f"step {step}: {action}"
        fn2index = {page: n for n, page in enumerate(sorted(pages))}
        if action == "freeze" or rng.random() < 0.7:
            assert kept.terms(fn2index) == _upstream_terms(plain, fn2index), (
                f"step {step}: {action}"
            )


def test_a_page_pruned_and_fed_again_changes_only_its_own_words() -> None:
    kept = Postings({"alpha": {"a", "b"}, "beta": {"b"}, "gamma": {"c"}})
    fn2index = {"a": 0, "b": 1, "c": 2}
    assert kept.terms(fn2index) == {"alpha": [0, 1], "beta": 1, "gamma": 2}
    kept.keep_only({"a", "c"})
    # what the next freeze looks at: b's words only
    assert kept.pending == {
        "alpha": {"b"},
        "beta": {"b"},
    }
    _feed(kept, "b", ["alpha", "delta"])
    # a new word is frozen whole
    assert kept.pending == {
        "alpha": {"b"},
        "beta": {"b"},
        "delta": None,
    }
    assert kept.terms(fn2index) == {"alpha": [0, 1], "beta": [], "gamma": 2, "delta": 1}
    assert kept.pending == {}
