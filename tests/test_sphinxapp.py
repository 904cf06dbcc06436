"""A warm process builds with the Sphinx application of its last build, and only when it may.

What the reader gets must not depend on it: each case compares the published book with a cold
build of the same project. The inventory (objects.inv) is written only when its objects changed.
"""

from __future__ import annotations

import copy
import os
import shutil
import zlib
from pathlib import Path

import pytest
import yaml
from conftest import HARBOUR, copy_project

from briefgen.building.book import build
from briefgen.core.errors import BriefingError
from briefgen.warm.front import FrontCache

pytestmark = pytest.mark.build


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _cold_html(root: Path, tmp: Path) -> dict[str, bytes]:
    cold = tmp / f"cold-{len(list(tmp.iterdir()))}"
    shutil.copytree(root, cold, ignore=shutil.ignore_patterns("_build"))
    build(cold, ("html",))
    return _tree(cold / "_build" / "html")


def _edit_first_claim(root: Path, words: str) -> None:
    path = root / "briefing" / "timeline.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["events"][0]["claims"][0]["text"] += f" {words}"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _app(cache: FrontCache) -> object:
    return cache.sphinx.apps["html"].app


@pytest.fixture
def warm(tmp_path: Path) -> tuple[Path, FrontCache, Path]:
    root = copy_project(HARBOUR, tmp_path / "p")
    cache = FrontCache()
    build(root, ("html",), cache=cache)
    colds = tmp_path / "colds"
    colds.mkdir()
    return root, cache, colds


def test_edits_reuse_the_application_and_publish_what_a_cold_build_does(warm) -> None:
    root, cache, colds = warm
    first = _app(cache)
    for n in range(3):
        _edit_first_claim(root, f"Edit {n}.")
        build(root, ("html",), cache=cache)
        assert _app(cache) is first
        assert "Edit 0." in (root / "_build/html/timeline.html").read_text(encoding="utf-8")
    assert _tree(root / "_build/html") == _cold_html(root, colds)


def test_an_environment_written_by_another_build_means_a_new_application(warm) -> None:
    """A command-line build (another process) re-reads pages and writes the environment: the kept
    application's environment in memory no longer matches the pages Sphinx has on disk."""
    root, cache, colds = warm
    first = _app(cache)
    _edit_first_claim(root, "Edited from the command line.")
    build(root, ("html",))  # no cache: as `briefgen build` in another process
    _edit_first_claim(root, "Then in serve.")
    build(root, ("html",), cache=cache)
    assert _app(cache) is not first
    assert _tree(root / "_build/html") == _cold_html(root, colds)


def test_a_new_book_title_or_configuration_means_a_new_application(warm) -> None:
    """The title reaches Sphinx's configuration when the application starts (``_briefgen.json``),
    the configuration folder likewise: either change needs a new application."""
    root, cache, colds = warm
    first = _app(cache)
    book = root / "briefing" / "book.yaml"
    data = yaml.safe_load(book.read_text(encoding="utf-8"))
    data["title"] = "A Retitled Harbour Book"
    book.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    build(root, ("html",), cache=cache)
    second = _app(cache)
    assert second is not first
    assert "A Retitled Harbour Book" in (root / "_build/html/actors.html").read_text(
        encoding="utf-8"
    )
    assert _tree(root / "_build/html") == _cold_html(root, colds)
    conf = root / "conf"
    conf.mkdir()
    (conf / "conf.py").write_text(
        "from briefgen.defaults.conf import *\nhtml_theme_options = {**html_theme_options, 'show_toc_level': 1}\n",
        encoding="utf-8",
    )
    build(root, ("html",), cache=cache)
    assert _app(cache) is not second
    assert _tree(root / "_build/html") == _cold_html(root, colds)


def test_a_failed_sphinx_build_drops_the_application(warm) -> None:
    root, cache, colds = warm
    first = _app(cache)
    conf = root / "conf"
    conf.mkdir()
    (conf / "conf.py").write_text(
        "from briefgen.defaults.conf import *\nextensions = [*extensions, 'no_such_extension_anywhere']\n",
        encoding="utf-8",
    )
    with pytest.raises(BriefingError, match="no_such_extension_anywhere"):
        build(root, ("html",), cache=cache)
    assert "html" not in cache.sphinx.apps
    shutil.rmtree(conf)
    _edit_first_claim(root, "After the failure.")
    build(root, ("html",), cache=cache)
    assert _app(cache) is not first
    assert _tree(root / "_build/html") == _cold_html(root, colds)


