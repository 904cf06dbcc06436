"""The analysis pages: index, background, actors, positions, timeline, open questions.

Each function turns one part of the model into one ``Page``. Layout decisions that differ between
HTML and PDF are left to CSS and the LaTeX preamble, so the Markdown stays one plain document.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence

from ..dates import parse_date
from ..model import Claim, Dating, Event
from .markup import escape, label, link, span
from .actormap import actor_map_dot
from .charts import chart_window, timeline_svg
from .page import BookContext, Page, relative_target

SECTION_TITLES = {
    "background": "Background",
    "actors": "Actors",
    "positions": "Positions",
    "timeline": "Timeline",
    "questions": "Open questions",
    "sources": "Sources and method",
}


def claims_paragraph(page: Page, claims: Sequence[Claim]) -> str:
    return " ".join(page.claim(c.text, c.cite) for c in claims)


def dating_text(dating: Dating) -> str:
    """'17 February 2025 (day; stated)' with the note when there is one."""
    parsed = dating.parsed
    text = f"{parsed.display()} ({parsed.precision}; {dating.basis}"
    if dating.note:
        text += f": {dating.note}"
    return text + ")"


def toctree(entries: Sequence[str], *, caption: str | None = None, hidden: bool = False, maxdepth: int = 1) -> list[str]:
    opts = [f":maxdepth: {maxdepth}"] + ([f":caption: {caption}"] if caption else []) + ([":hidden:"] if hidden else [])
    return ["```{toctree}", *opts, "", *entries, "```", ""]


def fenced(directive: str, body: str, argument: str = "") -> list[str]:
    """A directive around composed Markdown, with a fence longer than any fence inside it."""
    ticks = "`" * (max([3, *(len(m) + 1 for m in re.findall(r"`{3,}", body))]))
    return [f"{ticks}{{{directive}}} {argument}".rstrip(), body.rstrip("\n"), ticks, ""]


def list_table(header: Sequence[str], rows: Sequence[Sequence[str]], *, widths: Sequence[int], classes: tuple[str, ...] = ()) -> list[str]:
    """A table whose header repeats across PDF pages (``longtable``) and whose widths are fixed.

    ``header`` is plain text (escaped here); cells are composed markup.
    """
    opts = [":header-rows: 1", f":widths: {' '.join(map(str, widths))}", f":class: {' '.join(('longtable', *classes))}"]
    lines = ["```{list-table}", *opts, ""]
    for row in [[escape(h) for h in header], *rows]:
        lines.append(f"* - {row[0]}")
        lines.extend(f"  - {cell}" for cell in row[1:])
    return [*lines, "```", ""]


def _book_facts(ctx: BookContext) -> str:
    book = ctx.briefing.book.model
    facts = [f"**{escape(book.marking)}**", f"As of {escape(parse_date(book.as_of).display())}"]
    if book.authors:
        facts.append("Prepared by " + escape(", ".join(book.authors)))
    return " · ".join(facts)


def index_page(ctx: BookContext) -> Page:
    """The landing page and the PDF's root: cover facts, the bottom line (HTML), the contents.

    In the PDF the root's own text is the title page, so the bottom line is shown here for HTML
    readers only; the Summary chapter carries it, with its citations, in both formats.
    """
    book = ctx.briefing.book.model
    page = Page(ctx, "index", book.title, short_title="Cover")
    teaser = Page(ctx, "index", book.title, short_title="Cover")
    if book.subtitle:
        teaser.para(f"*{escape(book.subtitle)}*")
    teaser.para(_book_facts(ctx))
    teaser.add("**Bottom line up front.** " + " ".join(escape(c.text) + teaser.marks(c.cite) for c in book.bluf), "")
    teaser.para(link("Read the summary and key judgments", "summary.md") + ", or download the PDF edition from the button at the top of each page.")
    page.add(*fenced("only", teaser.render(with_title=False), "html"))
    sections = ["summary", *book.sections, *([] if "sources" in book.sections else ["sources"])]  # sources: the hub of the appendices
    page.add(*toctree(sections, caption="Contents"))  # the first caption also names the PDF contents
    # Appendices are lettered A-Z; past 26 sources LaTeX's letter counter overflows: number them.
    numbering = ["\\renewcommand{\\thechapter}{\\arabic{chapter}}"] if len(ctx.briefing.sources) > 26 else []
    page.add("```{raw} latex", "\\appendix", *numbering, "```", "")
    page.add(*toctree([ctx.source_doc(sid) for sid in ctx.briefing.sources], caption="Source texts"))
    return page


def summary_page(ctx: BookContext) -> Page:
    book = ctx.briefing.book.model
    page = Page(ctx, "summary", "Summary")
    page.add("## Bottom line up front", "")
    page.para(claims_paragraph(page, book.bluf))
    if book.key_judgments:
        page.add("## Key judgments", "")
        for i, j in enumerate(book.key_judgments, 1):
            page.add(f"{i}. {page.claim(j.text, j.cite)} *Confidence: {j.confidence}.*")
        page.add("")
    page.add("## How to read this book", "")
    page.para(
        "Every sentence of analysis ends with citation marks. Each mark leads to the exact passage of the "
        "source article it rests on, highlighted on that source's page; the passage links back to every "
        "claim that cites it. Sources are graded on the Admiralty scale and judgments use standard "
        + link("estimative language", relative_target("summary", "sources", "estimative-language"))
        + ". Opinion and commentary in the sources are labelled as such. Dates show their precision."
    )
    return page


def background_page(ctx: BookContext) -> Page:
    page = Page(ctx, "background", SECTION_TITLES["background"])
    for topic in ctx.briefing.background.topics:
        page.add(label(f"topic-{topic.id}"), f"## {escape(topic.title)}", "")
        for paragraph in topic.paragraphs:
            page.para(claims_paragraph(page, paragraph))
    return page


def _party_names(ctx: BookContext) -> dict[str | None, str]:
    names: dict[str | None, str] = {p.id: p.name for p in ctx.briefing.book.model.parties}
    names[None] = "Other actors"
    return names


def actor_link(ctx: BookContext, from_doc: str, actor_id: str) -> str:
    actor = next(a for a in ctx.briefing.actors.actors if a.id == actor_id)
    if "actors" not in ctx.briefing.book.model.sections:
        return escape(actor.name)  # no actors page to link to
    return link(escape(actor.name), relative_target(from_doc, "actors", f"actor-{actor_id}"))


def actors_page(ctx: BookContext) -> Page:
    page = Page(ctx, "actors", SECTION_TITLES["actors"])
    actors = ctx.briefing.actors.actors
    names = _party_names(ctx)
    dot = actor_map_dot(ctx.briefing.actors, names)
    if dot:
        page.add(label("map-of-actors"), "## Actor map", "")  # not 'actor-…': that namespace is the actors' own
        page.para(
            "Actors grouped by party, joined by the relations the sources report (shape: ellipse person, box organisation, "
            "hexagon unit, octagon group). Each relation is cited in the list below the map."
        )
        page.add("````{graphviz}", ":alt: Map of the actors and the relations between them", ":class: actor-map", "", dot.rstrip("\n"), "````", "")
        page.add("Relations shown on the map:", "")
        by_id = {a.id: a for a in actors}
        for rel in ctx.briefing.actors.relations:
            text = f"{by_id[rel.source].name} → {rel.kind} → {by_id[rel.target].name}"
            page.add(f"- {page.claim(text, rel.cite)}")
        page.add("")
    for party_id, party_name in names.items():
        group = [a for a in actors if a.party == party_id]
        if not group:
            continue
        page.add(f"## {escape(party_name)}", "")
        for actor in group:
            page.add(label(f"actor-{actor.id}"), f"### {escape(actor.name)}", "")
            page.para(f"{span(actor.kind, classes=('actor-kind',))}{escape(actor.role)}")
            for st in actor.statements:
                when = []
                if st.date:
                    when.append(st.date.parsed.display())
                if st.venue:
                    when.append(st.venue)
                prefix = f"**{escape(', '.join(when))}:** " if when else ""
                page.add(f"- {prefix}{page.claim(st.text, st.cite)}")
            page.add("")
    return page


POSTURES = ("supports", "opposes", "conditional", "mixed", "unclear")


def posture_badge(posture: str | None) -> str:
    """A labelled, colour-coded badge (the label carries the meaning; colour only repeats it)."""
    if posture is None:
        return ""
    return span(posture.capitalize(), classes=("posture", f"posture-{posture}")) + " "


def positions_page(ctx: BookContext) -> Page:
    b = ctx.briefing
    page = Page(ctx, "positions", SECTION_TITLES["positions"])
    parties = b.book.model.parties
    positions = b.positions.positions
    issues = [i for i in b.book.model.issues if any(p.issue == i.id for p in positions)]
    page.para(
        "Each row is a contested issue, stated as a proposition; each column a party. The label before each stance "
        "says whether the party supports or opposes the proposition (also shown by colour). Follow an issue to see "
        "the cited detail, including differences inside a party."
    )
    rows = []
    for issue in issues:
        title = link(escape(issue.title), f"#issue-{issue.id}")
        cells = [title + (f" {span(escape(issue.proposition), classes=('proposition',))}" if issue.proposition else "")]
        for party in parties:
            stances = [p for p in positions if p.issue == issue.id and p.party == party.id and p.actor is None]
            cells.append("; ".join(posture_badge(p.posture) + escape(p.stance) for p in stances) or "(no position reported)")
        rows.append(cells)
    page.add(*list_table(["Issue", *(p.name for p in parties)], rows, widths=[2] + [3] * len(parties), classes=("positions-matrix",)))
    if any(p.posture for p in positions):
        page.para("Key: " + " ".join(posture_badge(name) for name in POSTURES))
    for issue in issues:
        page.add(label(f"issue-{issue.id}"), f"## {escape(issue.title)}", "")
        if issue.question:
            page.para(f"*{escape(issue.question)}*")
        if issue.proposition:
            page.para(f"Proposition: {escape(issue.proposition)}")
        for party in parties:
            stances = [p for p in positions if p.issue == issue.id and p.party == party.id]
            if not stances:
                continue
            page.add(f"### {escape(party.name)}", "")
            for pos in stances:
                who = f" ({actor_link(ctx, 'positions', pos.actor)})" if pos.actor else ""
                page.para(f"{posture_badge(pos.posture)}**{escape(pos.stance)}**{who}: {claims_paragraph(page, pos.claims)}")
    return page


TIMELINE_PAGE_EVENTS = 40
"""A longer timeline is split into one page per year (per month within a crowded year).

