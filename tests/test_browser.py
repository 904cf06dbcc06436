"""The book in a real browser (Playwright driving Debian's Chromium): citations, search, the PDF
download, phone widths, accessibility (axe-core) and print."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright

pytestmark = pytest.mark.build

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As root in a sandbox, with no network but loopback: no sandbox, no background connections.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SECTIONS = ["summary", "background", "actors", "positions", "timeline", "questions", "sources"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(book: Path) -> Iterator[str]:
    """The built HTML book served on loopback (search and downloads want http, not file:)."""
    handler = functools.partial(_QuietHandler, directory=str(book / "_build/html"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Chromium is missing: run 'make test' (it installs Debian's chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.mark.parametrize("section", SECTIONS)
def test_citation_mark_leads_to_the_highlighted_passage(page: Page, site: str, section: str) -> None:
    page.goto(f"{site}/{section}.html")
    mark = page.locator("a.cite-mark").first
    mark.focus()  # keyboard focus shows the quote and outlet
    tip = page.locator("#cite-tip")
    expect(tip).to_be_visible()
    assert "¶" in tip.inner_text()
    target_id = mark.get_attribute("href").split("#", 1)[1]
    mark.click()
    page.wait_for_url(f"**/sources/*.html#{target_id}")
    target = page.locator(f"[id='{target_id}']")
    expect(target).to_be_in_viewport()
    highlighted = target.evaluate("el => getComputedStyle(el.closest('.cited') || el).backgroundColor")
    assert highlighted not in ("rgba(0, 0, 0, 0)", "transparent"), highlighted


def test_cited_by_link_returns_to_the_claim(page: Page, site: str) -> None:
    page.goto(f"{site}/sources/oan-special-forces.html")
    back = page.locator(".cited-by a[href*='timeline.html#c-']").first
    claim_id = back.get_attribute("href").split("#", 1)[1]
    back.click()
    page.wait_for_url(f"**/timeline.html#{claim_id}")
    expect(page.locator(f"[id='{claim_id}']")).to_be_in_viewport()


def test_search_finds_a_term_from_the_articles(page: Page, site: str) -> None:
    page.goto(f"{site}/search.html?q=Campeche")
    results = page.locator("#search-results ul.search li")
    expect(results.first).to_be_visible(timeout=20_000)
    assert results.count() >= 2


def test_pdf_download_link_serves_a_pdf(page: Page, site: str, tmp_path: Path) -> None:
    page.goto(f"{site}/timeline.html")
    with page.expect_download() as info:
        page.locator("a.briefgen-pdf-button").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.suffix == ".pdf" and saved.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize("section", ["index", *SECTIONS, "sources/zerohedge-green-berets"])
def test_phone_width_has_no_horizontal_overflow(browser: Browser, site: str, section: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True)
    pg = context.new_page()
    pg.goto(f"{site}/{section}.html")
    scroll, inner = pg.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    context.close()
    assert scroll <= inner, f"{section}: page is {scroll}px wide in a {inner}px viewport"


@pytest.mark.parametrize("section", ["index", *SECTIONS, "sources/unattributed-vance-war"])
def test_no_serious_accessibility_violations(page: Page, site: str, section: str) -> None:
    page.goto(f"{site}/{section}.html")
    result = Axe().run(page)
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in result.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], bad


def test_print_hides_navigation_and_keeps_citation_numbers(page: Page, site: str) -> None:
    page.goto(f"{site}/background.html")
    page.emulate_media(media="print")
    expect(page.locator(".bd-sidebar-primary")).to_be_hidden()
    expect(page.locator("a.briefgen-pdf-button")).to_be_hidden()
    mark = page.locator("sup.cite a.cite-mark").first
    expect(mark).to_be_visible()
    assert mark.inner_text().strip().isdigit()
    expect(page.locator("aside.footnote-list")).to_be_visible()  # the citations, printed at the end
