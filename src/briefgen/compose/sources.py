"""The Sources & method page and one page per source with its highlighted, numbered text.

Source pages are composed last: only then is the 'cited by' register complete, so each cited
passage can link back to every claim that rests on it.
"""

from __future__ import annotations

import datetime as _dt
import itertools

from briefgen.compose.blocks import (
    SECTION_TITLES,
    claims_paragraph,
    dating_text,
    group_by_period,
    list_table,
    toctree,
)
from briefgen.compose.markup import escape, external_link, label, link, span
from briefgen.compose.page import (
    BookContext,
    CitingClaim,
    Page,
    distinct_excerpts,
    relative_target,
)
from briefgen.core.model import NonArticle, Relay, Source
from briefgen.core.scales import (
    CONFIDENCE,
    CONFIDENCE_RULE,
    CREDIBILITY,
    LIKELIHOOD,
    RELIABILITY,
    SOURCE_KINDS,
    grade_label,
)
from briefgen.trust.anchor import Anchor, SourceText

NON_ARTICLE_LABELS = {
    "advertising": "advertising",
    "social-embed": "embedded social-media post",
    "site-chrome": "website navigation or footer",
    "editor-note": "editor's note",
    "metadata": "page metadata",
    "image-caption": "image caption",
    "link-list": "list of links",
    "other": "other material",
}


def relay_text(source: Source) -> str:
    """What a source passes on: the report it republishes whole, then the reports it relays."""
    carried = [f"republishes {source.republishes.outlet}"] if source.republishes else []
    carried += [r.outlet for r in source.relays]
    if not carried:
        return "none (own reporting)" if source.kind == "news-report" else "none recorded"
    return "; ".join(carried)


SOURCES_PER_LIST = 40
"""Past this many sources the source texts are listed by publication period (a year; a month in a
crowded year), one page per period. Every page's navigation lists the texts, so a flat list of a
thousand would make each page, and the whole build, grow with the square of the sources."""
GROUP_DIR = "source-texts"  # not sources/: group pages must not share a namespace with source ids


def listed_by_period(n_sources: int) -> bool:
    return n_sources > SOURCES_PER_LIST


def light_nav_pages(n_sources: int) -> list[str]:
    """Docname patterns whose sidebar leaves out the navigation tree (read by the Sphinx extension).

    With the texts listed by period, each of (possibly) thousands of text pages would otherwise
    resolve the whole tree when written; the text's period is linked at the top of its page.
    """
    return ["sources/*"] if listed_by_period(n_sources) else []


def sources_by_date(ctx: BookContext) -> list[str]:
    """Source ids in order of publication (earliest possible date first; ids break ties)."""
    sources = ctx.briefing.sources
    return ctx.once(
        "sources_by_date",
        lambda: sorted(
            sources, key=lambda sid: (sources[sid].model.published.parsed.sort_key, sid)
        ),
    )


def source_groups(ctx: BookContext) -> list[tuple[str, str, list[str]]]:
    """``(docname, title, source ids)`` per publication period; empty when the list stays flat."""
    return ctx.once("source_groups", lambda: _source_groups(ctx))


def _source_groups(ctx: BookContext) -> list[tuple[str, str, list[str]]]:
    sources = ctx.briefing.sources
    if not listed_by_period(len(sources)):
        return []
    periods = group_by_period(
        sources_by_date(ctx),
        lambda sid: sources[sid].model.published.parsed.earliest,
        len,
        SOURCES_PER_LIST,
        lambda sid: sources[sid].model.published.parsed.day_known,
    )
    return [
        (f"{GROUP_DIR}/{slug}", f"Sources published in {name}", members)
        for slug, name, members in periods
    ]


def source_text_entries(ctx: BookContext) -> list[str]:
    """What the book's 'Source texts' contents list: the period pages, or the texts themselves."""
    groups = source_groups(ctx)
    return (
        [doc for doc, _, _ in groups]
        if groups
        else [ctx.source_doc(sid) for sid in sources_by_date(ctx)]
    )


def _group_of(ctx: BookContext, sid: str) -> tuple[str, str] | None:
    """``(docname, title)`` of the period page listing ``sid``, when texts are listed by period."""
    group_of = ctx.once(
        "source_group_of",
        lambda: {m: (doc, title) for doc, title, members in source_groups(ctx) for m in members},
    )
    return group_of.get(sid)


