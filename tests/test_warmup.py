"""The build server's warm-up (build.warm_up) fills a process's caches and, when nothing changed,
runs Sphinx over the pages; it publishes nothing, and the next build publishes what a cold one does."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import HARBOUR, copy_project
from test_sphinxapp import _tree

from briefgen.building.book import build, warm_up
from briefgen.building.layout import Layout
from briefgen.compose import blocks
from briefgen.warm import stamp
from briefgen.warm.front import FrontCache

pytestmark = pytest.mark.build


def test_warm_up_runs_sphinx_when_nothing_changed_and_publishes_nothing(tmp_path: Path) -> None:
    root = copy_project(HARBOUR, tmp_path / "p")
    twin = copy_project(HARBOUR, tmp_path / "twin")
    build(root, ("html",))
    build(twin, ("html",))
    layout = Layout(root)
    published = _tree(layout.output("html"))
    search = layout.work / "html" / "searchindex.js"
    before = search.stat().st_mtime_ns
    cache = FrontCache()
    warm_up(root, ("html",), cache=cache)
    assert search.stat().st_mtime_ns > before, (
        "the warm-up ran the HTML builder (it dumps the search index)"
    )
    assert cache.sphinx.apps["html"].app.builder.indexer is not None
    assert _tree(layout.output("html")) == published, "the warm-up published"
    for project in (root, twin):
        path = project / "briefing" / "timeline.yaml"
        path.write_text(
            path.read_text().replace(
                "voted to close the north pier.", "voted to close the north pier at once."
            )
        )
    assert build(root, ("html",), cache=cache).sphinx["html"].read
    build(twin, ("html",))
    assert _tree(layout.output("html")) == _tree(Layout(twin).output("html"))


def test_pages_the_warm_up_removes_are_not_published_by_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_project(HARBOUR, tmp_path / "p")
    twin = copy_project(HARBOUR, tmp_path / "twin")
    monkeypatch.setattr(blocks, "PAGE_CLAIMS", 1)  # a timeline page per month
    build(root, ("html",))
    build(twin, ("html",))
    layout = Layout(root)
    assert (layout.output("html") / "timeline" / "2024-03.html").is_file()
    # one page again: the warm-up's compose removes the months
    monkeypatch.setattr(blocks, "PAGE_CLAIMS", 150)
    cache = FrontCache()
    warm_up(root, ("html",), cache=cache)
    for project in (root, twin):
        stamp.clear(project)
    build(root, ("html",), cache=cache)
    build(twin, ("html",))
    assert not (layout.output("html") / "timeline" / "2024-03.html").exists()
    assert _tree(layout.output("html")) == _tree(Layout(twin).output("html"))


def test_a_configuration_changed_before_the_warm_up_empties_the_output_before_any_application(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warm-up reads a configuration the last build did not build (an edit while the server
    started). Extensions may write into the output folder when an application is created
    (sphinx-design 0.7 its stylesheet): the folder is emptied before the warm-up's application
    is made, and the first build, which empties it again for the new configuration, does not
    reuse an application whose files are gone. Found by the oracle, under the lowest versions."""
    from briefgen.warm import sphinxapp

    root = copy_project(HARBOUR, tmp_path / "p")
    build(root, ("html",))
    layout = Layout(root)
    marker = layout.work / "html" / "written-at-start-up.txt"
    original = sphinxapp.create

    def create(*args, **kwargs):  # as sphinx-design 0.7 does in builder-inited
        kept = original(*args, **kwargs)
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text("an extension's file")
        return kept

    monkeypatch.setattr(sphinxapp, "create", create)
    (root / "conf").mkdir()
    (root / "conf" / "conf.py").write_text(
        'from briefgen.defaults.conf import *  # noqa: F403\nhtml_theme_options = {**html_theme_options, "show_toc_level": 1}  # noqa: F405\n'
    )
    cache = FrontCache()
    warm_up(root, ("html",), cache=cache)
    build(root, ("html",), cache=cache)
    assert (layout.output("html") / "written-at-start-up.txt").is_file(), (
        "an application outlived the emptying of its output"
    )
