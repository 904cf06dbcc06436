"""The single-file book: one HTML file that opens from an e-mail attachment, with the network off,
and every citation jumps to its passage inside the file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import HARBOUR, copy_project
from playwright.sync_api import Browser

from briefgen.building.book import build
from briefgen.trust.prepare import prepare

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(HARBOUR, tmp_path_factory.mktemp("single") / "p")
    build(root, ("html", "pdf", "single"))
    (page,) = (root / "_build/single").glob("*.html")
    return page


def test_the_single_file_refers_to_nothing_outside_it(single: Path) -> None:
    html = single.read_text(encoding="utf-8")
    assert single.name == "north-pier-closure-book.html" and len(list(single.parent.iterdir())) == 1
    # what a page loads: stylesheets, scripts, images, fonts, frames
    loaded = re.findall(
        r"<(?:link|script|img|source|object|iframe)\b[^>]*?\b(?:href|src|data)=\"([^\"]*)\"", html
    )
    assert loaded and [u for u in loaded if not u.startswith("data:")] == []
    assert [
        u for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", html) if not u.startswith(("data:", "#"))
    ] == []
    # links: inside the file, or out to an article's original site
    hrefs = re.findall(r"<a\b[^>]*?\bhref=\"([^\"]*)\"", html)
    assert [h for h in hrefs if not h.startswith(("#", "https://", "http://"))] == []
    # no search page to go to (the browser's find replaces it), no folder of static files
    assert not re.search(r"(?:href|action|src)=\"[^\"]*(?:search\.html|_static/)", html)


def test_the_single_file_holds_every_claim_and_source_text(single: Path) -> None:
    html = " ".join(single.read_text(encoding="utf-8").split())
    book = prepare(HARBOUR).briefing
    for claim in [*book.book.model.bluf, *book.book.model.key_judgments]:
        assert claim.text.replace("'", "&#x27;") in html or claim.text in html, claim.text
    for sid in book.sources:
        assert f'id="p-{sid}-1"' in html


def test_offline_every_citation_jumps_to_its_passage_inside_the_file(
    browser: Browser, single: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    pg = context.new_page()
    fetched: list[str] = []
    pg.on("request", lambda r: fetched.append(r.url))
    pg.goto(single.as_uri())
    pg.wait_for_load_state("load")
    assert [u for u in fetched if not u.startswith("data:")] == [single.as_uri()]
    marks = pg.evaluate(
        "[...document.querySelectorAll('a.cite-mark')].map(a => a.getAttribute('href'))"
    )
    assert len(marks) >= 15 and all(m.startswith("#q-") for m in marks), marks[:3]
    missing = pg.evaluate(
        "[...document.querySelectorAll('a.cite-mark')].map(a => a.getAttribute('href').slice(1)).filter(id => !document.getElementById(decodeURIComponent(id)))"
    )
    assert missing == []
    mark = pg.locator("a.cite-mark").nth(2)
    target = mark.get_attribute("href")
    mark.click()
    pg.wait_for_timeout(400)
    assert pg.evaluate("location.hash") == target
    top = pg.evaluate(f"document.getElementById({target[1:]!r}).getBoundingClientRect().top")
    assert 0 <= top < pg.viewport_size["height"]
    # the figures are drawn: images decoded from the file itself
    assert pg.evaluate(
        "[...document.images].filter(i => i.checkVisibility()).every(i => i.naturalWidth > 0)"
    )
    context.close()