def source_group_pages(ctx: BookContext) -> list[Page]:
    pages = []
    for docname, title, members in source_groups(ctx):
        page = Page(ctx, docname, title)
        page.para(
            f"{len(members)} source text{'s' if len(members) != 1 else ''}, by date of publication:"
        )
        page.add(*toctree([ctx.source_doc(sid) for sid in members]))
        pages.append(page)
    return pages


def sources_page(ctx: BookContext) -> Page:
    b = ctx.briefing
    page = Page(ctx, "sources", SECTION_TITLES["sources"])
    page.add("## Sources", "")
    page.para(
        "Every article the book rests on, in order of publication, with its grading. Relayed reporting is named: two outlets relaying the same original report count as one origin, not two."
    )
    rows = []
    for sid in sources_by_date(ctx):
        s: Source = b.sources[sid].model
        title = link(escape(s.display_title), relative_target("sources", ctx.source_doc(sid)))
        grade = f"{ctx.item_mark('grade', sid)}**{s.grade.reliability}{s.grade.credibility}**"
        rows.append(
            [
                f"{ctx.item_mark('source', sid)}{title}",
                escape(s.outlet),
                escape(s.published.parsed.display()),
                escape(SOURCE_KINDS[s.kind].split(":", 1)[0]),  # "News report", as readers say it
                escape(relay_text(s)),
                grade,
            ]
        )
    # on a phone each source is a card (every column labelled), so the grade is never off-screen
    page.add(
        *list_table(
            ["Source", "Outlet", "Published", "Kind", "Relays", "Grade"],
            rows,
            widths=[21, 22, 13, 15, 22, 7],  # in print, room for the longest outlet and kind
            classes=("sources-table", "phone-cards"),
        )
    )
    for sid in sources_by_date(ctx):
        s = b.sources[sid].model
        page.para(
            f"**{escape(s.outlet)} ({s.grade.reliability}{s.grade.credibility}).** {escape(s.grade.rationale)}"
        )

    method = b.method
    if method.notes:
        page.add("## Method notes", "")
        page.para(claims_paragraph(page, method.notes))
    if method.discrepancies:
        page.add("## Discrepancies and errors", "")
        page.para(
            "Where sources disagree with each other, contain errors, frame events editorially, or mix non-article material into the text."
        )
        page.add("| Kind | Finding |", "|---|---|")
        for d in method.discrepancies:
            page.add(f"| {escape(d.kind.replace('-', ' '))} | {page.claim(d.text, d.cite)} |")
        page.add("")

    page.add("## Grading scale", "")
    page.para(
        "Each source is graded on the Admiralty scale: a letter for the reliability of the source, a digit for the credibility of the information it gives."
    )
    page.add("| Reliability | Meaning | Credibility | Meaning |", "|---|---|---|---|")
    for (letter, (r_name, _)), (digit, (c_name, _)) in zip(
        RELIABILITY.items(), CREDIBILITY.items(), strict=False
    ):
        page.add(f"| **{letter}** | {escape(r_name)} | **{digit}** | {escape(c_name)} |")
    page.add("")
    page.add("Source kinds:", "")
    page.add(*(f"- {escape(text)}" for text in SOURCE_KINDS.values()), "")
    page.add(label("estimative-language"), "## Estimative language", "")
    page.para(
        "Key judgments use the terms of US Intelligence Community Directive 203 for likelihood. Confidence is stated separately and describes the evidence, not the probability."
    )
    page.add("| Term | Probability |", "|---|---|")
    page.add(*(f"| {escape(term)} | {escape(rng)} |" for term, rng in LIKELIHOOD), "")
    page.add("| Confidence | Meaning |", "|---|---|")
    page.add(*(f"| {level} | {escape(text)} |" for level, text in CONFIDENCE.items()), "")
    page.para(escape(CONFIDENCE_RULE))
    return page


def _passages(anchors: list[Anchor], start: int, end: int) -> list[tuple[int, int, list[Anchor]]]:
    """Overlapping or touching quotes of one paragraph merged into passages ``(start, end, quotes)``.

    A reader sees one highlighted passage where quotes overlap, not a run of fragments."""
    merged: list[tuple[int, int, list[Anchor]]] = []
    for a in sorted(anchors, key=lambda a: (a.start, -a.end)):
        lo, hi = max(a.start, start), min(a.end, end)
        if merged and lo <= merged[-1][1]:
            first, last, quotes = merged[-1]
            merged[-1] = (first, max(last, hi), [*quotes, a])
        else:
            merged.append((lo, hi, [a]))
    return merged


