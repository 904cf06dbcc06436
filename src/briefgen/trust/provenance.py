"""Where a cited passage's information comes from: the original report it rests on.

A claim's confidence depends on how many *independent* reports back it, not how many outlets
repeat them. The unit is therefore the cited passage, not the article: an article can carry its
own reporting in one paragraph and relay a newspaper's story in the next. The rule (also on the
book's method page, ``scales.CONFIDENCE_RULE``):

1. a paragraph listed in one of the source's ``relays[].passages`` rests on that relay's origin;
2. otherwise, a source that ``republishes`` another newsroom's report rests on that report;
3. otherwise the paragraph is the source's own reporting: its origin is the source itself.

Origins are ids: a relay or republication naming ``origin: herald`` and the source ``herald``
are the same origin, so citing both counts once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from briefgen.core.load import Briefing
from briefgen.core.model import Citation, Relay, Republication, Source
from briefgen.trust.anchor import AnchorIndex


@dataclass(frozen=True)
class Origin:
    """One original report: ``key`` is shared by everything relaying it, ``label`` names it."""

    key: str
    label: str


def origin_key(carrier: Relay | Republication) -> str:
    """The id of the report a relay or republication names: its ``origin``, else its outlet's name."""
    if carrier.origin:
        return carrier.origin
    return re.sub(r"[^0-9a-z]+", "-", carrier.outlet.casefold()).strip("-") or "unnamed"


def own_origin(source: Source) -> Origin:
    """The origin of a source's paragraphs that relay nothing: its own, or the report it republishes."""
    if source.republishes is not None:
        return Origin(origin_key(source.republishes), source.republishes.outlet)
    return Origin(source.id, source.outlet)


def cite_origin(b: Briefing, anchors: AnchorIndex, cite: Citation) -> Origin:
    """The origin of the passage a citation points to (rule in the module docstring)."""
    source = b.sources[cite.source].model
    st = anchors.texts.get(cite.source)
    if st is not None and st.relayed:
        try:
            paragraph = anchors.get(cite.source, cite.quote).paragraph
        except KeyError:  # a quote not found: reported by anchoring, counted as the source's own
            return own_origin(source)
        relay = st.relayed.get(paragraph)
        if relay is not None:
            return Origin(origin_key(relay), relay.outlet)
    return own_origin(source)


def origins(b: Briefing, anchors: AnchorIndex, cites: Iterable[Citation]) -> dict[str, Origin]:
    """The independent origins of a claim's citations, by key, in citing order."""
    found: dict[str, Origin] = {}
    for cite in cites:
        origin = cite_origin(b, anchors, cite)
        found.setdefault(origin.key, origin)
    return found


def sourcing_phrase(found: dict[str, Origin]) -> str:
    """'2 independent origins (NBC News, OAN)': what a confidence rests on."""
    n = len(found)
    names = sorted((o.label for o in found.values()), key=str.casefold)
    return f"{n} independent origin{'s' if n != 1 else ''} ({', '.join(names)})"
