"""MyST's link resolver with its label lookup indexed.

Every citation is a link ``[…](../sources/x.md#passage-id)``. To resolve such a link, myst-parser
(5.2) scans every label of the whole project (``MystReferenceResolver._std_label_in_doc``), so a
book's link resolution grows with links x labels: quadratic. At 1000 sources (40,000 links, as
many labels) it took about a third of the HTML build. This subclass answers the same question
from a dictionary built once per set of labels; the answer is the same (the first label, in the
order upstream scans them, whose document matches and whose id or name is the one asked for).
If a future myst-parser drops the method, the upstream resolver is left in place, unchanged.

Ids of inline spans (passages, paragraphs, claims) are not labels (``plainids.py``): they are
looked up, after the labels, in their page's own ids, as upstream would have found them among the
anonymous labels. The index is dropped whenever Sphinx has read pages (a kept application reuses
the same label dictionaries, whose sizes can stay equal when their contents change).
"""

from __future__ import annotations

from sphinx.application import Sphinx

from briefgen.sphinxext import internals
from briefgen.sphinxext.spanids import span_target

try:
    from myst_parser.sphinx_ext.myst_refs import MystReferenceResolver
except ImportError:  # pragma: no cover - myst-parser is a dependency
    MystReferenceResolver = None  # type: ignore[assignment,misc]  # None where MyST-Parser lacks it

_Index = dict[tuple[str, str], tuple[str, str]]
# The label stores the index was built from (held, so they cannot be freed and their ids reused),
# their sizes then, and the index. Labels only change while Sphinx reads; links are resolved after,
# and the index is dropped when reading is over (``env-updated``).
_cache: tuple[list[dict], list[int], _Index] | None = None


def forget_label_index(*args: object) -> None:
    global _cache
    _cache = None


def label_index(std: dict) -> _Index:
    """``(docname, id or name) -> (anchor id, title)`` for the std domain's labels, first wins."""
    global _cache
    stores = [std.get("labels", {}), std.get("anonlabels", {})]
    sizes = [len(store) for store in stores]
    if (
        _cache is not None
        and all(a is b for a, b in zip(_cache[0], stores, strict=True))
        and _cache[1] == sizes
    ):
        return _cache[2]
    index: _Index = {}
    for store in stores:
        for name, entry in store.items():
            docname, anchor = entry[0], entry[1]
            title = entry[2] if len(entry) > 2 else ""
            index.setdefault((docname, anchor), (anchor, title))
            index.setdefault((docname, name), (anchor, title))
    _cache = (stores, sizes, index)
    return index


if MystReferenceResolver is not None and hasattr(MystReferenceResolver, "_std_label_in_doc"):

    class IndexedMystReferenceResolver(MystReferenceResolver):
        def _std_label_in_doc(self, docname: str, ref_id: str) -> tuple[str, str] | None:
            found = label_index(self.env.domaindata.get("std", {})).get((docname, ref_id))
            return found if found is not None else span_target(self.env, docname, ref_id)

else:  # pragma: no cover
    IndexedMystReferenceResolver = None  # type: ignore[assignment,misc]  # None where MyST-Parser lacks it


def setup_refs(app: Sphinx) -> None:
    """Swap MyST's resolver for the indexed one (myst_parser must be loaded first)."""
    if IndexedMystReferenceResolver is None or not internals.on("indexed-references"):
        return
    app.connect("env-updated", forget_label_index)
    transforms = app.registry.post_transforms
    if MystReferenceResolver in transforms:
        transforms[transforms.index(MystReferenceResolver)] = IndexedMystReferenceResolver
