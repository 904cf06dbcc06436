"""A citation's "open at the passage on the original site" link, followed in Chromium.

The original site is played by a local copy of the article page, served on loopback. Chromium
supports URL text fragments: it scrolls to the first match and paints it with the
``::target-text`` pseudo-element, which the copy styles in pure red so the highlight can be found
in a screenshot.
"""

from __future__ import annotations

import functools
import html
import http.server
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image
from playwright.sync_api import Browser
from test_browser import _QuietHandler

from briefgen.building.book import build

pytestmark = pytest.mark.build

# Differs from the Gazette's second paragraph only by case: browsers match text fragments without
# regard to case, so the link to this passage must add context to avoid landing on ¶2.
TWIN = "Asked again, a spokesperson said the port authority voted on Tuesday to close the north pier after an inspection."
QUOTE = "the port authority voted on Tuesday to close the north pier"
RED = (255, 0, 0)


@pytest.fixture
def original_site(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """An empty folder served on loopback, and its address."""
    root = tmp_path / "site"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _article_page(text: str) -> str:
    """The article as a news site might show it: a header, then one <p> per paragraph, far apart."""
    paragraphs = "\n".join(
        f'<p id="p{n}">{html.escape(line)}</p>'
        for n, line in enumerate((t for t in text.splitlines() if t.strip()), 1)
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Gazette</title><style>"
        "body { font: 18px/1.4 sans-serif; margin: 0 2em; } p { margin: 0 0 90vh; } header { height: 60vh; }"
        "::target-text { background-color: rgb(255, 0, 0); color: rgb(255, 255, 255); }"
        f"</style></head><body><header>Harbour Gazette: news, sport, weather</header>{paragraphs}</body></html>"
    )


def test_original_site_link_scrolls_to_and_highlights_the_passage(
    harbour: Path, original_site: tuple[Path, str], browser: Browser
) -> None:
    site, address = original_site
    article = harbour / "articles/gazette.txt"
    article.write_text(
        article.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{TWIN}\n", encoding="utf-8"
    )
    (site / "gazette.html").write_text(
        _article_page(article.read_text(encoding="utf-8")), encoding="utf-8"
    )
    source = harbour / "briefing/sources/gazette.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace(
            "outlet: Harbour Gazette\n", f"outlet: Harbour Gazette\nurl: {address}/gazette.html\n"
        )
        + f"  - text: A spokesperson repeated that the Authority voted to close the pier.\n    cite: [{{source: gazette, quote: {QUOTE}}}]\n",
        encoding="utf-8",
    )
    build(harbour, ("html",))
    edition = json.loads((harbour / "_build/html/edition.json").read_text(encoding="utf-8"))
    link = next(
        c["original"] for claim in edition["claims"] for c in claim["cite"] if c["quote"] == QUOTE
    )
    # prefix, start and end
    assert link == f"{address}/gazette.html#:~:text=said-,the%20port%20authority,the%20north%20pier"
    # the book offers the same link on the source's page, beside the passage
    book_page = BeautifulSoup(
        (harbour / "_build/html/sources/gazette.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert link in [a["href"] for a in book_page.select(".original-links a")]
    assert "may have changed since it was retrieved" in book_page.get_text()

    context = browser.new_context(viewport={"width": 900, "height": 700})
    page = context.new_page()
    page.goto(link)
    page.wait_for_function("() => window.scrollY > 0", timeout=5000)
    page.wait_for_timeout(300)  # the highlight is painted after the scroll
    twin = page.locator("p", has_text="Asked again")
    first = page.locator("#p2")
    assert twin.evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    )
    assert first.evaluate(
        "el => el.getBoundingClientRect().bottom < 0 || el.getBoundingClientRect().top > innerHeight"
    )
    shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    red = [
        (x, y)
        for x in range(0, shot.width, 2)
        for y in range(0, shot.height, 2)
        if shot.getpixel((x, y)) == RED
    ]
    assert red, "no ::target-text highlight painted"
    box = twin.bounding_box()
    assert box is not None
    assert all(box["y"] - 2 <= y <= box["y"] + box["height"] + 2 for _, y in red), (
        "highlight outside the linked paragraph"
    )
    context.close()
    # and the citation's tooltip in the book offers the same link, with the caveat
    context = browser.new_context()
    page = context.new_page()
    page.goto((harbour / "_build/html/sources/gazette.html").as_uri())
    mark = page.locator("a.cite-mark").last  # the key point citing the twin passage
    mark.hover()
    tip = page.locator("#cite-tip")
    assert tip.locator("a.cite-tip-original").get_attribute("href") == link
    assert "may have changed since it was retrieved" in tip.inner_text()
    tip.hover()  # the tip stays while the pointer moves into it, so its link can be clicked
    page.wait_for_timeout(500)
    assert tip.is_visible()
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)  # the source page with its original-site links
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], bad
    context.close()
