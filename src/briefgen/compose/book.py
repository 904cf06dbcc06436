"""Compose the briefing into MyST pages: deterministic, and written only when their bytes change.

Writing only changed files keeps their modification times, so Sphinx's own incremental build
re-reads just the pages an edit touched. Pages no longer produced (a removed source) are deleted.
"""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.compose.actors import actors_pages
from briefgen.compose.cache import WHATS_NEW, ComposeCache
from briefgen.compose.markup import METADATA_FILE
from briefgen.compose.page import BookContext, Page, cite_labels
from briefgen.compose.sections import (
    background_pages,
    index_page,
    positions_page,
    questions_page,
    summary_page,
)
from briefgen.compose.sources import (
    light_nav_pages,
    source_group_pages,
    source_page,
    sources_page,
)
from briefgen.compose.timeline import timeline_pages, timeline_units
from briefgen.compose.whatsnew import whats_new_page
from briefgen.core.dates import parse_date
from briefgen.core.filestate import FileStates
from briefgen.core.gcpause import paused_gc
from briefgen.core.load import Briefing, book_slug
from briefgen.core.ownfolder import inside
from briefgen.trust.anchor import AnchorIndex

if TYPE_CHECKING:
    from briefgen.edition.changes import Changes

_SECTION_PAGES: dict[
    str, Callable[[BookContext], list[Page]]
] = {  # a section is one page or a hub and its pages
    "background": background_pages,
    "actors": actors_pages,
    "positions": lambda ctx: [positions_page(ctx)],
    "timeline": timeline_pages,
    "questions": lambda ctx: [questions_page(ctx)],
}


@dataclass(frozen=True)
class ComposeResult:
    pages: dict[str, str]  # docname -> Markdown
    written: list[str]  # docnames whose file changed
    removed: list[str]


@paused_gc()
def compose_pages(
    briefing: Briefing, anchors: AnchorIndex, changes: Changes | None = None
) -> dict[str, str]:
    """Every page of the book as Markdown text, keyed by docname (``sources/<id>`` for sources)."""
    return {p.docname: p.render() for p in _compose(briefing, anchors, changes)}


Unit = tuple[str, Callable[[BookContext], list[Page]]]
"""A named piece of the book composed in one go: a page, a section's pages, one source's page.
A unit may carry a third element: what it reads besides the book's shared inputs and anchors
(its cache key; see ``briefgen.compose.cache``)."""


def compose_units(briefing: Briefing, changes: Changes | None = None) -> list[Unit]:
    """The book's units in composing order; every page belongs to exactly one unit."""
    units: list[Unit] = [
        ("index", lambda ctx: [index_page(ctx)]),
        ("summary", lambda ctx: [summary_page(ctx)]),
    ]
    for name in briefing.book.model.sections:
        if (
            name == "timeline" and briefing.timeline is not None
        ):  # a unit per period page (with its key: see compose.cache)
            # a timeline unit names what it reads besides the shared inputs (a third item)
            units.extend(timeline_units(briefing.timeline.events))  # type: ignore[arg-type]  # see above
        elif name in _SECTION_PAGES:
            units.append((f"section:{name}", _SECTION_PAGES[name]))
    units.append(("sources", lambda ctx: [sources_page(ctx)]))
    units.append(("source-groups", source_group_pages))
    # Last: source pages need the complete 'cited by' register filled by the pages above.
    units.extend((f"source:{sid}", partial(_source_pages, sid=sid)) for sid in briefing.sources)
    if (
        changes is not None
    ):  # after every claim is placed, so it can link to each (the contents put it after the summary)
        units.append((WHATS_NEW, lambda ctx: [whats_new_page(ctx, changes)]))
    return units


def _source_pages(ctx: BookContext, sid: str) -> list[Page]:
    return [source_page(ctx, sid)]


def _compose(
    briefing: Briefing, anchors: AnchorIndex, changes: Changes | None = None
) -> list[Page]:
    ctx = BookContext(briefing, anchors, changes=changes)
    return [page for _, unit, *_ in compose_units(briefing, changes) for page in unit(ctx)]


ASSET_DIR = "charts"


