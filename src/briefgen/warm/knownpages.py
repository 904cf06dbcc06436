"""A warm build tells Sphinx which pages exist instead of having it walk the source folder again.

Every build, Sphinx walks its source folder and matches each file against the include and
exclude patterns to find the pages (``Project.discover``), then builds a new path object for a
page each time it asks where the page is (``Project.doc2path``, twice per page and build while
it checks what is outdated). At 1000 sources that is about 0.1 s of a one-event edit. The source
folder is ``_build/src``, which compose has just written in full: its Markdown files are exactly
the pages compose returned (stale ones are deleted), so a warm build hands that list over. Matching
a thousand names against the patterns again costs 0.02 to 0.04 s: when the pages and patterns are
the last build's, so is the answer (and the paths remembered for it).

Both stand-ins are installed on Sphinx's ``Project`` class and act only inside ``known_pages``
(a build of a kept application, ``briefgen.building.book.run_sphinx``); everywhere else they are
Sphinx's own. Only the page list comes from briefgen: whether a page changed is still Sphinx's
file-time check (asked faster by ``briefgen.warm.outdated``). tests/test_knownpages.py compares the result with Sphinx's own discovery.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

_pages: ContextVar[Collection[str] | None] = ContextVar("briefgen_known_pages", default=None)
# per Project, outside its pickled state
_paths: WeakKeyDictionary[Any, dict[tuple[str, bool], Any]] = WeakKeyDictionary()
# per Project: the last answer, by question
_found: WeakKeyDictionary[Any, tuple[Any, tuple[set[str], dict[Any, str], dict[str, Any]]]] = (
    WeakKeyDictionary()
)
_SUFFIX = ".md"


def _discover(original: Any) -> Any:
    def discover(self: Any, exclude_paths: Any = (), include_paths: Any = ("**",)) -> set[str]:
        pages = _pages.get()
        if pages is None or _SUFFIX not in self.source_suffix:  # compose writes Markdown pages only
            _paths.pop(self, None)
            _found.pop(self, None)
            return original(self, exclude_paths, include_paths)
        question = (pages, tuple(exclude_paths), tuple(include_paths), tuple(self.source_suffix))
        last = _found.get(self)
        if (
            last is not None and last[0] == question
        ):  # the same pages and patterns: the same answer (and paths)
            docnames, path_to_docname, docname_to_path = last[1]
            self.docnames.clear()
            self.docnames.update(docnames)
            self._path_to_docname.clear()
            self._path_to_docname.update(path_to_docname)
            self._docname_to_path.clear()
            self._docname_to_path.update(docname_to_path)
            return self.docnames
        _paths.pop(self, None)
        from sphinx.project import EXCLUDE_PATHS
        from sphinx.util.matching import compile_matchers

        excluded, included = (
            compile_matchers([*exclude_paths, *EXCLUDE_PATHS]),
            compile_matchers(include_paths),
        )
        self.docnames.clear()
        self._path_to_docname.clear()
        self._docname_to_path.clear()
        for docname in pages:
            name = unicodedata.normalize("NFC", docname + _SUFFIX)
            # Sphinx skips excluded folders whole
            folders = [name.rsplit("/", depth)[0] for depth in range(1, name.count("/") + 1)]
            if not any(match(name) for match in included) or any(
                match(path) for path in (name, *folders) for match in excluded
            ):
                continue
            path, docname = Path(name), name.removesuffix(_SUFFIX)
            self.docnames.add(docname)
            self._path_to_docname[path] = docname
            self._docname_to_path[docname] = path
        _found[self] = (
            question,
            (set(self.docnames), dict(self._path_to_docname), dict(self._docname_to_path)),
        )
        return self.docnames

    return discover


def _doc2path(original: Any) -> Any:
    def doc2path(self: Any, docname: str, absolute: bool = True) -> Any:
        if _pages.get() is None:
            return original(self, docname, absolute)
        memo = _paths.setdefault(self, {})
        path = memo.get((docname, absolute))
        if path is None:
            path = memo[(docname, absolute)] = original(self, docname, absolute)
        return path

    return doc2path


def install() -> None:
    """Put the stand-ins on Sphinx's ``Project`` (once per process)."""
    from sphinx.project import Project

    if not getattr(Project, "_briefgen_known_pages", False):
        Project.discover = _discover(Project.discover)  # type: ignore[method-assign]  # a stand-in on Sphinx's class (sphinxext.internals)
        Project.doc2path = _doc2path(Project.doc2path)  # type: ignore[method-assign]  # a stand-in on Sphinx's class (sphinxext.internals)
        Project.restore = _forgetting(Project.restore)  # type: ignore[method-assign]  # a stand-in on Sphinx's class (sphinxext.internals)
        Project._briefgen_known_pages = True  # type: ignore[attr-defined]  # our mark: installed once


def _forgetting(original: Any) -> Any:
    def restore(self: Any, other: Any) -> None:
        _paths.pop(self, None)
        _found.pop(self, None)
        original(self, other)

    return restore


@contextmanager
def known_pages(pages: Collection[str]) -> Iterator[None]:
    """Within: Sphinx's pages are ``pages`` (docnames of ``.md`` files in its source folder)."""
    install()
    token = _pages.set(frozenset(pages))
    try:
        yield
    finally:
        _pages.reset(token)