def _highlighted(text: str, start: int, end: int, anchors: list[Anchor]) -> str:
    """Paragraph markup with each passage of overlapping quotes highlighted as one span.

    The passage carries the id of its first quote; every other quote's id sits on an unstyled span
    where that quote starts, so every anchor has a target, and a target inside a passage marks the
    whole passage (CSS ``.cited:has(:target)``)."""
    out, pos = [], start
    for lo, hi, quotes in _passages(anchors, start, end):
        out.append(escape(text[pos:lo], strip=False))
        starts: dict[int, list[str]] = {}
        for a in quotes[1:]:
            starts.setdefault(max(a.start, lo), []).append(a.anchor_id)
        cuts = sorted({lo, hi, *starts})
        inner = []
        for seg_lo, seg_hi in itertools.pairwise(cuts):
            piece = escape(text[seg_lo:seg_hi], strip=False)
            for anchor_id in starts.get(seg_lo, []):
                piece = span(piece, id=anchor_id)
            inner.append(piece)
        out.append(span("".join(inner), id=quotes[0].anchor_id, classes=("cited",)))
        pos = hi
    out.append(escape(text[pos:end], strip=False))
    return "".join(out)


def source_page(ctx: BookContext, sid: str) -> Page:
    part = ctx.briefing.sources[sid]
    s: Source = part.model
    st: SourceText = ctx.anchors.texts[sid]
    docname = ctx.source_doc(sid)
    page = Page(ctx, docname, s.display_title, short_title="Key points")
    group = _group_of(ctx, sid)
    if group is not None:  # a large book: the way back to the list this text is in
        page.para(f"Source texts › {link(escape(group[1]), relative_target(docname, group[0]))}")
    rows = [
        *(
            [
                (
                    "Title",
                    "none in the article: the title above describes it (supplied by the analyst)",
                )
            ]
            if s.title_basis == "descriptive"
            else []
        ),
        ("Outlet", s.outlet),
        ("Author", s.author or "not given"),
        ("Published", dating_text(s.published)),
        ("Kind", SOURCE_KINDS[s.kind]),
        ("Relays", relay_text(s)),
        ("Grade", grade_label(s.grade.reliability, s.grade.credibility)),
        ("Grading rationale", s.grade.rationale),
    ]  # not the text's file name: a reader has no use for the project's paths
    cells = [(key, escape(value)) for key, value in rows]
    if address := _address_cell(s):
        cells.insert(1, ("URL", address))
    page.add("```{list-table}", ":header-rows: 0", ":widths: 1 3", ":class: source-card", "")
    for key, cell in cells:
        page.add(f"* - **{escape(key)}**", f"  - {cell}")
    page.add("```", "")
    if s.republishes is not None:
        note = f" {escape(s.republishes.note)}" if s.republishes.note else ""
        page.para(
            f"*Republishes {escape(s.republishes.outlet)}:* every passage counts as {escape(s.republishes.outlet)}'s report, not as an origin of its own.{note}"
        )
    for r in s.relays:
        if r.note:
            page.para(f"*Relay of {escape(r.outlet)}:* {escape(r.note)}")
    page.add("## Key points", "")
    page.add(*(f"- {page.claim(c.text, c.cite)}" for c in s.summary), "")
    page.add("## Article text", "")
    page.para(
        "Paragraphs are numbered as citations give them (¶). Passages cited in this book are highlighted; material that is not article text (advertising, embedded posts, site chrome) is boxed and labelled, and paragraphs passing on another newsroom's report are marked with its name (they count as that report, not as this outlet's own)."
    )
    if s.url:
        page.para(ORIGINAL_NOTE)
    by_para: dict[int, list[Anchor]] = {}
    for a in st.anchors.values():
        by_para.setdefault(a.paragraph, []).append(a)
    open_item: object = None  # the non-article or relayed passage whose box is open
    for para in st.paragraphs:
        anchors = sorted(by_para.get(para.number, []), key=lambda a: (a.start, -a.end))
        number = span(f"¶{para.number}", id=f"p-{sid}-{para.number}", classes=("para-num",))
        body = f"{number} {_highlighted(st.text, para.start, para.end, anchors)}"
        item: NonArticle | Relay | None = st.non_article.get(para.number) or st.relayed.get(
            para.number
        )
        if open_item is not None and item is not open_item:
            page.add(":::", "")  # close the previous passage's box
            open_item = None
        if item is not None and item is not open_item:
            page.add(*_box(item), "")
            open_item = item
        page.para(body)
        backlinks = _backlinks(ctx, docname, anchors)
        if backlinks:
            page.para(backlinks)
        if s.url and (originals := _original_links(ctx, sid, anchors)):
            page.para(originals)
    if open_item is not None:
        page.add(":::", "")
    return page