One page of a thousand events would make every one-event edit re-read and re-render the whole
chronology, and its chart would be a thousand rows tall. Periods (not fixed-size chunks) keep page
boundaries stable: adding an event rewrites only the page of its own period.
"""

TIMELINE_INTRO = (
    "Events in date order. Each date shows its precision (day, month, season, range, approximate) and how it "
    "was established: stated in the source, derived from the article's own date, or taken from page metadata."
)


def timeline_periods(events: Sequence[Event]) -> list[tuple[str, str, list[Event]]]:
    """Group date-ordered events into ``(slug, title, events)`` periods, by each event's earliest date."""
    by_year: dict[int, list[Event]] = {}
    for event in events:
        by_year.setdefault(event.date.parsed.earliest.year, []).append(event)
    periods: list[tuple[str, str, list[Event]]] = []
    for year, year_events in by_year.items():
        if len(year_events) <= TIMELINE_PAGE_EVENTS:
            periods.append((f"{year:04d}", f"{year}", year_events))
            continue
        by_month: dict[int, list[Event]] = {}
        for event in year_events:
            by_month.setdefault(event.date.parsed.earliest.month, []).append(event)
        for month, month_events in by_month.items():
            periods.append((f"{year:04d}-{month:02d}", f"{calendar.month_name[month]} {year}", month_events))
    return periods


