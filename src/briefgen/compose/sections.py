"""The analysis pages: index, summary, background, positions, open questions.

Each function turns one part of the model into pages. Layout decisions that differ between
HTML and PDF are left to CSS and the LaTeX preamble, so the Markdown stays one plain document.
The actors and the timeline, which grow with the briefing, have modules of their own.
"""

from __future__ import annotations

from briefgen.compose import blocks
from briefgen.compose.actors import actor_link
from briefgen.compose.blocks import (
    SECTION_TITLES,
    claims_paragraph,
    fenced,
    list_table,
    toctree,
)
from briefgen.compose.markup import escape, label, link, span
from briefgen.compose.page import BookContext, Page, relative_target
from briefgen.compose.sources import source_text_entries
from briefgen.core.dates import parse_date
from briefgen.core.model import Citation, Position
from briefgen.trust.provenance import origins, sourcing_phrase


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
    teaser.add(
        "**Bottom line up front.** "
        + " ".join(escape(c.text) + teaser.marks(c.cite) for c in book.bluf),
        "",
    )
    teaser.para(
        link("Read the summary and key judgments", "summary.md")
        + ", or download the PDF edition from the button at the top of each page."
    )
    page.add(*fenced("only", teaser.render(with_title=False), "html"))
    whats_new = ["whats-new"] if ctx.changes is not None else []  # first after the summary
    # sources: the hub of the appendices
    sections = [
        "summary",
        *whats_new,
        *book.sections,
        *([] if "sources" in book.sections else ["sources"]),
    ]
    # the first caption also names the PDF contents
    page.add(*toctree(sections, caption="Contents"))
    # The PDF letters the pages of this toctree as appendices (Typst's "A" numbering goes on past Z: AA, AB...).
    page.add(*toctree(source_text_entries(ctx), caption="Source texts", name="appendices"))
    return page


def sourcing(ctx: BookContext, cites: list[Citation]) -> str:
    """'2 independent origins (NBC News, OAN)': what the confidence rests on, per the method page's rule."""
    return sourcing_phrase(origins(ctx.briefing, ctx.anchors, cites))


def summary_page(ctx: BookContext) -> Page:
    book = ctx.briefing.book.model
    page = Page(ctx, "summary", "Summary")
    page.add("## Bottom line up front", "")
    page.para(claims_paragraph(page, book.bluf))
    if book.key_judgments:
        page.add("## Key judgments", "")
        for i, j in enumerate(book.key_judgments, 1):
            page.add(
                f"{i}. {page.claim(j.text, j.cite)} *Confidence: {j.confidence}; {escape(sourcing(ctx, j.cite))}.*"
            )
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


def background_pages(ctx: BookContext) -> list[Page]:
    """The background: one page, or past ``PAGE_CLAIMS`` claims a hub plus a page per topic."""
    title = SECTION_TITLES["background"]
    topics = ctx.background.topics
    page = Page(ctx, "background", title)
    if sum(len(p) for t in topics for p in t.paragraphs) <= blocks.PAGE_CLAIMS or len(topics) < 2:
        for topic in topics:
            page.add(label(f"topic-{topic.id}"), f"## {escape(topic.title)}", "")
            for paragraph in topic.paragraphs:
                page.para(claims_paragraph(page, paragraph))
        return [page]
    page.para(f"{len(topics)} topics, one page each:")
    page.add(*toctree([f"background/{t.id}" for t in topics]))
    pages = [page]
    for topic in topics:
        sub = Page(
            ctx,
            f"background/{topic.id}",
            topic.title,
            short_title=f"{title}, {topic.title}",
            anchor=f"topic-{topic.id}",
        )
        for paragraph in topic.paragraphs:
            sub.para(claims_paragraph(sub, paragraph))
        pages.append(sub)
    return pages


POSTURES = ("supports", "opposes", "conditional", "mixed", "unclear")


def posture_badge(posture: str | None) -> str:
    """A labelled, colour-coded badge (the label carries the meaning; colour only repeats it)."""
    if posture is None:
        return ""
    return span(posture.capitalize(), classes=("posture", f"posture-{posture}")) + " "


def stance_text(pos: Position) -> str:
    """The stance, marked when the posture is the analyst's inference from actions, not words."""
    return escape(pos.stance) + (" *(inferred from actions)*" if pos.basis == "actions" else "")


def _matrix_cell(ctx: BookContext, issue: str, party: str) -> str:
    """A party's stance on an issue: its own, or, when it has none, those its actors hold (named,
    so a party that speaks only through its members is not shown as silent)."""
    held = [p for p in ctx.positions.positions if p.issue == issue and p.party == party]
    own = [p for p in held if p.actor is None] or held

    def stance(p: Position) -> str:
        who = f"{escape(ctx.actors_by_id[p.actor].name)}: " if p.actor else ""
        mark = ctx.item_mark("posture", (p.issue, p.party, p.actor))
        return mark + who + posture_badge(p.posture) + stance_text(p)

    return "; ".join(stance(p) for p in own) or "(no position reported)"


def positions_page(ctx: BookContext) -> Page:
    b = ctx.briefing
    page = Page(ctx, "positions", SECTION_TITLES["positions"])
    parties = b.book.model.parties
    positions = ctx.positions.positions
    issues = [i for i in b.book.model.issues if any(p.issue == i.id for p in positions)]
    page.para(
        "Each row is a contested issue, stated as a proposition; each column a party. The label before each stance "
        "says whether the party supports or opposes the proposition (also shown by colour). Follow an issue to see "
        "the cited detail, including differences inside a party."
    )
    rows = []
    for issue in issues:
        title = link(escape(issue.title), f"#issue-{issue.id}")
        cells = [
            title
            + (
                f" {span(escape(issue.proposition), classes=('proposition',))}"
                if issue.proposition
                else ""
            )
        ]
        for party in parties:
            cells.append(_matrix_cell(ctx, issue.id, party.id))
        rows.append(cells)
    page.add(
        *list_table(
            ["Issue", *(p.name for p in parties)],
            rows,
            widths=[2] + [3] * len(parties),
            classes=("positions-matrix", "phone-cards"),
        )
    )
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
                inferred = " *(inferred from actions)*" if pos.basis == "actions" else ""
                page.para(
                    f"{posture_badge(pos.posture)}**{escape(pos.stance)}**{inferred}{who}: {claims_paragraph(page, pos.claims)}"
                )
    return page


def questions_page(ctx: BookContext) -> Page:
    page = Page(ctx, "questions", SECTION_TITLES["questions"])
    for i, q in enumerate(ctx.questions.questions, 1):
        # numbered on screen; print numbers its sections itself ("6.8", not "6.8 8.")
        number = span(f"{i}.", classes=("screen-only",))
        page.add(label(f"question-{q.id}"), f"## {number} {escape(q.question)}", "")
        page.para(f"{ctx.item_mark('question', q.id)}**Why it matters.** {escape(q.why)}")
        page.para(f"**What the sources say.** {claims_paragraph(page, q.basis)}")
        page.add("**Indicators to watch.**", "")
        page.add(*(f"- {escape(ind)}" for ind in q.indicators), "")
    return page