def _box(item: NonArticle | Relay) -> tuple[str, str]:
    """The opening of a passage's box: material that is not article text, or a relayed report
    (whose paragraphs count as that report's origin, so readers see where each one comes from)."""
    if isinstance(item, Relay):
        label_text = escape(f"[Relayed report: {item.outlet}.]")
        return ":::{container} relayed", f"**{label_text}**"
    note = f" {escape(item.note)}" if item.note else ""
    label_text = escape(f"[Not article text: {NON_ARTICLE_LABELS[item.kind]}.]")
    return f":::{{container}} non-article non-article-{item.kind}", f"**{label_text}**{note}"


def _address_cell(s: Source) -> str:
    """The live link, then when the page was retrieved and a link to the analyst's archived copy:
    the reader can still check a quote after the live page changed or went."""
    live = external_link(escape(s.url), s.url) if s.url else ""
    extras = []
    if s.snapshot is not None:
        at = s.snapshot.retrieved
        at = at.astimezone(_dt.UTC)  # the model requires a time zone
        extras.append(escape(f"Retrieved {at.day} {at:%b %Y %H:%M} UTC"))
    if s.archive_url:
        extras.append(external_link("archived copy", s.archive_url))
    if not extras:
        return live
    return f"{live} ({'; '.join(extras)})" if live else "; ".join(extras)


ORIGINAL_NOTE = (
    "Each cited passage also has a link that opens the article on its original site at that passage (a URL text "
    "fragment, highlighted by browsers that support them). The original may have changed since it was retrieved: "
    "the text below is the copy this book quotes."
)


def _original_links(ctx: BookContext, sid: str, anchors: list[Anchor]) -> str:
    """'Open at the passage on the original site: “first words…” ↗ · …' for a paragraph's cited passages."""
    links: dict[str, str] = {}  # by label: passages starting alike are one link (to the first)
    for a in anchors:
        url = ctx.original_link(sid, a)
        words = ctx.anchors.texts[sid].text[a.start : a.end].split()
        shown = f"“{' '.join(words[:6])}{'…' if len(words) > 6 else ''}” ↗"
        if url is not None and shown not in links:
            links[shown] = external_link(escape(shown), url)
    if not links:
        return ""
    head = span("Open at the passage on the original site:", classes=("cited-by-count",))
    return span(f"{head} {' · '.join(links.values())}", classes=("cited-by", "original-links"))


def _backlinks(ctx: BookContext, docname: str, anchors: list[Anchor]) -> str:
    """'Cited in 4 places: Background: “first words…”, “…” · Summary: “…”': the claims citing a
    paragraph's passages, grouped by page, each named by as many of its first words as tell it
    from the others. The count heads the line: the HTML book shows only it until opened."""
    citing: list[CitingClaim] = []
    for a in anchors:
        citing += [c for c in ctx.cited_by.get(a.anchor_id, []) if c not in citing]
    if not citing:
        return ""
    by_page: dict[str, list[CitingClaim]] = {}
    for claim in citing:
        by_page.setdefault(claim.page_title, []).append(claim)
    groups = []
    for title, claims in by_page.items():
        labels = distinct_excerpts([c.text for c in claims])
        links = []
        for n, (claim, excerpt) in enumerate(zip(claims, labels, strict=True)):
            again = labels[:n].count(excerpt)  # the same sentence twice on a page: numbered
            text = (f"“{excerpt}”" if excerpt else title) + (f" ({again + 1})" if again else "")
            links.append(
                link(escape(text), relative_target(docname, claim.docname, claim.claim_id))
            )
        groups.append(span(f"{escape(title)}: {', '.join(links)}", classes=("cited-by-group",)))
    places = f"Cited in {len(citing)} place{'s' if len(citing) > 1 else ''}:"
    head = span(escape(places), classes=("cited-by-count",))
    # opened on a screen, each page's group is a line of its own (the separators then hide)
    between = span(" · ", classes=("cited-by-sep",))
    return span(f"{head} {between.join(groups)}", classes=("cited-by",))