def _timeline_chart(page: Page, events: Sequence[Event], asset: str) -> None:
    svg = timeline_svg(events)
    if not svg:
        return
    page.assets[f"charts/{asset}.svg"] = svg
    drawn, older = chart_window(events)
    caption = "Events on a date axis: dots are exact days, bars are spans (month, season or range), hollow dashed marks are approximate or uncertain dates."
    if older:
        caption += f" {len(older)} earlier event{'s are' if len(older) > 1 else ' is'} listed in the table, not drawn: " + "; ".join(f"{e.date.parsed.display()}, {e.title}" for e in older) + "."
    page.add(f"```{{figure}} /charts/{asset}.svg", ":alt: Timeline chart of the events below", ":width: 100%", ":class: timeline-chart", "", escape(caption), "```", "")


def _timeline_events(ctx: BookContext, page: Page, events: Sequence[Event]) -> None:
    """The chronology table, then one headed entry per event, on ``page``."""
    rows = [
        [escape(e.date.parsed.display()), link(escape(e.title), f"#event-{e.id}"), escape(f"{e.date.parsed.precision}, {e.date.basis}")]
        for e in events
    ]
    page.add(*list_table(["Date", "Event", "Precision"], rows, widths=[3, 6, 2], classes=("chronology",)))
    for event in events:
        page.add(label(f"event-{event.id}"), f"## {escape(event.date.parsed.display())}: {escape(event.title)}", "")
        meta = [f"*Date:* {escape(dating_text(event.date))}"]
        if event.actors:
            meta.append("*Actors:* " + ", ".join(actor_link(ctx, page.docname, a) for a in event.actors))
        page.para(" · ".join(meta))
        page.para(claims_paragraph(page, event.claims))


