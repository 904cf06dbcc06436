"""Ids of inline spans (passages, paragraphs, claims) as plain anchors, not cross-reference labels.

The composer marks every cited passage, article paragraph and claim with a span id
(``[…]{#q-src-3 .cited}``), and citations link to them as ``[…](../sources/src.md#q-src-3)``.
myst-parser registers each such id as an explicit target, so Sphinx's standard domain kept it as
an anonymous label: 52,000 at 1000 sources, about half of the pickled environment, listed in
``objects.inv`` (rewritten whenever any page title changes) and walked by the search index on
every build, although nothing refers to them by label. Links to them name their page, so only
that page's ids are needed to resolve one.

Right after a page is read, its spans' entries are taken out of the domain's anonymous labels
and kept per page here (``env.briefgen_span_ids``: page -> one string, a line per span: its id,
or its name and id when they differ; one string pickles in no time, 52,000 tuples do not); the
indexed MyST resolver (``refs.py``) answers a ``page.md#id`` link from them exactly as from the
labels (the id, no title). The HTML and the Typst PDF are unchanged: the spans keep their ids,
links their targets.
"""

from __future__ import annotations

from collections.abc import Set
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors import EnvironmentCollector

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
    return "".join(f"{labelid}\n" if name == labelid else f"{name}\t{labelid}\n" for name, labelid in spans.items())


def unpack(packed: str) -> dict[str, str]:
    spans = {}
    for line in packed.splitlines():
        name, _, labelid = line.partition("\t")
        spans[name] = labelid or name
    return spans


_unpacked: dict[str, tuple[str, dict[str, str]]] = {}  # page -> (packed, unpacked): pages are looked up many times


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


class SpanIdCollector(EnvironmentCollector):
    """Moves a page's span targets from the standard domain's anonymous labels into ``STORE``."""

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        span_ids(env).pop(docname, None)

    def merge_other(self, app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment) -> None:
        theirs = span_ids(other)
        ours = span_ids(env)
        for docname in docnames:
            if docname in theirs:
                ours[docname] = theirs[docname]

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        env = app.env
        docname = env.current_document.docname
        anonlabels: dict[str, Any] = env.domaindata["std"]["anonlabels"]
        labels: dict[str, Any] = env.domaindata["std"]["labels"]
        spans: dict[str, str] = {}
        for node in doctree.findall(nodes.inline):
            for name in node["names"]:
                labelid = doctree.nameids.get(name)
                if labelid is None or name in labels or anonlabels.get(name) != (docname, labelid):
                    continue
                del anonlabels[name]
                spans[name] = labelid
        if spans:
            span_ids(env)[docname] = pack(spans)


def setup_plainids(app: Sphinx) -> None:
    """Only with the resolver that reads ``STORE``: upstream's finds span ids among the labels alone."""
    from .. import internals
    from .refs import IndexedMystReferenceResolver

    if IndexedMystReferenceResolver is not None and internals.on("indexed-references"):
        app.add_env_collector(SpanIdCollector)
