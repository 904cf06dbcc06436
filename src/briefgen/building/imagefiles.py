"""Image files no page of the book uses any more, removed from Sphinx's output before publishing.

Sphinx copies into ``_images/`` the images of the pages it writes (the timeline charts) and
Graphviz writes the actor map there under a name made from its content, but neither ever removes
a file: a renamed actor left the old map beside the new one, a timeline split into periods left
the whole-book chart, and the published book kept files a cold build does not have.

So each HTML build records which ``_images/`` files each page it wrote refers to (from the page's
body, as the theme receives it), keeps that record beside Sphinx's working folder, and removes
the files no page refers to. Pages written in worker processes (a parallel write) are not seen by
the hook, nor is any page when the record is missing: then every page's HTML is read back once.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

IMAGES = "_images"
_REFERENCE = re.compile(r'(?:src|data|href|srcset)="(?:\.\./)*_images/([^"?#\s]+)')


def referenced(html: str) -> set[str]:
    """The ``_images/`` file names an HTML page (or its body) refers to."""
    return set(_REFERENCE.findall(html))


class ImageUse:
    """Which ``_images/`` files each page refers to, kept in a JSON file between builds."""

    def __init__(self, record: Path) -> None:
        self.record = record
        self.seen: dict[str, set[str]] = {}  # pages written in this process by this build

    def saw(self, page: str, body: str) -> None:
        """Called as each page is written (``html-page-context``)."""
        self.seen[page] = referenced(body)

    def start(self) -> dict[str, set[str]] | None:
        """Take the record of the last build (removed, so a build that fails leaves none: the next
        one then reads every page back)."""
        known = self._load()
        self.record.unlink(missing_ok=True)
        self.seen = {}
        return known

    def prune(
        self, outdir: Path, pages: Iterable[str], known: dict[str, set[str]] | None, whole: bool
    ) -> list[str]:
        """Remove from ``outdir/_images`` what none of ``pages`` refers to; returns the names removed.

        ``known``: what ``start`` returned; ``whole``: every page written was seen by ``saw`` (a
        serial write). Otherwise, or for a page neither written nor known, every page's HTML is
        read back."""
        pages = sorted(pages)
        uses = {**(known or {}), **self.seen} if whole else {}
        if any(page not in uses for page in pages):
            uses = {page: referenced(_read(outdir / f"{page}.html")) for page in pages}
        uses = {page: uses[page] for page in pages}
        self.seen = {}
        used = set().union(*uses.values())
        removed = []
        folder = outdir / IMAGES
        if folder.is_dir():
            for entry in os.scandir(folder):
                if entry.is_file(follow_symlinks=False) and entry.name not in used:
                    os.unlink(entry.path)
                    removed.append(entry.name)
        self._save(uses)
        return sorted(removed)

    def _load(self) -> dict[str, set[str]] | None:
        try:
            data = json.loads(self.record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        return {
            str(page): {str(name) for name in names}
            for page, names in data.items()
            if isinstance(names, list)
        }

    def _save(self, uses: dict[str, set[str]]) -> None:
        tmp = self.record.with_name(self.record.name + ".tmp")
        tmp.write_text(
            json.dumps({page: sorted(names) for page, names in uses.items()}, sort_keys=True),
            encoding="utf-8",
        )
        tmp.replace(self.record)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""
