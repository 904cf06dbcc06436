"""The search index of an incremental build, byte-identical to a cold build's.

When a re-read page no longer holds a word, Sphinx's index keeps the word with an empty list of
pages (``"take":[]``): harmless for searching, but the index then depends on the edit history and
an incremental build differs from a cold one. Words found on no page are dropped just before the
index is written.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from briefgen.sphinxext import internals


def _drop_unused_words(builder: Any) -> None:
    indexer = getattr(builder, "indexer", None)
    if indexer is None:
        return
    indexer.prune(builder.env.all_docs)  # what dump_search_index does first: pages removed since
    for mapping in (getattr(indexer, "_mapping", {}), getattr(indexer, "_title_mapping", {})):
        for word in [word for word, pages in mapping.items() if not pages]:
            del mapping[word]


def _wrap_dump(app: Sphinx) -> None:
    builder = app.builder
    dump = getattr(builder, "dump_search_index", None)
    if dump is None:
        return

    def dump_search_index() -> None:
        _drop_unused_words(builder)
        dump()

    builder.dump_search_index = dump_search_index  # type: ignore[attr-defined]  # the HTML builder has one


def setup_searchindex(app: Sphinx) -> None:
    if internals.on("search-index-words"):
        app.connect("builder-inited", _wrap_dump)
