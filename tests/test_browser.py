"""The book in a real browser (Playwright driving Debian's Chromium): citations, search, the PDF
download, desktop and phone widths in light and dark themes, accessibility (axe-core from npm,
installed by scripts/axe-core.sh), legible charts, and print."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    expect,
)

pytestmark = pytest.mark.build
AXE = REPO / ".venv/axe/node_modules/axe-core/axe.min.js"

SECTIONS = ["summary", "background", "actors", "positions", "timeline", "questions", "sources"]
# every kind of page the book has
PAGE_KINDS = [
    "index",
    *SECTIONS,
    "sources/oan-special-forces",
    "search",
]
WIDTHS = {"desktop": 1280, "phone": 390}
THEMES = ["light", "dark"]
VIEWS = [(w, t) for w in WIDTHS for t in THEMES]
MIN_CHART_TEXT_PX = 11


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


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.mark.parametrize("section", SECTIONS)
def test_citation_mark_leads_to_the_highlighted_passage(
    page: Page, site: str, section: str
) -> None:
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
    highlighted = target.evaluate(
        "el => getComputedStyle(el.closest('.cited') || el).backgroundColor"
    )
    assert highlighted not in ("rgba(0, 0, 0, 0)", "transparent"), highlighted


def test_cited_by_link_returns_to_the_claim(page: Page, site: str) -> None:
    page.goto(f"{site}/sources/oan-special-forces.html")
    back = page.locator(".cited-by a[href*='timeline.html#c-']").first
    claim_id = back.get_attribute("href").split("#", 1)[1]
    expect(back).not_to_be_visible()  # collapsed under "Cited in N places"
    back.locator("xpath=ancestor::details[1]/summary").click()
    back.click()
    page.wait_for_url(f"**/timeline.html#{claim_id}")
    expect(page.locator(f"[id='{claim_id}']")).to_be_in_viewport()


def test_search_finds_a_term_from_the_articles(page: Page, site: str) -> None:
    page.goto(f"{site}/search.html?q=Campeche")
    results = page.locator("#search-results ul.search li")
    expect(results.first).to_be_visible(timeout=20_000)
    assert results.count() >= 2


def test_search_snippets_are_content_and_analysis_ranks_above_source_texts(
    page: Page, site: str
) -> None:
    """Snippets once read "...ht Dark US Military..." (the theme's buttons) with note numbers fused
    into words; for an analysis word the source texts came first."""
    page.goto(f"{site}/search.html?q=Sheinbaum")
    results = page.locator("#search-results ul.search li")
    expect(results.first).to_be_visible(timeout=20_000)
    expect(results.locator("p.context").first).to_be_visible(timeout=20_000)
    page.wait_for_function(
        "document.querySelectorAll('#search-results ul.search li').length === document.querySelectorAll('#search-results ul.search li p.context').length",
        timeout=20_000,
    )
    found = results.evaluate_all(
        "lis => lis.map(li => [li.querySelector('a').getAttribute('href'), li.querySelector('p.context')?.textContent || ''])"
    )
    kinds = ["source" if href.startswith("sources/") else "analysis" for href, _ in found]
    assert "analysis" in kinds and "source" in kinds, found
    assert kinds == sorted(kinds), kinds  # every analysis page before every source text
    for href, snippet in found:
        assert not re.search(r"Download PDF|Light|Dark|System Settings|\[\d+\]|¶\d", snippet), (
            href,
            snippet,
        )


def test_pdf_download_link_serves_a_pdf(page: Page, site: str, tmp_path: Path) -> None:
    page.goto(f"{site}/timeline.html")
    with page.expect_download() as info:
        page.locator("a.briefgen-pdf-button").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.suffix == ".pdf" and saved.read_bytes()[:5] == b"%PDF-"


def open_view(browser: Browser, width: str, theme: str) -> BrowserContext:
    """A browser context at ``width`` (desktop 1280 px, phone 390 px) preferring ``theme``."""
    phone = width == "phone"
    return browser.new_context(
        viewport={"width": WIDTHS[width], "height": 844 if phone else 900},
        device_scale_factor=2 if phone else 1,
        is_mobile=phone,
        has_touch=phone,
        color_scheme=theme,
    )


def goto(pg: Page, url: str, theme: str) -> None:
    pg.goto(url)
    pg.wait_for_load_state("load")
    # the theme follows the reader's setting
    assert pg.evaluate("document.documentElement.dataset.theme") == theme
    # The theme is applied by script at load, and colours then fade in (CSS transitions): check the
    # page as the reader sees it once they have settled, not halfway (a mid-fade colour can fail contrast).
    pg.evaluate(
        "Promise.all(document.getAnimations().filter(a => isFinite(a.effect?.getComputedTiming().endTime)).map(a => a.finished.catch(() => null)))"
    )


@pytest.mark.parametrize(("width", "theme"), VIEWS)
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_no_element_is_wider_than_the_viewport(
    browser: Browser, site: str, kind: str, width: str, theme: str
) -> None:
    """Nothing sticks out of the window: wide tables and charts scroll inside their own box."""
    context = open_view(browser, width, theme)
    pg = context.new_page()
    goto(pg, f"{site}/{kind}.html", theme)
    sticking_out = pg.evaluate(
        """() => {
          const vw = document.documentElement.clientWidth;
          const scrolls = el => { for (let a = el.parentElement; a; a = a.parentElement) { const o = getComputedStyle(a).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; } return false; };
          const out = [];
          for (const el of document.body.querySelectorAll('*')) {
            if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
            const r = el.getBoundingClientRect();
            if (r.width === 0 || r.right <= vw + 1 || r.left >= vw || scrolls(el)) continue;
            out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right));
          }
          return [document.documentElement.scrollWidth > window.innerWidth, out.slice(0, 5)];
        }"""
    )
    context.close()
    assert sticking_out == [False, []], f"{kind} at {width} ({theme}): {sticking_out}"


@pytest.mark.parametrize(("width", "theme"), VIEWS)
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_no_serious_accessibility_violations(
    browser: Browser, site: str, kind: str, width: str, theme: str
) -> None:
    assert AXE.is_file(), (
        "axe-core is missing: run 'make test' (scripts/axe-core.sh installs it from npm)"
    )
    context = open_view(browser, width, theme)
    pg = context.new_page()
    goto(pg, f"{site}/{kind}.html", theme)
    if kind == "search":
        pg.goto(f"{site}/search.html?q=Campeche")
        expect(pg.locator("#search-results ul.search li").first).to_be_visible(timeout=20_000)
    pg.add_script_tag(path=str(AXE))
    result = pg.evaluate("axe.run(document, {resultTypes: ['violations']})")
    context.close()
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{kind} at {width} ({theme}): {bad}"


CHART_TEXT_SIZES = """async () => {
  // The rendered size of every text of the page's charts: SVG font size x the scale it is drawn at.
  const sizes = [];
  for (const img of document.querySelectorAll('figure.timeline-chart img')) {
    if (!img.checkVisibility()) continue;  // the wide or the narrow form, whichever this width shows
    const svg = new DOMParser().parseFromString(await (await fetch(img.src)).text(), 'image/svg+xml').documentElement;
    const scale = img.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const base = parseFloat(svg.getAttribute('font-size'));
    for (const t of svg.querySelectorAll('text')) sizes.push([t.textContent, parseFloat(t.getAttribute('font-size') || base) * scale]);
  }
  for (const obj of document.querySelectorAll('div.graphviz object')) {
    if (!obj.checkVisibility()) continue;  // a phone shows the list of relations instead
    for (const t of obj.contentDocument.querySelectorAll('text')) sizes.push([t.textContent, parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a]);
  }
  return sizes;
}"""


def chart_text_sizes(pg: Page) -> list[tuple[str, float]]:
    pg.wait_for_function(
        "[...document.querySelectorAll('div.graphviz object')].every(o => !o.checkVisibility() || (o.contentDocument && o.contentDocument.querySelector('text')))"
    )
    return [tuple(x) for x in pg.evaluate(CHART_TEXT_SIZES)]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", ["timeline", "actors"])
def test_chart_and_map_text_is_never_below_11px(
    browser: Browser, site: str, kind: str, width: str
) -> None:
    context = open_view(browser, width, "light")
    pg = context.new_page()
    goto(pg, f"{site}/{kind}.html", "light")
    sizes = chart_text_sizes(pg)
    shown = pg.evaluate(
        "[...document.querySelectorAll('figure.timeline-chart img, div.graphviz object')].filter(e => e.checkVisibility()).length"
    )
    relations = pg.locator("section#map-of-actors ul li").count()
    context.close()
    if kind == "actors" and width == "phone":
        # the list of relations, at reading size, instead of a shrunk map
        assert shown == 0 and relations > 5
        return
    assert shown >= 1 and len(sizes) > 20
    small = [(text, round(size, 1)) for text, size in sizes if size < MIN_CHART_TEXT_PX]
    assert small == [], small[:5]


@pytest.mark.parametrize("pixels", [1024, 1280, 1920])
def test_the_actor_map_fits_the_column_without_scrolling(
    browser: Browser, site: str, pixels: int
) -> None:
    """Drawn in parts, one per group of connected actors, each no wider than the column (drawn
    whole it was 985 px in a 688-790 px column, its right side behind a scroll bar)."""
    context = browser.new_context(viewport={"width": pixels, "height": 900})
    pg = context.new_page()
    goto(pg, f"{site}/actors.html", "light")
    chart_text_sizes(pg)  # the maps have loaded
    boxes = pg.evaluate(
        """() => { const column = document.querySelector('article.bd-article').getBoundingClientRect();
          return [...document.querySelectorAll('div.actor-map-parts div.graphviz')].filter(d => d.checkVisibility()).map(d => {
            const r = d.getBoundingClientRect();
            return [d.scrollWidth, d.clientWidth, r.left >= column.left - 1 && r.right <= column.right + 1]; }); }"""
    )
    context.close()
    assert len(boxes) >= 2
    assert all(scroll <= client and inside for scroll, client, inside in boxes), boxes


@pytest.mark.parametrize("theme", THEMES)
def test_the_actor_map_is_drawn_in_the_pages_theme(browser: Browser, site: str, theme: str) -> None:
    context = open_view(browser, "desktop", theme)
    pg = context.new_page()
    goto(pg, f"{site}/actors.html", theme)
    chart_text_sizes(pg)  # the maps have loaded
    backgrounds = pg.evaluate(
        """[...document.querySelectorAll('div.actor-map-parts object')].filter(o => o.checkVisibility())
            .map(o => o.contentDocument.querySelector('g.graph > polygon').getAttribute('fill'))"""
    )
    page_colour = pg.evaluate("getComputedStyle(document.body).backgroundColor")
    context.close()
    assert len(backgrounds) >= 2
    expected = "#14181e" if theme == "dark" else "white"
    assert set(backgrounds) == {expected}, (backgrounds, page_colour)


def test_a_phone_shows_the_map_as_groups_of_relations_that_fit(browser: Browser, site: str) -> None:
    context = open_view(browser, "phone", "light")
    pg = context.new_page()
    goto(pg, f"{site}/actors.html", "light")
    groups = pg.evaluate(
        """() => [...document.querySelectorAll('div.actor-relations')].filter(g => g.checkVisibility()).map(g => [
            g.scrollWidth <= g.clientWidth && g.getBoundingClientRect().right <= window.innerWidth,
            g.querySelectorAll('li').length,
            Math.min(...[...g.querySelectorAll('.actor-chip')].map(c => parseFloat(getComputedStyle(c).fontSize)))])"""
    )
    maps = pg.locator("div.actor-map-parts.map-light div.graphviz").count()
    context.close()
    assert len(groups) == maps >= 2  # one group of relations per part of the map
    assert all(fits and items >= 1 and size >= MIN_CHART_TEXT_PX for fits, items, size in groups), (
        groups
    )


@pytest.mark.parametrize("theme", THEMES)
def test_citations_are_listed_under_a_notes_heading_compact_and_readable(
    browser: Browser, site: str, theme: str
) -> None:
    """Each analysis page's citations sit under "Notes" (listed in the page's contents), smaller
    than the text, their quotes in the text colour with a thin underline (not a wall of links)."""
    context = open_view(browser, "desktop", theme)
    pg = context.new_page()
    for section in SECTIONS:
        goto(pg, f"{site}/{section}.html", theme)
        found = pg.evaluate(
            """() => { const notes = document.querySelector('section.page-notes');
              if (!notes) return null;
              const quote = notes.querySelector('aside.footnote a.reference.internal');
              const body = document.querySelector('article.bd-article p');
              const style = getComputedStyle(quote);
              return { heading: notes.querySelector('h2').firstChild.textContent,
                       listed: [...document.querySelectorAll('.bd-sidebar-secondary a')].some(a => a.getAttribute('href') === '#' + notes.id),
                       notes: notes.querySelectorAll('aside.footnote').length,
                       marks: document.querySelectorAll('a.cite-mark').length,
                       size: parseFloat(getComputedStyle(quote).fontSize), body: parseFloat(getComputedStyle(body).fontSize),
                       colour: style.color, text: getComputedStyle(body).color, underline: style.textDecorationLine }; }"""
        )
        assert found is not None, section
        assert found["heading"] == "Notes" and found["listed"], (section, found)
        assert found["notes"] == found["marks"] > 0, (section, found)
        assert found["size"] < found["body"], (section, found)
        assert found["colour"] == found["text"] and found["underline"] == "underline", found
    context.close()


@pytest.mark.parametrize("section", ["summary", "background"])
def test_phone_citation_marks_are_24px_targets_kept_together(
    browser: Browser, site: str, section: str
) -> None:
    """WCAG 2.2 2.5.8: each mark at least 24 x 24 px on a phone; a run of marks on one line."""
    context = open_view(browser, "phone", "light")
    pg = context.new_page()
    goto(pg, f"{site}/{section}.html", "light")
    sizes = pg.evaluate(
        "[...document.querySelectorAll('a.cite-mark')].filter(a => a.checkVisibility()).map(a => { const r = a.getBoundingClientRect(); return [r.width, r.height]; })"
    )
    runs = pg.evaluate(
        """[...document.querySelectorAll('span.cite-run')].map(run => new Set([...run.querySelectorAll('a.cite-mark')].map(a => Math.round(a.getBoundingClientRect().top))).size)"""
    )
    # ... and on the line where its sentence ends, not wrapped away from it
    apart = pg.evaluate(
        """[...document.querySelectorAll('span.claim + span.cite-run, span.claim + sup.cite')].filter(m => m.checkVisibility()).map(m => {
            const text = [...m.previousElementSibling.getClientRects()].pop(), mark = m.getClientRects()[0];
            return Math.abs(text.bottom - mark.bottom) < text.height ? null : m.textContent; }).filter(x => x)"""
    )
    context.close()
    assert apart == [], apart
    assert len(sizes) > 10
    assert min(w for w, _ in sizes) >= 24 and min(h for _, h in sizes) >= 24, sorted(sizes)[:3]
    assert runs and max(runs) == 1, runs  # every run of marks on one line


@pytest.mark.parametrize("theme", THEMES)
def test_tapping_a_mark_on_a_phone_previews_it_without_leaving_the_page(
    browser: Browser, site: str, theme: str
) -> None:
    context = open_view(browser, "phone", theme)
    pg = context.new_page()
    goto(pg, f"{site}/summary.html", theme)
    mark = pg.locator("a.cite-mark").nth(3)
    href = mark.get_attribute("href")
    label = mark.locator(".cite-label").first.text_content()
    mark.scroll_into_view_if_needed()
    mark.tap()
    tip = pg.locator("#cite-tip")
    expect(tip).to_be_visible()
    assert pg.url.endswith("/summary.html")  # not followed
    text = tip.inner_text()
    source = label.split(",")[0]
    assert source in text and "grade " in text and "“" in text, text  # source, grade, quote
    assert re.search(r"grade [A-F][1-6]: .+ source, information ", text), text
    assert tip.locator("a.cite-tip-go").get_attribute("href") == href
    box = tip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    pg.locator("article h1").first.tap()  # a tap elsewhere closes it
    expect(tip).to_have_count(0)
    mark.tap()
    tip.locator("a.cite-tip-go").tap()  # the preview's link leads to the passage
    pg.wait_for_url(f"**/{href}")
    context.close()


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_phone_headings_leave_room_for_the_text(browser: Browser, site: str, kind: str) -> None:
    context = open_view(browser, "phone", "light")
    pg = context.new_page()
    goto(pg, f"{site}/{kind}.html", "light")
    sizes = pg.evaluate(
        "[...document.querySelectorAll('article h1, article h2')].map(h => [h.tagName, parseFloat(getComputedStyle(h).fontSize)])"
    )
    context.close()
    assert all(size <= (30 if tag == "H1" else 24) for tag, size in sizes), sizes


@pytest.mark.parametrize(("width", "theme"), VIEWS)
@pytest.mark.parametrize("kind", ["positions", "sources", "timeline", "actors"])
def test_no_fade_over_content_that_is_in_view(
    browser: Browser, site: str, kind: str, width: str, theme: str
) -> None:
    """A box fades at an edge only where more is hidden, and never wider than what is hidden
    (a 48 px fade over a table that overflows by 17 px hid 31 px of what was in view)."""
    context = open_view(browser, width, theme)
    pg = context.new_page()
    goto(pg, f"{site}/{kind}.html", theme)
    faded = pg.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(e => { const m = getComputedStyle(e).maskImage || getComputedStyle(e).webkitMaskImage; return m && m !== 'none'; })
            .map(e => [e.className, e.scrollWidth - e.clientWidth - e.scrollLeft, parseFloat(getComputedStyle(e).getPropertyValue('--fade-right')) || 0])"""
    )
    context.close()
    assert all(hidden > 0 and fade <= hidden for _, hidden, fade in faded), faded


