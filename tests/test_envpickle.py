"""A warm process writes Sphinx's environment file after the book is published (briefgen.warm.envpickle).

The file matters to the next process that opens the project: written late it must be current,
never written (a process killed first) it must still lead to the book a cold build makes, and a
build of another process in between must win.
"""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
from conftest import HARBOUR, copy_project
from test_sphinxapp import _cold_html, _edit_first_claim, _tree

from briefgen.building.book import after_build, build
from briefgen.building.layout import Layout, build_lock
from briefgen.core.filestate import file_state
from briefgen.warm import stamp
from briefgen.warm.front import FrontCache

pytestmark = pytest.mark.build


def _env_file(root: Path) -> Path:
    return root / "_build" / ".work" / "doctrees" / "shared" / "environment.pickle"


@pytest.fixture
def warm(tmp_path: Path) -> tuple[Path, FrontCache]:
    root = copy_project(HARBOUR, tmp_path / "p")
    cache = FrontCache()
    build(root, ("html",), cache=cache)
    assert _env_file(root).is_file(), (
        "a first build has no file to compare later ones with: it writes at once"
    )
    return root, cache


def test_a_warm_edit_leaves_the_file_to_after_build_which_writes_the_current_environment(
    warm,
) -> None:
    root, cache = warm
    before = file_state(_env_file(root))
    _edit_first_claim(root, "and then some")
    report = build(root, ("html",), cache=cache)
    assert report.sphinx["html"].read, "the edit re-read a page"
    assert file_state(_env_file(root)) == before, "written during the build"
    after_build(root, cache)
    assert file_state(_env_file(root)) != before
    assert not list(_env_file(root).parent.glob(".environment.pickle.*")), (
        "a temporary file left behind"
    )
    with _env_file(root).open("rb") as handle:
        env = pickle.load(handle)
    assert set(report.sphinx["html"].read) <= set(env.all_docs)
    # a new process starts from it: nothing to re-read (an environment one build behind would re-read the edited page)
    stamp.clear(root)
    cold = build(root, ("html",))
    assert cold.sphinx["html"].read == []
    # and the warm process goes on with its application: the file is the one it wrote
    app = cache.sphinx.apps["html"].app
    _edit_first_claim(root, "and more")
    build(root, ("html",), cache=cache)
    assert cache.sphinx.apps["html"].app is app


def test_a_process_gone_before_writing_leaves_a_file_that_still_builds_the_right_book(
    warm, tmp_path: Path
) -> None:
    root, cache = warm
    _edit_first_claim(root, "said on Monday")
    edited = build(root, ("html",), cache=cache).sphinx["html"].read
    del cache  # killed: after_build never ran
    _edit_first_claim(root, "and again on Tuesday")
    stamp.clear(root)
    report = build(root, ("html",))
    assert report.sphinx["html"].read == edited, (
        "exactly the pages read since the file was written are read again"
    )
    colds = tmp_path / "colds"
    colds.mkdir()
    assert _tree(root / "_build" / "html") == _cold_html(root, colds)


def test_after_build_leaves_the_file_to_a_build_holding_the_lock_and_writes_it_next_time(
    warm,
) -> None:
    root, cache = warm
    before = file_state(_env_file(root))
    _edit_first_claim(root, "later")
    build(root, ("html",), cache=cache)
    with build_lock(Layout(root)):
        after_build(root, cache)  # another build runs: it must neither wait nor write under it
        assert file_state(_env_file(root)) == before
    assert cache.sphinx.apps["html"].pending_env is not None
    after_build(root, cache)
    assert file_state(_env_file(root)) != before
    assert cache.sphinx.apps["html"].pending_env is None


def test_a_file_written_by_another_process_wins_over_the_pending_one(warm, tmp_path: Path) -> None:
    root, cache = warm
    _edit_first_claim(root, "first")
    build(root, ("html",), cache=cache)
    _edit_first_claim(root, "second")
    stamp.clear(root)
    build(root, ("html",))  # another process, between the warm build and its after_build
    theirs = file_state(_env_file(root))
    after_build(root, cache)
    assert file_state(_env_file(root)) == theirs, "the pending environment overwrote a newer one"
    app = cache.sphinx.apps["html"].app
    _edit_first_claim(root, "third")
    build(root, ("html",), cache=cache)
    assert cache.sphinx.apps["html"].app is not app, (
        "an application whose file another process replaced is not used again"
    )
    colds = tmp_path / "colds"
    colds.mkdir()
    assert _tree(root / "_build" / "html") == _cold_html(root, colds)


def test_a_removed_project_is_not_recreated_by_after_build(warm) -> None:
    root, cache = warm
    _edit_first_claim(root, "gone")
    build(root, ("html",), cache=cache)
    shutil.rmtree(root)
    after_build(root, cache)
    assert not root.exists()


def test_a_deferred_write_that_fails_keeps_the_older_file_and_the_process_going(
    warm, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefgen.warm import envpickle

    root, cache = warm
    before = file_state(_env_file(root))
    _edit_first_claim(root, "on a full disk")
    build(root, ("html",), cache=cache)

    def full_disk(path: Path, env: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(envpickle, "write", full_disk)
    after_build(root, cache)  # the book is published: nothing to report, nothing to retry
    assert file_state(_env_file(root)) == before
    assert cache.sphinx.apps["html"].pending_env is None
    monkeypatch.undo()
    _edit_first_claim(root, "and after")
    assert build(root, ("html",), cache=cache).sphinx["html"].read


def test_the_file_has_the_permissions_the_umask_gives(warm) -> None:
    import os
    import stat

    root, cache = warm
    _edit_first_claim(root, "shared")
    build(root, ("html",), cache=cache)
    old = os.umask(0o002)
    try:
        after_build(root, cache)
    finally:
        os.umask(old)
    assert stat.S_IMODE(_env_file(root).stat().st_mode) == 0o664
