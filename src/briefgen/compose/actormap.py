"""The actor map: actors joined by the relations the YAML records, each marked with its party.

Written as Graphviz DOT for Sphinx's graphviz extension, which lays it out with ``dot`` (the
layout tool) as SVG for HTML and the PDF. DOT strings from YAML are escaped; node names and link
targets are validated ids only.

Made to be read at text size: a party is a tinted fill and a small second line in each node, not
a cluster box (boxes forced long edges across each other and across the boxes' titles, and
stacked labels could not be matched to their edges); labels wrap narrow so the map stays about
a text column wide, and the HTML shows it at 1 pt = 1 CSS px (see ``sphinxext.figures``), so
no text is drawn below 12 px.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from xml.sax.saxutils import escape as xml_escape

from briefgen.compose.markup import clean
from briefgen.core.model import Actor, Actors

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
NODE_WRAP, EDGE_WRAP = 16, 16


def _label_text(text: str) -> str:
    """Text for an HTML-like label: XML-escaped, and each backslash doubled, since Graphviz reads
    ``\\N``, ``\\G`` and the like in labels as the node's or the graph's name (a character reference
    does not stop it)."""
    return xml_escape(clean(text)).replace("\\", "\\\\")


def html_label(lines: list[str], small: str | None) -> str:
    """A DOT HTML-like label: ``lines`` of escaped text, then ``small`` (if any) in a smaller size."""
    body = "<BR/>".join(_label_text(line) for line in lines)
    if small:
        body += f'<BR/><FONT POINT-SIZE="12" COLOR="#3d434a">{_label_text(small)}</FONT>'
    return f"<{body}>"


def dot_string(text: str, wrap: int = 0) -> str:
    """A quoted DOT string that shows ``text`` literally, optionally wrapped into centred lines."""
    lines = textwrap.wrap(clean(text), wrap) if wrap else [clean(text)]
    return '"' + "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines) + '"'


def actor_map_dot(
    actors: Actors, party_names: dict[str | None, str], href: Callable[[Actor], str]
) -> str | None:
    """DOT source of the map, or None when no relations are recorded; ``href`` links a node to its entry."""
    if not actors.relations:
        return None
    linked = {r.source for r in actors.relations} | {r.target for r in actors.relations}
    by_id: dict[str, Actor] = {a.id: a for a in actors.actors}
    lines = [
        "digraph actors {",
        '  graph [rankdir=LR, fontname="FreeSans", fontsize=13, nodesep=0.2, ranksep=0.45, bgcolor="white", pad=0.15];',
        '  node [fontname="FreeSans", fontsize=13, style="filled", color="#1f5f8b", margin="0.08,0.04"];',
        '  edge [fontname="FreeSans", fontsize=12, color="#57606a", fontcolor="#24292f", arrowsize=0.7];',
    ]
    fills: dict[str | None, str] = {
        party: PARTY_FILLS[n % len(PARTY_FILLS)]
        for n, party in enumerate(p for p in party_names if p is not None)
    }
    for party, name in party_names.items():
        for actor in (a for a in actors.actors if a.party == party and a.id in linked):
            target = href(actor)
            if not re.match(r"^[A-Za-z0-9_./-]+#actor-[a-z0-9-]+$", target):
                raise ValueError(f"unsafe link target: {target!r}")
            fill = fills.get(party, NO_PARTY_FILL)
            node_label = html_label(
                textwrap.wrap(clean(actor.name), NODE_WRAP) or [""],
                name if party is not None else None,
            )
            lines.append(
                f'  "{actor.id}" [label={node_label}, shape={SHAPES[actor.kind]}, fillcolor="{fill}", URL="{target}", target="_top", tooltip={dot_string(actor.role)}];'
            )
    for rel in actors.relations:
        if rel.source in by_id and rel.target in by_id:
            # validated slugs
            lines.append(
                f'  "{rel.source}" -> "{rel.target}" [label={dot_string(rel.kind, EDGE_WRAP)}];'
            )
    lines.append("}")
    return "\n".join(lines) + "\n"
