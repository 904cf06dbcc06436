"""The book's navigation (page titles and tables of contents) as a digest: what every page's sidebar shows.

When it changes, every HTML page must be written again; a warm build compares it with the one the
last HTML build recorded."""

from __future__ import annotations

import hashlib

from briefgen.building.layout import Layout

NAVIGATION_FILE = "navigation.sha256"


def navigation_digest(
    pages: dict[str, str], memo: dict[str, tuple[str, bytes]] | None = None
) -> str:
    """What every HTML page's navigation shows: each page's title and every table of contents.

    Sphinx rewrites only the pages it re-reads (and those whose toctree lists them), yet each page's
    sidebar shows the whole book's tree: when a title or a toctree changes, every page must be
    written again, or the unchanged ones keep the old navigation (found by the incremental-vs-cold test).
    ``memo``: each page's share of the digest by its text, kept by a warm process (a page of the
    same text gives the same lines).
    """
    digest = hashlib.sha256()
    seen: dict[str, tuple[str, bytes]] = {}
    for doc in sorted(pages):
        text = pages[doc]
        hit = memo.get(doc) if memo is not None else None
        lines = hit[1] if hit is not None and hit[0] == text else _navigation_lines(doc, text)
        seen[doc] = (text, lines)
        digest.update(lines)
    if memo is not None:
        memo.clear()
        memo.update(seen)
    return digest.hexdigest()


def _navigation_lines(doc: str, text: str) -> bytes:
    """A page's share of ``navigation_digest``: its name, title lines and tables of contents."""
    out = [f"\0{doc}\0".encode()]
    in_toctree = False
    for line in text.splitlines():
        if line.startswith("```{toctree}"):
            in_toctree = True
        if in_toctree or line.startswith("# "):
            out.append(line.encode() + b"\n")
        if in_toctree and line == "```":
            in_toctree = False
    return b"".join(out)


def recorded_navigation(layout: Layout) -> str | None:
    """The navigation (``navigation_digest``) the last HTML build recorded, if any."""
    try:
        return (layout.work / NAVIGATION_FILE).read_text()
    except OSError:
        return None


def same_navigation(layout: Layout, navigation: str) -> bool:
    """Whether ``navigation`` (``navigation_digest``) is the one the last HTML build recorded."""
    return recorded_navigation(layout) == navigation
