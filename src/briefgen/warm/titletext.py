"""Page titles' plain text, worked out once per title in a warm build instead of three times per build.

Sphinx's standard domain lists every page as an object, named by its title's plain text
(``clean_astext``: a deep copy of the title node, images and raw markup removed). The list is
made three times per HTML build, for the search index and twice for the inventory, so each build
copied every title of the book three times: at 1000 sources (1227 pages) about 0.04 s of a
one-event edit. A title node is not changed once read (a re-read page gets new nodes), so in a
kept application's build the text is remembered by the node, for as long as the node lives.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from weakref import WeakKeyDictionary

_active: ContextVar[bool] = ContextVar("briefgen_title_text", default=False)
_texts: WeakKeyDictionary[Any, str] = WeakKeyDictionary()


def _remembering(original: Any) -> Any:
    def clean_astext(node: Any) -> str:
        if not _active.get():
            return original(node)
        text = _texts.get(node)
        if text is None:
            text = _texts[node] = original(node)
        return text

    return clean_astext


def install() -> None:
    """Have the standard domain ask through the memory (once per process)."""
    import sphinx.domains.std as std

    if not getattr(std.clean_astext, "_briefgen_title_text", False):
        std.clean_astext = _remembering(std.clean_astext)
        std.clean_astext._briefgen_title_text = True  # type: ignore[attr-defined]  # our mark: installed once


@contextmanager
def remembered_titles() -> Iterator[None]:
    """Within: the standard domain's title texts are remembered (a kept application's build)."""
    install()
    token = _active.set(True)
    try:
        yield
    finally:
        _active.reset(token)
