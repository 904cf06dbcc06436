"""Ids of a page's inline spans (passages, paragraphs, claims), kept per page in the environment.

The store ``plainids`` fills as pages are read and ``refs`` answers ``page.md#id`` links from:
page -> one string, a line per span (its id, or its name and id when they differ). One string
pickles in no time; 52,000 tuples (at 1000 sources) do not.
"""

from __future__ import annotations

from sphinx.environment import BuildEnvironment

STORE = "briefgen_span_ids"


def span_ids(env: BuildEnvironment) -> dict[str, str]:
    """Page -> its spans' targets, packed by ``pack``."""
    store = getattr(env, STORE, None)
    if store is None:
        store = {}
        setattr(env, STORE, store)
    return store


def pack(spans: dict[str, str]) -> str:
    """``{name: id}`` as lines: the id alone when the name is the id (ids hold no tab or newline)."""
    return "".join(
        f"{labelid}\n" if name == labelid else f"{name}\t{labelid}\n"
        for name, labelid in spans.items()
    )


def unpack(packed: str) -> dict[str, str]:
    spans = {}
    for line in packed.splitlines():
        name, _, labelid = line.partition("\t")
        spans[name] = labelid or name
    return spans


_unpacked: dict[
    str, tuple[str, dict[str, str]]
] = {}  # page -> (packed, unpacked): pages are looked up many times


def span_target(env: BuildEnvironment, docname: str, ref_id: str) -> tuple[str, str] | None:
    """What the standard domain's anonymous label would have answered: (id, no title), or None."""
    packed = span_ids(env).get(docname)
    if not packed:
        return None
    cached = _unpacked.get(docname)
    if cached is None or cached[0] is not packed:
        cached = _unpacked[docname] = (packed, unpack(packed))
    spans = cached[1]
    found = spans.get(ref_id)
    if found is not None:
        return found, ""
    return (ref_id, "") if ref_id in spans.values() else None
