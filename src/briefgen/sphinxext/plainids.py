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

from briefgen.sphinxext.spanids import pack, span_ids


class SpanIdCollector(EnvironmentCollector):
    """Moves a page's span targets from the standard domain's anonymous labels into the span-id store (``spanids``)."""

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        span_ids(env).pop(docname, None)

    def merge_other(
        self, app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment
    ) -> None:
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
    """Only with the resolver that reads the span-id store: upstream's finds span ids among the labels alone."""
    from briefgen.sphinxext import internals
    from briefgen.sphinxext.refs import IndexedMystReferenceResolver

    if IndexedMystReferenceResolver is not None and internals.on("indexed-references"):
        app.add_env_collector(SpanIdCollector)