def test_the_inventory_is_written_only_when_its_objects_change(warm) -> None:
    root, cache, colds = warm
    inventory = root / "_build/.work/html/objects.inv"
    before = os.stat(inventory)
    _edit_first_claim(root, "Words only, no new anchor.")
    build(root, ("html",), cache=cache)
    after = os.stat(inventory)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # not rewritten
    timeline = root / "briefing" / "timeline.yaml"
    data = yaml.safe_load(timeline.read_text(encoding="utf-8"))
    data["events"].append(
        {**copy.deepcopy(data["events"][0]), "id": "an-added-event", "title": "An added event"}
    )
    timeline.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    build(root, ("html",), cache=cache)
    assert os.stat(inventory).st_mtime_ns != before.st_mtime_ns  # a new anchor: written again
    published = _tree(root / "_build/html")
    assert b"an-added-event" in zlib.decompress(published["objects.inv"].split(b"\n", 4)[4])
    assert published == _cold_html(root, colds)


def test_briefgen_writes_the_inventory_sphinx_would(warm, tmp_path: Path) -> None:
    """``write_inventory`` is a faster ``InventoryFile.dump``: same bytes, on a book with labels,
    headings and two pages' worth of objects (passages, paragraphs and claims are plain ids, see
    test_span_ids_are_no_labels)."""
    from sphinx.util.inventory import InventoryFile

    from briefgen.sphinxext.inventory import write_inventory

    _root, cache, _ = warm
    app = _app(cache)
    ours, theirs = tmp_path / "ours.inv", tmp_path / "theirs.inv"
    write_inventory(ours, app.env, app.builder)
    InventoryFile.dump(theirs, app.env, app.builder)
    assert ours.read_bytes() == theirs.read_bytes()
    assert len(zlib.decompress(ours.read_bytes().split(b"\n", 4)[4]).splitlines()) > 20


def test_a_page_listing_a_re_read_page_is_written_again_only_when_the_navigation_changed(
    warm,
) -> None:
    """Sphinx writes every page whose toctree lists a re-read page, and the search page; toctrees
    show titles only, the search page the navigation, so with the same titles and toctrees neither
    can change."""
    root, cache, colds = warm
    _edit_first_claim(root, "Words only.")
    run = build(root, ("html",), cache=cache).sphinx["html"]
    assert run.read == ["timeline"]
    # not "index", whose toctree lists the timeline, nor the search page
    assert run.written == ["timeline"]
    assert _tree(root / "_build/html") == _cold_html(root, colds)
    (
        root / "_build/.work/html/search.html"
    ).unlink()  # not the page this application wrote: written again
    _edit_first_claim(root, "More words.")
    assert build(root, ("html",), cache=cache).sphinx["html"].written == ["timeline", "search"]
    assert _tree(root / "_build/html") == _cold_html(root, colds)
    source = root / "briefing" / "sources" / "gazette.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["title"] = "A retitled source"
    source.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    run = build(root, ("html",), cache=cache).sphinx["html"]
    assert {"index", "search"} <= set(run.written) and len(
        run.written
    ) > 10  # a page title changed: every page's navigation did
    assert _tree(root / "_build/html") == _cold_html(root, colds)


def test_the_search_index_is_carried_over_in_memory_while_its_file_is_the_one_written(
    warm, monkeypatch
) -> None:
    from sphinx.search import IndexBuilder

    root, cache, colds = warm
    loads = []
    original = IndexBuilder.load
    monkeypatch.setattr(
        IndexBuilder,
        "load",
        lambda self, stream, fmt: loads.append(1) or original(self, stream, fmt),
    )
    _edit_first_claim(root, "Indexed word zanzibarish.")
    build(root, ("html",), cache=cache)
    assert loads == []
    index = root / "_build/.work/html/searchindex.js"
    assert "zanzibarish" in index.read_text(encoding="utf-8")
    assert _tree(root / "_build/html") == _cold_html(root, colds)
    os.utime(index, ns=(1, 1))  # another file than the one written: read back as Sphinx does
    _edit_first_claim(root, "Another word.")
    build(root, ("html",), cache=cache)
    assert loads == [1]
    assert _tree(root / "_build/html") == _cold_html(root, colds)


def test_a_search_index_from_other_extension_versions_is_remade_whole(harbour: Path) -> None:
    """An index Sphinx cannot load (e.g. left by an older briefgen, whose PDF build then shared the
    doctrees) would leave the search incomplete and fail the build with Sphinx's warning: every
    page is written instead, and the index covers the whole book again."""
    import json

    from briefgen.building.book import build

    build(harbour, ("html",))
    index = harbour / "_build/.work/html/searchindex.js"
    text = index.read_text(encoding="utf-8")
    index.write_text(
        text.replace('"envversion":{', '"envversion":{"older.extension":1,', 1), encoding="utf-8"
    )
    path = harbour / "briefing/background.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "Engineers put the repairs", "Engineers estimated the repairs"
        ),
        encoding="utf-8",
    )
    report = build(harbour, ("html",))
    published = (harbour / "_build/html/searchindex.js").read_text(encoding="utf-8")
    frozen = json.loads(published[published.index("(") + 1 : published.rindex(")")])
    assert "older.extension" not in frozen["envversion"]
    assert set(report.sphinx["html"].written) >= set(frozen["docnames"])
