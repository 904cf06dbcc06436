"""The indexed MyST link resolver answers exactly as upstream's scan does, and is installed."""

from __future__ import annotations

import random
from types import SimpleNamespace

from myst_parser.sphinx_ext.myst_refs import MystReferenceResolver

from briefgen.sphinxext.refs import (
    IndexedMystReferenceResolver,
    forget_label_index,
    label_index,
    setup_refs,
)


def test_index_gives_upstreams_answer_for_every_document_and_id() -> None:
    rng = random.Random(3)
    names, docs = [f"n{i}" for i in range(8)], ["a", "b/c", "d"]
    for _ in range(300):
        std = {
            "labels": {
                rng.choice(names): (rng.choice(docs), rng.choice(names), f"Title {i}")
                for i in range(6)
            },
            "anonlabels": {
                rng.choice(names): (rng.choice(docs), rng.choice(names)) for i in range(6)
            },
        }
        upstream = SimpleNamespace(env=SimpleNamespace(domaindata={"std": std}))
        index = label_index(std)
        for doc in docs:
            for ref in [*names, "missing"]:
                assert index.get((doc, ref)) == MystReferenceResolver._std_label_in_doc(
                    upstream, doc, ref
                )


def test_index_is_rebuilt_when_labels_change() -> None:
    std = {"labels": {}, "anonlabels": {"x": ("a", "x")}}
    assert label_index(std).get(("a", "y")) is None
    std["anonlabels"]["y"] = ("a", "y")
    assert label_index(std).get(("a", "y")) == ("y", "")
    # a new env
    assert label_index({"labels": {}, "anonlabels": {"z": ("a", "z")}}).get(("a", "y")) is None


def test_index_is_dropped_after_reading_when_a_kept_environment_changed_a_label_in_place() -> None:
    """A kept application re-reads a page into the same dictionaries: same sizes, other contents."""
    std = {"labels": {}, "anonlabels": {"x": ("a", "x")}}
    assert label_index(std).get(("a", "x")) == ("x", "")
    del std["anonlabels"]["x"]
    std["anonlabels"]["y"] = ("a", "y")
    forget_label_index()  # what env-updated does once Sphinx has read
    assert label_index(std).get(("a", "x")) is None
    assert label_index(std).get(("a", "y")) == ("y", "")


def test_setup_swaps_the_resolver_in_place() -> None:
    registry = SimpleNamespace(post_transforms=[object, MystReferenceResolver, str])
    connected = []
    setup_refs(
        SimpleNamespace(
            registry=registry, connect=lambda event, handler: connected.append((event, handler))
        )
    )
    assert registry.post_transforms == [object, IndexedMystReferenceResolver, str]
    assert connected == [("env-updated", forget_label_index)]
