"""A warm build hands Sphinx the composed pages instead of its walking the source folder
(briefgen.warm.knownpages): the pages, and where each is, must be the ones Sphinx finds itself."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import HARBOUR, REPO, copy_project
from sphinx.project import Project

from briefgen.building.book import build
from briefgen.building.layout import Layout
from briefgen.compose.book import compose_book
from briefgen.compose.cache import ComposeCache
from briefgen.trust.prepare import prepare
from briefgen.warm import knownpages, stamp
from briefgen.warm.front import FrontCache

sys.path.insert(0, str(REPO / "benchmarks"))
from synth import generate

EXCLUDE = ["_build", "Thumbs.db", ".DS_Store", "_static/**"]


def _found(
    srcdir: Path, pages: list[str] | None
) -> tuple[set[str], dict[Path, str], dict[str, Path], list[str]]:
    project = Project(srcdir, [".rst", ".md"])  # as Sphinx with myst-parser has them
    if pages is None:
        project.discover(EXCLUDE)
    else:
        with knownpages.known_pages(pages):
            project.discover(EXCLUDE)
    with knownpages.known_pages(pages or []):
        paths = [
            str(project.doc2path(doc, absolute))
            for doc in sorted(project.docnames)
            for absolute in (True, False)
        ]
    return (
        set(project.docnames),
        dict(project._path_to_docname),
        dict(project._docname_to_path),
        paths,
    )


@pytest.mark.parametrize("which", ["harbour", "shipped", "synthetic"])
def test_the_composed_pages_are_the_pages_sphinx_finds(which: str, tmp_path: Path) -> None:
    root = {
        "harbour": lambda: copy_project(HARBOUR, tmp_path / "p"),
        "shipped": lambda: REPO,
        "synthetic": lambda: generate(tmp_path / "s", 40),
    }[which]()
    prepared = prepare(root)
    srcdir = tmp_path / "src"
    result = compose_book(prepared.briefing, prepared.anchors, srcdir)
    # files that are not pages stay out of both
    (srcdir / "charts" / "notes.md.txt").write_text("not a page")
    assert _found(srcdir, None) == _found(srcdir, list(result.pages))
    assert len(result.pages) > 5


def test_exclude_patterns_apply_to_the_handed_pages(tmp_path: Path) -> None:
    srcdir = tmp_path / "src"
    (srcdir / "drafts").mkdir(parents=True)
    for name in ("index", "drafts/one", "two"):
        (srcdir / f"{name}.md").write_text("# x\n")
    project = Project(srcdir, [".rst", ".md"])
    for pattern in ("drafts/**", "drafts"):  # a file pattern, and a folder Sphinx skips whole
        assert project.discover([pattern]) == {"index", "two"}
        with knownpages.known_pages(["index", "drafts/one", "two"]):
            assert project.discover([pattern]) == {"index", "two"}


@pytest.mark.build
def test_pages_that_come_and_go_leave_a_warm_build_as_a_cold_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A timeline that grows past a page gets a page per period, and loses them when it shrinks.
    Pages coming or going change the navigation, so that build starts a new application (the
    warm shortcuts step aside, ``KeptApps.take``); the next edit reuses it with the handed list.
    Each published book is compared with a twin built without a warm process through the same
    history."""
    from test_sphinxapp import _tree

    from briefgen.compose import blocks

    root = copy_project(HARBOUR, tmp_path / "p")
    twin = copy_project(HARBOUR, tmp_path / "twin")
    layout = Layout(root)
    cache = FrontCache()
    build(root, ("html",), cache=cache)
    build(twin, ("html",))
    calls: list[str] = []
    import sphinx.project

    walk = sphinx.project.get_matching_files
    monkeypatch.setattr(
        sphinx.project,
        "get_matching_files",
        lambda folder, *args: (
            calls.append("twin" if str(twin) in str(folder) else "warm") or walk(folder, *args)
        ),
    )
    for page_claims, periods in ((1, True), (150, False)):
        monkeypatch.setattr(blocks, "PAGE_CLAIMS", page_claims)
        for project in (root, twin):
            stamp.clear(project)  # no input changed: only the page structure did,
        # which the compose cache cannot know (its keys are the inputs)
        cache.compose = ComposeCache()
        before = cache.sphinx.apps["html"].app
        build(root, ("html",), cache=cache)
        build(twin, ("html",))
        app = cache.sphinx.apps["html"].app
        assert app is not before, "other pages: a new application"
        on_disk = {
            p.relative_to(layout.src).with_suffix("").as_posix() for p in layout.src.rglob("*.md")
        }
        assert app.env.found_docs == on_disk
        assert ("timeline/2024-03" in on_disk) is periods
        assert (layout.output("html") / "timeline" / "2024-03.html").is_file() is periods
        assert _tree(layout.output("html")) == _tree(Layout(twin).output("html"))
        calls.clear()
        for project in (root, twin):  # the same pages again: the kept application, told the pages
            timeline = project / "briefing/timeline.yaml"
            timeline.write_text(
                timeline.read_text().replace(
                    "title: Public meetings", f"title: Public meetings {page_claims}"
                )
            )
        build(root, ("html",), cache=cache)
        build(twin, ("html",))
        assert cache.sphinx.apps["html"].app is app
        assert calls == ["twin"], "the warm build walked the source folder"
        assert _tree(layout.output("html")) == _tree(Layout(twin).output("html"))


def test_a_repeated_question_gets_the_last_answer_and_a_new_one_a_new_answer(
    tmp_path: Path,
) -> None:
    """The last discovery is remembered by its pages and patterns: asking again with other pages or
    patterns must not get the remembered answer."""
    srcdir = tmp_path / "src"
    srcdir.mkdir()
    for name in ("index", "one", "two"):
        (srcdir / f"{name}.md").write_text("# x\n")
    project = Project(srcdir, [".rst", ".md"])
    with knownpages.known_pages(["index", "one", "two"]):
        assert project.discover([]) == {"index", "one", "two"}
        assert project.discover(["two.md"]) == {"index", "one"}
        assert project.discover([]) == {"index", "one", "two"}
        assert project.doc2path("two") == srcdir / "two.md"
    with knownpages.known_pages(["index", "one"]):
        assert project.discover([]) == {"index", "one"}
        assert "two" not in project._docname_to_path
