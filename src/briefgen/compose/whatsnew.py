"""The "What's new" page: what changed since the previous edition, first after the summary.

Composed after every other page, so each added or reworded claim can link to where it now stands.
The same items, in the same order, as ``briefgen diff`` prints (``briefgen.edition.changes``).
"""

from __future__ import annotations

from briefgen.compose.markup import escape, link, span
from briefgen.compose.page import BookContext, Page, claim_key, relative_target
from briefgen.core.dates import parse_date
from briefgen.edition.changes import (
    SECTION_NAMES,
    Changes,
    Pair,
    grade,
    judgment_summary,
    posture_name,
    word_diff,
)
from briefgen.edition.records import EditionClaim

DOCNAME = "whats-new"
TITLE = "What's new"


def _where(ctx: BookContext, claim: EditionClaim) -> str:
    """' (Timeline; see it)': the section, and a link to the claim where the book now has it."""
    found = ctx.claim_anchors.get(claim_key(claim.text, [(c.source, c.quote) for c in claim.cite]))
    section = escape(SECTION_NAMES[claim.section])
    if found is None:
        return f" ({section})"
    return f" ({link(section, relative_target(DOCNAME, found[0], found[1]))})"


def _diff(pair: Pair) -> tuple[str, str]:
    """Markup of the new and the old wording, with inserted and deleted words marked."""
    now, was = [], []
    for op, words in word_diff(pair.old.text, pair.new.text):
        if op == "=":
            now.append(escape(words))
            was.append(escape(words))
        elif op == "+":
            now.append(span(escape(words), classes=("diff-ins",)))
        else:
            was.append(span(escape(words), classes=("diff-del",)))
    return " ".join(now), " ".join(was)


def _date(value: str) -> str:
    try:
        return parse_date(value).display()
    except Exception:  # an edition.json from elsewhere: show its date as written
        return value


def whats_new_page(ctx: BookContext, changes: Changes) -> Page:
    page = Page(ctx, DOCNAME, TITLE)
    page.para(
        f"Changes since the edition of {escape(_date(changes.since.as_of))} "
        f"(as of {escape(_date(ctx.briefing.book.model.as_of))} now). Added and reworded claims are also marked "
        f"{span('new', classes=('change-mark', 'change-new'))} or {span('changed', classes=('change-mark', 'change-changed'))} "
        "where they appear in the HTML book."
    )
    if changes.empty:
        page.para("Nothing has changed in the claims, sources, positions, timeline or questions.")
        return page

    def section(title: str, items: list[str]) -> None:
        """A heading with the number of items, then the list (an item's paragraphs are split by blank lines)."""
        if items:
            page.add(f"## {escape(title)} ({len(items)})", "")
            for item in items:
                first, *more = item.split("\n\n")
                page.add(f"- {first}", *(line for para in more for line in ("", f"  {para}")))
            page.add("")

    section("Claims added", [escape(c.text) + _where(ctx, c) for c in changes.added])
    section(
        "Claims removed",
        [f"{escape(c.text)} ({escape(SECTION_NAMES[c.section])})" for c in changes.removed],
    )
    reworded = []
    for p in changes.reworded:
        now, was = _diff(p)
        reworded.append(f"**Now:** {now}{_where(ctx, p.new)}\n\n**Was:** {was}")
    section("Claims reworded", reworded)
    judgments = []
    for p in changes.judgments:
        summary = judgment_summary(p).replace(" -> ", " → ")
        item = f"{escape(p.new.text)}{_where(ctx, p.new)}\n\n{span(escape(summary[0].upper() + summary[1:] + '.'), classes=('change-detail',))}"
        if " ".join(p.old.text.split()) != " ".join(p.new.text.split()):
            item += f"\n\n**Was:** {_diff(p)[1]}"
        judgments.append(item)
    section("Key judgments changed", judgments)
    section(
        "New sources",
        [
            f"{escape(s.outlet)}: {link(escape(s.title), relative_target(DOCNAME, f'sources/{s.id}'))} ({escape(grade(s))})"
            for s in changes.new_sources
        ],
    )
    section(
        "Dropped sources",
        [f"{escape(s.outlet)}: {escape(s.title)}" for s in changes.dropped_sources],
    )
    section(
        "Grades changed",
        [
            f"{escape(new.outlet)}: {escape(new.title)}: {escape(grade(old))} → {escape(grade(new))}"
            for old, new in changes.regraded
        ],
    )
    section(
        "Article texts changed",
        [
            f"{escape(new.outlet)}: {escape(new.title)} (the text differs from the one the previous edition quoted)"
            for old, new in changes.retexted
        ],
    )
    section(
        "Positions changed",
        [
            f"{escape(p.issue)}: {escape(p.party)}: {escape(posture_name(p.old))} → {escape(posture_name(p.new))}"
            for p in changes.postures
        ],
    )
    section(
        "New timeline events",
        [f"{escape(_date(e.date))}: {escape(e.title)}" for e in changes.new_events],
    )
    section(
        "Timeline events removed",
        [f"{escape(_date(e.date))}: {escape(e.title)}" for e in changes.dropped_events],
    )
    section("New questions", [escape(q.question) for q in changes.new_questions])
    section(
        "Questions answered or closed", [escape(q.question) for q in changes.answered_questions]
    )
    return page
