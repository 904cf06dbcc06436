"""The actor map: actors grouped by party, joined by the relations the YAML records.

Written as Graphviz DOT for Sphinx's graphviz extension, which lays it out with ``dot`` (the
layout tool) as SVG for HTML and PDF for the PDF. DOT strings from YAML are escaped; node names
and link targets are validated ids only.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable

from ..model import Actor, Actors
from .markup import clean

SHAPES = {"person": "ellipse", "organisation": "box", "unit": "hexagon", "group": "octagon"}


def dot_string(text: str, wrap: int = 0) -> str:
    """A quoted DOT string that shows ``text`` literally, optionally wrapped into centred lines."""
    lines = textwrap.wrap(clean(text), wrap) if wrap else [clean(text)]
    return '"' + "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines) + '"'


def actor_map_dot(actors: Actors, party_names: dict[str | None, str], href: Callable[[Actor], str]) -> str | None:
    """DOT source of the map, or None when no relations are recorded; ``href`` links a node to its entry."""
    if not actors.relations:
        return None
    linked = {r.source for r in actors.relations} | {r.target for r in actors.relations}
    by_id: dict[str, Actor] = {a.id: a for a in actors.actors}
    lines = [
        "digraph actors {",
        '  graph [rankdir=LR, fontname="FreeSans", fontsize=14, nodesep=0.18, ranksep=0.35, bgcolor="white", pad=0.2];',
        '  node [fontname="FreeSans", fontsize=13, style="filled", fillcolor="#eef3f8", color="#1f5f8b", margin="0.08,0.04"];',
        '  edge [fontname="FreeSans", fontsize=11, color="#57606a", fontcolor="#24292f", arrowsize=0.7];',
    ]
    for n, (party, name) in enumerate(party_names.items()):
        members = [a for a in actors.actors if a.party == party and a.id in linked]
        if not members:
            continue
        lines.append(f"  subgraph cluster_{n} {{")
        lines.append(f'    label={dot_string(name)}; style="rounded"; color="#8c959f"; fontcolor="#24292f";')
        for actor in members:
            target = href(actor)
            if not re.match(r"^[A-Za-z0-9_./-]+#actor-[a-z0-9-]+$", target):
                raise ValueError(f"unsafe link target: {target!r}")
            lines.append(f'    "{actor.id}" [label={dot_string(actor.name, 20)}, shape={SHAPES[actor.kind]}, URL="{target}", target="_top", tooltip={dot_string(actor.role)}];')
        lines.append("  }")
    for rel in actors.relations:
        if rel.source in by_id and rel.target in by_id:
            lines.append(f'  "{rel.source}" -> "{rel.target}" [label={dot_string(rel.kind, 24)}];')  # validated slugs
    lines.append("}")
    return "\n".join(lines) + "\n"