@pytest.mark.parametrize(
    ("kind", "table"), [("sources", "table.sources-table"), ("positions", "table.positions-matrix")]
)
def test_a_phone_shows_every_column_of_a_key_table(
    browser: Browser, site: str, kind: str, table: str
) -> None:
    """Each row a card, each cell named by its column: no column off-screen (the sources table's
    Grade was; the matrix cut a party's position mid-word)."""
    context = open_view(browser, "phone", "light")
    pg = context.new_page()
    goto(pg, f"{site}/{kind}.html", "light")
    cells = pg.evaluate(
        """(table) => [...document.querySelectorAll(table + ' tbody td')].map(td => { const r = td.getBoundingClientRect();
            return [td.dataset.label || '', r.left >= 0 && r.right <= window.innerWidth, td.checkVisibility(), td.scrollWidth <= td.clientWidth + 1]; })""",
        table,
    )
    header = pg.locator(f"{table} thead th").all_text_contents()
    context.close()
    assert len(cells) >= 2 * len(header) >= 6
    assert all(inside and shown and fits for _, inside, shown, fits in cells), cells
    labels = {label for label, *_ in cells}
    assert {h.strip() for h in header[1:]} <= labels, (header, labels)  # every column named


@pytest.mark.parametrize("theme", THEMES)
def test_a_source_page_marks_the_arrived_at_passage_and_keeps_its_apparatus_small(
    browser: Browser, site: str, theme: str
) -> None:
    """Only the passage a reader came for is filled; the other cited passages are marked by a
    rule in the margin; each "Cited in" line is collapsed to its count, its links told apart."""
    context = open_view(browser, "desktop", theme)
    pg = context.new_page()
    goto(pg, f"{site}/sources/internewscast-nbc-mexico.html", theme)
    target = pg.locator(".cited [id^='q-'], .cited[id^='q-']").first.get_attribute("id")
    goto(pg, f"{site}/sources/internewscast-nbc-mexico.html#{target}", theme)
    found = pg.evaluate(
        """() => { const fills = [...document.querySelectorAll('.cited')].map(c => [c.matches(':target, :has(:target)'), getComputedStyle(c).backgroundColor]);
            const rules = [...document.querySelectorAll('p:has(> .cited)')].map(p => parseFloat(getComputedStyle(p).borderLeftWidth));
            const groups = [...document.querySelectorAll('details.cited-by-details')].map(d => [d.open, d.querySelector('summary').textContent,
                [...d.querySelectorAll('.cited-by:not(.original-links) a')].map(a => a.pathname + ' ' + a.textContent)]);
            const article = document.querySelector('#article-text').getBoundingClientRect().height;
            return { fills, rules, groups, article }; }"""
    )
    context.close()
    clear = ("rgba(0, 0, 0, 0)", "transparent")
    assert [bg for arrived, bg in found["fills"] if arrived and bg not in clear]
    assert all(bg in clear for arrived, bg in found["fills"] if not arrived), found["fills"]
    assert found["rules"] and min(found["rules"]) >= 2
    assert len(found["groups"]) >= 3
    for is_open, summary, labels in found["groups"]:
        assert not is_open and re.fullmatch(r"Cited in \d+ places?|Open at .*", summary), summary
        assert len(labels) == len(set(labels)), labels  # on one page, every back-link differs


