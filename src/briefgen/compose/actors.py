"""The actors: a map of who relates to whom, then each actor's role and cited statements by party.

Past ``PAGE_CLAIMS`` statements the section becomes a hub (map and relations) with one page per
party, so a book of hundreds of actors is not one page that every edit re-renders.
"""

from __future__ import annotations

from collections.abc import Sequence

from briefgen.compose import blocks
from briefgen.compose.actormap import (
    DARK_MAP,
    PARTY_FILLS,
    actor_map_dots,
    map_parts,
    party_fills,
)
from briefgen.compose.blocks import SECTION_TITLES, toctree
from briefgen.compose.markup import escape, label, link, span
from briefgen.compose.page import BookContext, Page, relative_target
from briefgen.core.model import Actor

NO_PARTY_DOC = "actors/no-party"  # party pages are actors/party-<id>, so this name cannot collide


def _party_names(ctx: BookContext) -> dict[str | None, str]:
    names: dict[str | None, str] = {p.id: p.name for p in ctx.briefing.book.model.parties}
    names[None] = "Other actors"
    return names


def _paged(ctx: BookContext) -> bool:
    return ctx.once(
        "actors_paged",
        lambda: sum(len(a.statements) for a in ctx.actors.actors) > blocks.PAGE_CLAIMS,
    )


def actor_doc(ctx: BookContext, actor: Actor) -> str:
    """The page that holds ``actor``'s entry."""
    if not _paged(ctx):
        return "actors"
    return f"actors/party-{actor.party}" if actor.party else NO_PARTY_DOC


def actor_link(ctx: BookContext, from_doc: str, actor_id: str) -> str:
    actor = ctx.actors_by_id[actor_id]
    if "actors" not in ctx.briefing.book.model.sections:
        return escape(actor.name)  # no actors page to link to
    return link(
        escape(actor.name), relative_target(from_doc, actor_doc(ctx, actor), f"actor-{actor_id}")
    )


def _entries(page: Page, actors: Sequence[Actor], level: str) -> None:
    for actor in actors:
        page.add(label(f"actor-{actor.id}"), f"{level} {escape(actor.name)}", "")
        page.para(f"{span(actor.kind, classes=('actor-kind',))}{escape(actor.role)}")
        for st in actor.statements:
            when = []
            if st.date:
                when.append(st.date.parsed.display())
            if st.venue:
                when.append(st.venue)
            prefix = f"**{escape(', '.join(when))}:** " if when else ""
            if st.date and st.date.note:  # how the date was established: the reader's to weigh
                prefix = f"**{escape(', '.join(when))}** ({escape(st.date.note)}): "
            page.add(f"- {prefix}{page.claim(st.text, st.cite)}")
        page.add("")


def _map(ctx: BookContext, page: Page, names: dict[str | None, str]) -> None:
    def href(actor: Actor) -> str:  # relative to the page showing the map (graphviz keeps it so)
        return relative_target(page.docname, actor_doc(ctx, actor), f"actor-{actor.id}").replace(
            ".md#", ".html#"
        )

    dots = actor_map_dots(ctx.actors, names, href)
    if not dots:
        return
    parts = map_parts(ctx.actors)
    # not 'actor-…': that namespace is the actors' own
    page.add(label("map-of-actors"), "## Actor map", "")
    page.para(
        "Actors joined by the relations the sources report, in groups of connected actors; each actor's party is "
        "named under its name and tinted (shape: ellipse person, box organisation, hexagon unit, octagon group). "
        "Each relation is cited in the list below the map."
    )
    page.add(*_map_parts(dots, "light"))
    # the dark theme's copy (HTML only): the page shows the one for its theme
    dark = actor_map_dots(ctx.actors, names, href, DARK_MAP)
    page.add(*blocks.fenced("only", "\n".join(_map_parts(dark, "dark")), "html"))
    page.add(":::", "")
    page.add("Relations shown on the map, group by group:", "")
    tints: dict[str | None, int] = {
        party: n % len(PARTY_FILLS)
        for n, party in enumerate(p for p in party_fills(names) if p is not None)
    }
    for part in parts:
        page.add(":::{container} actor-relations", "")
        for rel in part:
            ends = [ctx.actors_by_id[rel.source], ctx.actors_by_id[rel.target]]
            text = f"{ends[0].name} → {rel.kind} → {ends[1].name}"
            chips = [_chip(actor, tints) for actor in ends]
            shown = (
                f"{chips[0]} → {span(escape(rel.kind), classes=('relation-kind',))} → {chips[1]}"
            )
            page.add(f"- {page.claim(text, rel.cite, shown=shown)}")
        page.add("", ":::", "")


def _map_parts(dots: list[str], theme: str) -> list[str]:
    """The map's parts side by side, in one theme's colours."""
    lines = [f":::{{container}} actor-map-parts map-{theme}", ""]
    for n, dot in enumerate(dots, start=1):
        # no YAML text in a directive option (a '#' there is a comment): the names are in the
        # list of relations under the map, which the alternative text points to
        group = f", group {n} of {len(dots)}" if len(dots) > 1 else ""
        alt = f"Map of actors{group}; its actors and relations are listed below the map"
        lines += [
            "````{graphviz}",
            f":alt: {alt}",
            ":class: actor-map",
            "",
            dot.rstrip("\n"),
            "````",
            "",
        ]
    return [*lines, ":::", ""]


def _chip(actor: Actor, tints: dict[str | None, int]) -> str:
    """An actor's name tinted as its party is on the map (``tint-none`` for no party)."""
    tint = tints.get(actor.party)
    return span(
        escape(actor.name),
        classes=("actor-chip", f"tint-{tint}" if tint is not None else "tint-none"),
    )


def actors_pages(ctx: BookContext) -> list[Page]:
    """The actors section: one page, or a hub plus a page per party when there are many actors."""
    page = Page(ctx, "actors", SECTION_TITLES["actors"])
    names = _party_names(ctx)
    groups = [
        (name, [a for a in ctx.actors.actors if a.party == party]) for party, name in names.items()
    ]
    groups = [g for g in groups if g[1]]
    if not _paged(ctx):
        _map(ctx, page, names)
        for name, members in groups:
            page.add(f"## {escape(name)}", "")
            _entries(page, members, "###")
        return [page]
    pages = [page]
    for name, members in groups:
        sub = Page(
            ctx, actor_doc(ctx, members[0]), name, short_title=f"{SECTION_TITLES['actors']}, {name}"
        )
        _entries(sub, members, "##")
        pages.append(sub)
    # The toctree comes before the map: in the PDF the party pages become sections of this chapter
    # where the toctree stands, and after the map heading they would nest under it.
    page.para(f"{len(ctx.actors.actors)} actors, on one page per party:")
    page.add(*toctree([p.docname for p in pages[1:]]))
    _map(ctx, page, names)
    return pages
