"""A warm build remembers page titles' plain text by title node (briefgen.warm.titletext): the text is
Sphinx's, and a page whose title changes is listed under its new title, as a cold build lists it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sphinx.util.nodes
from conftest import HARBOUR, copy_project
from docutils import nodes

from briefgen.building.book import build
from briefgen.warm import titletext
from briefgen.warm.front import FrontCache


def _title() -> nodes.title:
    title = nodes.title("", "Pier ")
    title += nodes.image(alt="icon", uri="x.png")
    title += nodes.raw("", "<b>raw</b>", format="html")
    title += nodes.emphasis("", "closed")
    return title


def test_the_remembered_text_is_sphinx_s_and_is_worked_out_once_per_node() -> None:
    titletext.install()
    calls: list[object] = []
    original = sphinx.util.nodes.clean_astext
    counting = titletext._remembering(lambda node: calls.append(node) or original(node))
    first, second = _title(), _title()
    with titletext.remembered_titles():
        assert counting(first) == original(first) == "Pier closed"
        assert counting(first) == "Pier closed"
        assert counting(second) == "Pier closed"
    assert calls == [first, second]
    # outside a kept build: Sphinx's, every time
    assert counting(first) == "Pier closed" and len(calls) == 3


@pytest.mark.build
def test_a_retitled_page_is_listed_under_its_new_title(tmp_path: Path) -> None:
    root = copy_project(HARBOUR, tmp_path / "warm")
    cache = FrontCache()
    build(root, ("html",), cache=cache)
    path = root / "briefing" / "sources" / "gazette.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "title: Authority votes to close north pier",
            "title: Authority votes to shut the north pier",
        ),
        encoding="utf-8",
    )
    build(root, ("html",), cache=cache)
    cold = tmp_path / "cold"
    shutil.copytree(root, cold, ignore=shutil.ignore_patterns("_build"))
    build(cold, ("html",))
    for name in ("searchindex.js", "objects.inv"):
        warm_bytes, cold_bytes = ((r / "_build" / "html" / name).read_bytes() for r in (root, cold))
        assert warm_bytes == cold_bytes, name
    assert b"shut the north pier" in (root / "_build" / "html" / "searchindex.js").read_bytes()
