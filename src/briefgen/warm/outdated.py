"""Sphinx's "which pages are outdated" checks in a warm build: the same answers, without path objects.

Before each build Sphinx asks of every page whether it is outdated, twice: the environment compares
the source's time with its record and looks for its doctree (``get_outdated_files``), and the HTML
builder compares the source's time with its output's (``get_outdated_docs``). Each question builds
a few ``pathlib`` objects per page; at 1000 sources (1227 pages) that was 0.08 to 0.15 s of a
one-event edit, against a few milliseconds for the file-system calls themselves.

In a kept application's build (``briefgen.building.book.run_sphinx``) these stand-ins ask the same
questions of the same files with strings: a page with dependencies of its own (a chart) or one
marked to be re-read always goes to Sphinx's own check, and the output paths the HTML builder
makes are remembered (the same page gets the same path). Installed only where Sphinx has the
check they were compared with (``sphinx.environment._has_doc_changed``, Sphinx 9);
tests/test_outdated.py compares the answers with Sphinx's on every case the check tells apart.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from weakref import WeakKeyDictionary

_active: ContextVar[bool] = ContextVar("briefgen_quick_outdated", default=False)
_output_paths: WeakKeyDictionary[Any, dict[str, Any]] = WeakKeyDictionary()  # per builder


def _has_doc_changed() -> Any:
    try:
        from sphinx.environment import _has_doc_changed as check
    except ImportError:  # another Sphinx: its own checks stay
        return None
    return check


def _get_outdated_files(original: Any, has_doc_changed: Any) -> Any:
    from sphinx.util.osutil import _last_modified_time

    def get_outdated_files(self: Any, config_changed: bool) -> tuple[set[str], set[str], set[str]]:
        if not _active.get() or config_changed:
            return original(self, config_changed)
        removed = self.all_docs.keys() - self.found_docs
        added: set[str] = set()
        changed: set[str] = set()
        doctrees = os.path.join(os.fspath(self.doctreedir), "")
        for docname in self.found_docs:
            recorded = self.all_docs.get(docname)
            if recorded is None:
                added.add(docname)
            elif docname in self.reread_always or self.dependencies.get(docname):
                if has_doc_changed(
                    docname,
                    filename=self.doc2path(docname),
                    reread_always=self.reread_always,
                    doctreedir=self.doctreedir,
                    all_docs=self.all_docs,
                    dependencies=self.dependencies,
                ):
                    changed.add(docname)
            elif (
                not os.path.isfile(f"{doctrees}{docname}.doctree")
                or _last_modified_time(os.fspath(self.doc2path(docname))) > recorded
            ):
                changed.add(docname)
        return added, changed, removed

    return get_outdated_files


def _get_output_path(original: Any) -> Any:
    def get_output_path(self: Any, page_name: str, /) -> Any:
        if not _active.get():
            return original(self, page_name)
        memo = _output_paths.setdefault(self, {})
        path = memo.get(page_name)
        if path is None:
            path = memo[page_name] = original(self, page_name)
        return path

    return get_output_path


def install() -> bool:
    """Put the stand-ins on Sphinx's classes (once per process); false where this Sphinx has none."""
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.environment import BuildEnvironment

    check = _has_doc_changed()
    if check is None:
        return False
    if not getattr(BuildEnvironment, "_briefgen_quick_outdated", False):
        BuildEnvironment.get_outdated_files = _get_outdated_files(  # type: ignore[method-assign]  # a stand-in on Sphinx's class (sphinxext.internals)
            BuildEnvironment.get_outdated_files, check
        )
        StandaloneHTMLBuilder.get_output_path = _get_output_path(  # type: ignore[method-assign]  # a stand-in on Sphinx's class (sphinxext.internals)
            StandaloneHTMLBuilder.get_output_path
        )
        BuildEnvironment._briefgen_quick_outdated = True  # type: ignore[attr-defined]  # our mark: installed once
    return True


@contextmanager
def quick_checks() -> Iterator[None]:
    """Within: the stand-ins answer (a kept application's build)."""
    token = _active.set(install())
    try:
        yield
    finally:
        _active.reset(token)