def timeline_pages(ctx: BookContext) -> list[Page]:
    """The timeline: one page, or past ``TIMELINE_PAGE_EVENTS`` events a hub plus a page per period."""
    title = SECTION_TITLES["timeline"]
    page = Page(ctx, "timeline", title)
    events = sorted(ctx.briefing.timeline.events, key=lambda e: e.date.parsed.sort_key)
    page.para(TIMELINE_INTRO)
    if len(events) <= TIMELINE_PAGE_EVENTS:
        _timeline_chart(page, events, "timeline")
        _timeline_events(ctx, page, events)
        return [page]
    periods = timeline_periods(events)
    page.para(f"{len(events)} events in {len(periods)} periods, one page each; every page has its own chart and chronology.")
    rows = [
        [link(escape(name), relative_target("timeline", f"timeline/{slug}")), str(len(evs)), escape(evs[0].date.parsed.display()), escape(evs[-1].date.parsed.display())]
        for slug, name, evs in periods
    ]
    page.add(*list_table(["Period", "Events", "First", "Last"], rows, widths=[4, 2, 3, 3], classes=("chronology",)))
    page.add(*toctree([f"timeline/{slug}" for slug, _, _ in periods], hidden=True))
    pages = [page]
    for slug, name, period_events in periods:
        sub = Page(ctx, f"timeline/{slug}", name, short_title=f"{title}, {name}")
        _timeline_chart(sub, period_events, f"timeline-{slug}")
        _timeline_events(ctx, sub, period_events)
        pages.append(sub)
    return pages


def questions_page(ctx: BookContext) -> Page:
    page = Page(ctx, "questions", SECTION_TITLES["questions"])
    for i, q in enumerate(ctx.briefing.questions.questions, 1):
        page.add(label(f"question-{q.id}"), f"## {i}. {escape(q.question)}", "")
        page.para(f"**Why it matters.** {escape(q.why)}")
        page.para(f"**What the sources say.** {claims_paragraph(page, q.basis)}")
        page.add("**Indicators to watch.**", "")
        page.add(*(f"- {escape(ind)}" for ind in q.indicators), "")
    return page