def test_a_phone_breaks_no_source_card_label_inside_a_word(browser: Browser, site: str) -> None:
    context = open_view(browser, "phone", "light")
    pg = context.new_page()
    goto(pg, f"{site}/sources/oan-special-forces.html", "light")
    broken = pg.evaluate(
        """() => { const out = [];
          for (const td of document.querySelectorAll('table.source-card td:first-child')) {
            const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
            for (let node; (node = walker.nextNode());) {
              for (const m of node.textContent.matchAll(/\\S+/g)) {
                const range = document.createRange(); range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
                const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                if (lines.size > 1) out.push(m[0]); } } }
          return out; }"""
    )
    context.close()
    assert broken == [], broken  # "Publish/ed", "rational/e" were


def test_timeline_chart_shows_every_event_title_in_full(page: Page, site: str) -> None:
    page.goto(f"{site}/timeline.html")
    # wrapped lines are tspans
    drawn = "".join(text for text, _ in page.evaluate(CHART_TEXT_SIZES)).replace(" ", "")
    titles = page.locator("table.chronology tbody tr td:nth-child(2)").all_inner_texts()
    assert len(titles) > 20
    straight = str.maketrans(
        "\u2018\u2019\u201c\u201d", "''\"\""
    )  # the chart sets quotes typographically
    missing = [t for t in titles if "".join(t.split()) not in drawn.translate(straight)]
    assert missing == [] and "…" not in drawn, missing


