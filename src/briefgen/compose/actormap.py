"""The actor map: actors joined by the relations the YAML records, each marked with its party.

Written as Graphviz DOT for Sphinx's graphviz extension, which lays it out with ``dot`` (the
layout tool) as SVG for HTML and the PDF. DOT strings from YAML are escaped; node names and link
targets are validated ids only.

Made to be read at text size: a party is a tinted fill and a small second line in each node, not
a cluster box (boxes forced long edges across each other and across the boxes' titles, and
stacked labels could not be matched to their edges); labels wrap narrow, and the HTML shows it at
1 pt = 1 CSS px (see ``sphinxext.figures``), so no text is drawn below 12 px.

The map is drawn in parts, one per group of connected actors, each left to right or, when a long
chain would make it wider than a text column, top to bottom: one picture of every group side by
side was wider than any column (its right side hidden behind a scroll bar), and in print shrank
its labels below 6 pt.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape as xml_escape

from briefgen.compose.markup import clean
from briefgen.core.model import Actor, Actors, Relation

SHAPES = {"person": "ellipse", "organisation": "box", "unit": "hexagon", "group": "octagon"}
# light tints; black text on each >= 12:1
PARTY_FILLS = [
    "#e3eef9",
    "#fbeadf",
    "#e6f4e6",
    "#f3e8f7",
    "#fdf5d7",
]
NO_PARTY_FILL = "#f1f2f4"


@dataclass(frozen=True)
class MapPalette:
    """The map's colours: light (the PDF and the HTML light theme) or for the dark theme (a map
    shown as an SVG object cannot see the page's theme, so the page shows the copy for its theme)."""

    background: str
    text: str
    small: str  # the party's line in a node
    border: str
    edge: str
    edge_text: str
    fills: tuple[str, ...]
    no_party: str


LIGHT_MAP = MapPalette(
    "white",
    "#1b1f24",
    "#3d434a",
    "#1f5f8b",
    "#57606a",
    "#24292f",
    tuple(PARTY_FILLS),
    NO_PARTY_FILL,
)
# dark tints of the same hues; light text on each >= 9:1
DARK_MAP = MapPalette(
    "#14181e",
    "#e6ebf0",
    "#c3ccd6",
    "#6cb2ea",
    "#9aa5b1",
    "#e6ebf0",
    ("#1d3550", "#4a2d1c", "#1f3d26", "#3b2946", "#45391a"),
    "#2a2f36",
)
NODE_WRAP, EDGE_WRAP = 16, 16
# Rough widths in points of a wrapped node, of an edge label with the gap between ranks, and the
# width a part may take: a text column is at least 680 CSS px from 1024 px screens up.
NODE_PT, EDGE_PT, COLUMN_PT = 140, 132, 640


def _label_text(text: str) -> str:
    """Text for an HTML-like label: XML-escaped, and each backslash doubled, since Graphviz reads
    ``\\N``, ``\\G`` and the like in labels as the node's or the graph's name (a character reference
    does not stop it)."""
    return xml_escape(clean(text)).replace("\\", "\\\\")


def html_label(lines: list[str], small: str | None, small_colour: str = "#3d434a") -> str:
    """A DOT HTML-like label: ``lines`` of escaped text, then ``small`` (if any) in a smaller size."""
    body = "<BR/>".join(_label_text(line) for line in lines)
    if small:
        body += f'<BR/><FONT POINT-SIZE="12" COLOR="{small_colour}">{_label_text(small)}</FONT>'
    return f"<{body}>"


def dot_string(text: str, wrap: int = 0) -> str:
    """A quoted DOT string that shows ``text`` literally, optionally wrapped into centred lines."""
    lines = textwrap.wrap(clean(text), wrap) if wrap else [clean(text)]
    return '"' + "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines) + '"'


def map_parts(actors: Actors) -> list[list[Relation]]:
    """The relations in groups of connected actors, each group in the order of its first relation."""
    known = {a.id for a in actors.actors}
    drawn = [r for r in actors.relations if r.source in known and r.target in known]
    group_of: dict[str, int] = {}
    groups: list[set[str]] = []
    for rel in drawn:
        found = sorted({group_of[a] for a in (rel.source, rel.target) if a in group_of})
        if not found:
            groups.append(set())
            found = [len(groups) - 1]
        keep = found[0]
        for other in found[1:]:  # the relation joins two groups
            groups[keep] |= groups[other]
            groups[other] = set()
        groups[keep] |= {rel.source, rel.target}
        for actor in groups[keep]:
            group_of[actor] = keep
    order: list[int] = []
    for rel in drawn:
        if group_of[rel.source] not in order:
            order.append(group_of[rel.source])
    return [[r for r in drawn if group_of[r.source] == g] for g in order]