def book_metadata(
    briefing: Briefing, pdf: str | None = None, brief: str | None = None
) -> dict[str, object]:
    """What Sphinx needs to know about the book (read by ``briefgen.sphinxext.metadata``)."""
    book = briefing.book.model
    return {
        "pdf": pdf,
        "brief": brief,
        "title": book.title,
        "subtitle": book.subtitle,
        "marking": book.marking,
        "as_of": book.as_of,
        "as_of_display": parse_date(book.as_of).display(),
        "keywords": [p.name for p in book.parties] + [i.title for i in book.issues],
        "authors": list(book.authors),
        "slug": book_slug(briefing),
        "paper": book.paper,
        # how print references name each source: its appendix is titled and headed the same
        "appendix_names": {f"sources/{sid}": label for sid, label in cite_labels(briefing).items()},
        "sources": len(briefing.sources),
        "light_nav": light_nav_pages(len(briefing.sources)),
    }


def write_if_changed(path: Path | str, text: str, known: FileStates[str] | None = None) -> bool:
    """Write ``text`` unless the file holds it already; return whether it was written.

    ``known``: texts found in (or written to) files before, by file state (``briefgen.core.filestate``):
    a file whose state is unchanged since it held ``text`` is not read again.
    """
    name = str(path)
    data = None
    try:  # a regular file of another size differs without reading it (a large book checks a thousand pages)
        before = time.time_ns()
        info = os.stat(name)
        if known is not None and known.get(name, info) == text:
            return False
        data = text.encode("utf-8")
        if stat.S_ISREG(info.st_mode) and info.st_size == len(data):
            with open(name, "rb") as f:
                if f.read() == data:
                    if known is not None:
                        known.remember(name, info, text, before)
                    return False
    except OSError:
        pass
    if known is not None:
        # written now: its times are too recent to be trusted until the next build reads it
        known.forget(name)
    if data is None:
        data = text.encode("utf-8")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


def _markdown_files(outdir: Path) -> list[str]:
    """Docnames of the ``.md`` files below ``outdir``, in the order of ``sorted(outdir.rglob("*.md"))``."""
    found: list[str] = []
    top = str(outdir)
    for folder, _, files in os.walk(top):
        prefix = "" if folder == top else folder[len(top) + 1 :].replace(os.sep, "/") + "/"
        found.extend(prefix + name[:-3] for name in files if name.endswith(".md"))
    return sorted(found, key=lambda doc: f"{doc}.md".split("/"))  # as paths sort: part by part


@paused_gc()
def compose_book(
    briefing: Briefing,
    anchors: AnchorIndex,
    outdir: Path,
    *,
    pdf: str | None = None,
    brief: str | None = None,
    changes: Changes | None = None,
    cache: ComposeCache | None = None,
) -> ComposeResult:
    """Write the pages under ``outdir``; return which changed and which stale pages were removed.

    ``pdf`` names the PDF file the HTML book will offer for download, if there is one (``brief``:
    the two-page brief, likewise); ``changes``
    (since the previous edition) adds the What's new page and the marks of new and changed claims.
    With ``cache`` (kept between builds by a warm process), units whose inputs are unchanged are
    not composed again (see ``briefgen.compose.cache``); the pages are the same bytes either way.
    """
    if cache is None:
        composed = _compose(briefing, anchors, changes)
        pages = {p.docname: p.render() for p in composed}
        assets = {path: text for p in composed for path, text in p.assets.items()}
    else:
        pages, assets = cache.compose(briefing, anchors, compose_units(briefing, changes), changes)
    known = cache.written if cache is not None else None
    # page paths as strings: a thousand Path objects cost more than checking the pages
    top = os.path.join(outdir, "")
    written = [
        doc for doc, text in pages.items() if write_if_changed(f"{top}{doc}.md", text, known)
    ]
    for path, text in assets.items():
        write_if_changed(f"{top}{path}", text, known)
    for stale in sorted((outdir / ASSET_DIR).glob("*")) if (outdir / ASSET_DIR).is_dir() else []:
        if f"{ASSET_DIR}/{stale.name}" not in assets and inside(stale, outdir):
            stale.unlink()
    meta = (
        json.dumps(
            book_metadata(briefing, pdf, brief), indent=2, sort_keys=True, ensure_ascii=False
        )
        + "\n"
    )
    write_if_changed(outdir / METADATA_FILE, meta)
    removed = []
    if outdir.is_dir():
        for doc in _markdown_files(outdir):
            if doc not in pages and inside(outdir / f"{doc}.md", outdir):
                (outdir / f"{doc}.md").unlink()
                removed.append(doc)
    if known is not None:
        known.keep_only({f"{top}{doc}.md" for doc in pages} | {f"{top}{path}" for path in assets})
    return ComposeResult(pages, written, removed)
