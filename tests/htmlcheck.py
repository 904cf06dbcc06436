"""Follow every citation mark of a built HTML book to its target and check the quote is there."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urldefrag

from bs4 import BeautifulSoup, Tag

from briefgen.core.textnorm import fold


def _text_from(target: Tag, limit: int) -> str:
    """Text starting at ``target`` and running on through its paragraph."""
    block = target.find_parent(["p", "li", "td"]) or target
    out = []
    started = False
    for node in block.descendants:
        if node is target:
            started = True
        if started and isinstance(node, str):
            out.append(str(node))
            if sum(map(len, out)) > limit:
                break
    return "".join(out)


def anchored_quotes(project: Path) -> dict[str, str]:
    """Every anchor id of a project with the quote it stands for."""
    from briefgen.trust.prepare import prepare

    prepared = prepare(project)
    return {
        a.anchor_id: a.quote for t in prepared.anchors.texts.values() for a in t.anchors.values()
    }


def check_citation_links(html_dir: Path, quotes: dict[str, str]) -> int:
    """Assert every cite mark lands on a highlighted span beginning its quote; return how many."""
    pages: dict[Path, BeautifulSoup] = {}

    def soup(path: Path) -> BeautifulSoup:
        if path not in pages:
            pages[path] = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        return pages[path]

    count = 0
    for page in sorted(html_dir.rglob("*.html")):
        for mark in soup(page).select("a.cite-mark"):
            href, frag = urldefrag(mark["href"])
            target_page = (page.parent / href).resolve() if href else page
            assert target_page.is_file(), f"{page.name}: {mark['href']} points at a missing page"
            target = soup(target_page).find(id=frag)
            assert target is not None, f"{page.name}: no element #{frag} in {target_page.name}"
            assert "cited" in target.get("class", []) or target.find_parent(class_="cited"), (
                f"#{frag} is not highlighted"
            )
            quote = quotes[frag]
            assert fold(quote) in fold(mark["title"]), "the mark's tooltip does not show the quote"
            assert fold(_text_from(target, len(quote) + 200)).startswith(fold(quote)), (frag, quote)
            count += 1
    return count