def _ranks(relations: list[Relation]) -> dict[str, int]:
    """Each actor's rank as ``dot`` places it: the length of the longest chain leading to it."""
    rank: dict[str, int] = {}
    nodes = [x for r in relations for x in (r.source, r.target)]
    for node in nodes:
        rank.setdefault(node, 0)
    for _ in range(len(rank)):  # relax; a cycle stops growing after len(rank) rounds
        changed = False
        for r in relations:
            if r.source != r.target and rank[r.target] < rank[r.source] + 1 <= len(rank):
                rank[r.target] = rank[r.source] + 1
                changed = True
        if not changed:
            break
    return rank


def direction(relations: list[Relation]) -> str:
    """``LR`` (reads as a sentence: actor, relation, actor) unless a long chain makes the part
    wider than a column; then ``TB`` when that is narrower (actors of one rank side by side)."""
    rank = _ranks(relations)
    chain = max(rank.values()) + 1
    widest = max(list(rank.values()).count(n) for n in set(rank.values()))
    across = chain * NODE_PT + (chain - 1) * EDGE_PT
    down = widest * NODE_PT + (widest - 1) * EDGE_PT // 2
    return "LR" if across <= COLUMN_PT or across <= down else "TB"


def actor_map_dots(
    actors: Actors,
    party_names: dict[str | None, str],
    href: Callable[[Actor], str],
    palette: MapPalette = LIGHT_MAP,
) -> list[str]:
    """DOT source of each part of the map (see ``map_parts``); ``href`` links a node to its entry."""
    return [
        _dot(actors, part, party_names, href, direction(part), palette)
        for part in map_parts(actors)
    ]


def _dot(
    actors: Actors,
    relations: list[Relation],
    party_names: dict[str | None, str],
    href: Callable[[Actor], str],
    rankdir: str,
    palette: MapPalette = LIGHT_MAP,
) -> str:
    linked = {r.source for r in relations} | {r.target for r in relations}
    by_id: dict[str, Actor] = {a.id: a for a in actors.actors}
    lines = [
        "digraph actors {",
        f'  graph [rankdir={rankdir}, fontname="FreeSans", fontsize=13, nodesep=0.2, ranksep=0.45, bgcolor="{palette.background}", pad=0.15];',
        f'  node [fontname="FreeSans", fontsize=13, style="filled", color="{palette.border}", fontcolor="{palette.text}", margin="0.08,0.04"];',
        f'  edge [fontname="FreeSans", fontsize=12, color="{palette.edge}", fontcolor="{palette.edge_text}", arrowsize=0.7];',
    ]
    fills = party_fills(party_names, palette)
    for party, name in party_names.items():
        for actor in (a for a in actors.actors if a.party == party and a.id in linked):
            target = href(actor)
            if not re.match(r"^[A-Za-z0-9_./-]+#actor-[a-z0-9-]+$", target):
                raise ValueError(f"unsafe link target: {target!r}")
            fill = fills.get(party, palette.no_party)
            node_label = html_label(
                textwrap.wrap(clean(actor.name), NODE_WRAP) or [""],
                name if party is not None else None,
                palette.small,
            )
            lines.append(
                f'  "{actor.id}" [label={node_label}, shape={SHAPES[actor.kind]}, fillcolor="{fill}", URL="{target}", target="_top", tooltip={dot_string(actor.role)}];'
            )
    for rel in relations:
        if rel.source in by_id and rel.target in by_id:
            # validated slugs
            lines.append(
                f'  "{rel.source}" -> "{rel.target}" [label={dot_string(rel.kind, EDGE_WRAP)}];'
            )
    lines.append("}")
    return "\n".join(lines) + "\n"


def party_fills(
    party_names: dict[str | None, str], palette: MapPalette = LIGHT_MAP
) -> dict[str | None, str]:
    """Each party's tint, in the order the parties are listed (the same on the map and the list)."""
    return {
        party: palette.fills[n % len(palette.fills)]
        for n, party in enumerate(p for p in party_names if p is not None)
    }
