"""A warm build asks Sphinx's "which pages are outdated" questions its own faster way
(briefgen.warm.outdated): the answers must be Sphinx's in every case its checks tell apart."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import HARBOUR, copy_project

from briefgen.building.book import build
from briefgen.building.layout import Layout
from briefgen.warm import outdated
from briefgen.warm.front import FrontCache

pytestmark = pytest.mark.build


def _answers(app: object) -> tuple[object, object]:
    """(environment's added/changed/removed, HTML builder's outdated pages): Sphinx's, then the stand-ins'."""
    env, builder = app.env, app.builder  # type: ignore[attr-defined]
    theirs = (env.get_outdated_files(False), set(builder.get_outdated_docs()))
    with outdated.quick_checks():
        ours = (env.get_outdated_files(False), set(builder.get_outdated_docs()))
    return theirs, ours


def _later(path: Path, seconds: int = 100) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + seconds * 10**9))


def test_the_stand_ins_answer_as_sphinx_does(tmp_path: Path) -> None:
    assert outdated.install(), "this Sphinx has no check the stand-ins were compared with"
    root = copy_project(HARBOUR, tmp_path / "p")
    cache = FrontCache()
    build(root, ("html",), cache=cache)
    app = cache.sphinx.apps["html"].app
    src, work = Layout(root).src, Layout(root).work
    env = app.env
    with_dependency = sorted(doc for doc, deps in env.dependencies.items() if deps)
    assert with_dependency, "the fixture has a page with a chart"
    plain = sorted(doc for doc in env.found_docs if doc not in env.dependencies)
    nothing = ((set(), set(), set()), set())
    assert _answers(app) == (nothing, nothing)

    cases = []
    _later(src / f"{plain[0]}.md")  # a page edited
    cases.append(_answers(app))
    _later(next(iter(env.dependencies[with_dependency[0]])))  # a chart redrawn
    cases.append(_answers(app))
    (work / "doctrees" / "shared" / f"{plain[1]}.doctree").unlink()  # a doctree gone
    cases.append(_answers(app))
    env.reread_always.add(plain[2])
    cases.append(_answers(app))
    (work / "html" / f"{plain[3]}.html").unlink()  # an output gone
    cases.append(_answers(app))
    (src / "extra.md").write_text("# Extra\n")  # a page added, another removed
    (src / f"{plain[4]}.md").unlink()
    env.find_files(app.config, app.builder)
    cases.append(_answers(app))
    for n, (theirs, ours) in enumerate(cases):
        assert ours == theirs, f"case {n}"
    (added, changed, removed), written = cases[-1][0]
    assert added == {"extra"} and removed == {plain[4]}
    assert changed == {plain[0], plain[1], plain[2], with_dependency[0]}
    assert {plain[0], plain[3]} <= written  # the builder compares each page with its output only