def header_bottom(pg: Page, passage: Locator) -> float:
    """Where the sticky header above ``passage`` ends: nothing above this line can be read."""
    return passage.evaluate(
        """p => { const box = p.getBoundingClientRect();
            return Math.max(0, ...[...document.querySelectorAll('body *')].filter(e => ['sticky', 'fixed'].includes(getComputedStyle(e).position) && e.checkVisibility())
              .map(e => e.getBoundingClientRect()).filter(r => r.top <= 0 && r.height < window.innerHeight / 3 && r.left < box.right && r.right > box.left).map(r => r.bottom)); }"""
    )


@pytest.mark.parametrize(("width", "theme"), VIEWS)
@pytest.mark.parametrize("section", SECTIONS)
def test_followed_citation_shows_its_whole_passage_below_the_header_and_marked(
    browser: Browser, site: str, section: str, width: str, theme: str
) -> None:
    context = open_view(browser, width, theme)
    pg = context.new_page()
    goto(pg, f"{site}/{section}.html", theme)
    marks = pg.locator("a.cite-mark")
    for n in sorted({0, marks.count() // 2, marks.count() - 1}):  # first, middle and last citation
        goto(pg, f"{site}/{section}.html", theme)
        mark = marks.nth(n)
        target_id = mark.get_attribute("href").split("#", 1)[1]
        mark.scroll_into_view_if_needed()
        mark.click()
        pg.wait_for_url(f"**/sources/*.html#{target_id}")
        pg.wait_for_load_state("load")
        pg.wait_for_timeout(200)
        passage = pg.locator(f"[id='{target_id}']").locator(
            "xpath=ancestor-or-self::*[contains(concat(' ', @class, ' '), ' cited ')][1]"
        )
        box = passage.evaluate(
            "e => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom} }"
        )
        top = header_bottom(pg, passage)
        room = pg.viewport_size["height"] - top
        assert box["top"] >= top - 1, (
            f"{section} #{n}: the passage starts under the header ({box['top']:.0f} < {top:.0f})"
        )
        if box["bottom"] - box["top"] <= room:
            assert box["bottom"] <= pg.viewport_size["height"] + 1, (
                f"{section} #{n}: the passage runs off the window"
            )
        style = passage.evaluate(
            "e => { const s = getComputedStyle(e); return [s.backgroundColor, s.outlineStyle, s.outlineColor] }"
        )
        others = pg.evaluate(
            "id => [...document.querySelectorAll('.cited')].filter(c => !c.matches(':target, :has(:target)')).map(c => getComputedStyle(c).backgroundColor)",
            target_id,
        )
        page_bg = pg.evaluate("getComputedStyle(document.body).backgroundColor")
        assert style[1] != "none" and style[0] not in (page_bg, "rgba(0, 0, 0, 0)"), style
        assert style[0] not in others, (
            f"the arrived-at passage looks like the other cited passages: {style[0]}"
        )
    context.close()


@pytest.mark.parametrize("section", ["index", *SECTIONS, "sources/oan-special-forces"])
def test_citation_marks_are_named_by_their_visible_number(
    page: Page, site: str, section: str
) -> None:
    """WCAG 2.5.3: the accessible name starts with the visible label; the quote is a description."""
    page.goto(f"{site}/{section}.html")
    marks = page.locator("a.cite-mark")
    assert marks.count() > 0
    names = page.evaluate(
        "[...document.querySelectorAll('a.cite-mark')].map(m => [m.innerText.trim(), m.getAttribute('aria-label')])"
    )
    for visible, name in names:
        assert visible.isdigit() and re.match(rf"{visible}: citation, .+, ¶\d+$", name or ""), (
            visible,
            name,
        )
    for n in range(min(5, marks.count())):  # as the browser computes it for assistive technology
        visible = marks.nth(n).inner_text().strip()
        expect(marks.nth(n)).to_have_accessible_name(re.compile(rf"^{visible}: citation, "))
    marks.first.focus()
    expect(marks.first).to_have_accessible_description(re.compile("“.+”"))


def test_tooltip_near_the_bottom_of_the_window_stays_on_screen(page: Page, site: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 700})
    page.goto(f"{site}/summary.html")
    mark = page.locator("a.cite-mark").nth(3)
    mark.evaluate(
        "m => window.scrollBy(0, m.getBoundingClientRect().bottom - window.innerHeight + 4)"
    )
    mark.hover()
    tip = page.locator("#cite-tip")
    expect(tip).to_be_visible()
    box = tip.bounding_box()
    assert (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= 700
        and box["x"] + box["width"] <= 1280
    )


def test_landing_page_has_real_headings_and_one_search_box(page: Page, site: str) -> None:
    page.goto(f"{site}/index.html")
    article = page.locator("article.bd-article")
    assert (
        article.locator("h2", has_text="Contents").count() == 1
        and article.locator("h2", has_text="Source texts").count() == 1
    )
    visible_search = [
        b for b in page.locator(".search-button-field, .search-button").all() if b.is_visible()
    ]
    assert len(visible_search) == 1
    title = page.evaluate("document.querySelector('article h1').firstChild.textContent.trim()")
    shown = page.evaluate(
        "t => [...document.querySelectorAll('body *')].filter(e => e.checkVisibility() && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim() === t)).length",
        title,
    )
    assert shown <= 2, shown  # the sidebar's title and the page's h1, no third "home" entry


def test_sources_are_listed_by_date_with_supplied_titles_marked(page: Page, site: str) -> None:
    page.goto(f"{site}/sources.html")
    dates = (
        page.locator("article table").first.locator("tbody tr td:nth-child(3)").all_inner_texts()
    )

    def key(text: str) -> tuple[int, int, int]:
        found = re.search(r"(\d{1,2} )?([A-Z][a-z]+) (\d{4})", text)
        assert found, text
        return (
            int(found.group(3)),
            dt.datetime.strptime(found.group(2), "%B").month,
            int(found.group(1) or 0),
        )

    assert len(dates) == 5 and [key(d) for d in dates] == sorted(key(d) for d in dates), dates
    # internewscast's article has no headline: the title the analyst wrote is shown in brackets, here and on its page
    expect(
        page.get_by_role(
            "link",
            name="[Trump moves forward with plans to deploy US forces to Mexico against cartels]",
        ).first
    ).to_be_visible()
    page.goto(f"{site}/sources/internewscast-nbc-mexico.html")
    expect(page.locator("article.bd-article h1")).to_contain_text("[Trump moves forward")
    expect(page.locator("table.source-card")).to_contain_text("supplied by the analyst")


def test_print_hides_navigation_and_keeps_citation_numbers(page: Page, site: str) -> None:
    page.goto(f"{site}/background.html")
    page.emulate_media(media="print")
    expect(page.locator(".bd-sidebar-primary")).to_be_hidden()
    expect(page.locator("a.briefgen-pdf-button")).to_be_hidden()
    mark = page.locator("sup.cite a.cite-mark").first
    expect(mark).to_be_visible()
    assert mark.inner_text().strip().isdigit()
    expect(page.locator("aside.footnote-list")).to_be_visible()  # the citations, printed at the end


# -- a larger book: the benchmark's generator at N = 100, with relations for a map ------------------


def _with_relations(root: Path, count: int = 40) -> None:
    """Add ``count`` cited relations between the synthetic actors (the generator records none)."""
    import yaml

    path = root / "briefing/actors.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    actors = [a for a in data["actors"] if a.get("statements")]
    kinds = [
        "works with",
        "funds the programmes of",
        "criticised the plan of",
        "met the delegation of",
        "reports to",
        "sued",
    ]
    data["relations"] = [
        {
            "from": actors[i % len(actors)]["id"],
            "to": actors[(i * 7 + 3) % len(actors)]["id"],
            "kind": kinds[i % len(kinds)],
            "cite": [dict(actors[i % len(actors)]["statements"][0]["cite"][0])],
        }
        for i in range(count)
        if actors[i % len(actors)]["id"] != actors[(i * 7 + 3) % len(actors)]["id"]
    ]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def large_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import sys

    from briefgen.building.book import build

    sys.path.insert(0, str(REPO / "benchmarks"))
    from synth import generate

    root = generate(tmp_path_factory.mktemp("large") / "n100", 100)
    _with_relations(root)
    build(root, ("html",))
    handler = functools.partial(_QuietHandler, directory=str(root / "_build/html"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_large_book_has_a_legible_timeline_and_map(
    browser: Browser, large_site: str, width: str
) -> None:
    context = open_view(browser, width, "light")
    pg = context.new_page()
    checked = 0
    goto(pg, f"{large_site}/timeline.html", "light")
    periods = pg.locator("table.chronology a").evaluate_all("as => as.map(a => a.href)")
    assert len(periods) >= 6, "the N = 100 timeline should be paged by period"
    for url in [*periods[:3], f"{large_site}/actors.html"]:
        goto(pg, url, "light")
        sizes = chart_text_sizes(pg)
        small = [(text, round(size, 1)) for text, size in sizes if size < MIN_CHART_TEXT_PX]
        assert small == [], (url, small[:5])
        wide = pg.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not wide, f"{url} is wider than the {width} window"
        # a chart (or, on a phone's actors page, the list)
        assert len(sizes) >= (5 if "timeline" in url or width == "desktop" else 0), url
        checked += len(sizes)
    shown_map = pg.evaluate(
        "[...document.querySelectorAll('div.graphviz object')].filter(o => o.checkVisibility()).length"
    )
    context.close()
    assert checked > (100 if width == "desktop" else 20)
    # the map in parts (its groups of connected actors); a phone lists the relations instead
    assert (shown_map >= 1) if width == "desktop" else (shown_map == 0)
