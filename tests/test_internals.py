"""The internals briefgen touches: named in one place, checked, and each shortcut switchable.

A name a shortcut relies on that is gone (a renamed private function, a newer Sphinx) turns that
shortcut off; the build then takes Sphinx's own way and publishes the same book, and ``-v`` says
which shortcut is off and why. An exception inside a warm shortcut makes the build start again
cold; an exception outside one is an internal error (exit 3), never a problem in the briefing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import HARBOUR, copy_project, run_cli
from oracle import ServeLoop, cold_book, finish

from briefgen.sphinxext import internals

pytestmark = pytest.mark.build


@pytest.fixture(autouse=True)
def fresh_checks():
    internals.reset()
    yield
    internals.reset()


def test_every_name_a_shortcut_touches_exists_under_the_installed_versions() -> None:
    assert internals.check() == {}
    assert internals.describe() == []


def _edit(root: Path, n: int) -> None:
    timeline = root / "briefing/timeline.yaml"
    timeline.write_text(
        timeline.read_text().replace("title: Public meetings", f"title: Public meetings {n}")
    )


def _warm_session_equals_cold(tmp_path: Path) -> None:
    """Three builds of a warm process (the first, then two edits), each compared with a cold build."""
    loop = ServeLoop(copy_project(HARBOUR, tmp_path / "warm"))
    for n in range(3):
        if n:
            _edit(loop.root, n)
        warm = loop.build()
        cold = finish(
            cold_book(loop.root, tmp_path / f"cold-{n}", ("html",)),
            tmp_path / f"cold-{n}",
            ("html",),
        )
        assert cold.ok and warm.ok, warm.problems
        assert warm.book == cold.book, f"build {n}: the warm book differs from the cold one"


def test_a_renamed_private_name_turns_its_shortcut_off_and_the_book_stays_right(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sphinx.environment

    monkeypatch.delattr(sphinx.environment, "_has_doc_changed")  # as if Sphinx renamed it
    assert not internals.on("outdated-checks")
    assert internals.on("kept-application")
    assert any(
        "'outdated-checks' is off (not found: sphinx.environment:_has_doc_changed)" in line
        for line in internals.describe()
    )
    _warm_session_equals_cold(tmp_path)


def test_a_missing_instance_name_stops_applications_being_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An attribute Sphinx sets in ``__init__`` and a reuse resets, gone: every build makes a new application."""
    from briefgen.warm import sphinxapp

    monkeypatch.setitem(
        internals.INSTANCE_NAMES,
        "kept-application",
        (*internals.INSTANCE_NAMES["kept-application"], "_renamed_away"),
    )
    created = []
    original = sphinxapp.create
    monkeypatch.setattr(sphinxapp, "create", lambda *a, **k: created.append(1) or original(*a, **k))
    _warm_session_equals_cold(tmp_path)
    assert len(created) == 3


def test_an_untested_version_turns_every_shortcut_off_and_verbose_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the installed Sphinx is newer
    monkeypatch.setitem(internals.TESTED, "sphinx", ("9.0", "9.0.0"))
    assert "kept-application" in internals.check() and "outdated-checks" in internals.check()
    assert "indexed-references" not in internals.check()  # a MyST shortcut: MyST is in its range
    root = copy_project(HARBOUR, tmp_path / "p")
    result = run_cli("build", "-p", str(root), "--no-server", "-v")
    assert result.exit_code == 0, result.output
    assert "warm shortcut 'kept-application' is off (sphinx 9.0." in result.output
    assert "outside the versions tested" in result.output
    _warm_session_equals_cold(tmp_path)


def test_an_exception_inside_a_warm_shortcut_rebuilds_cold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefgen.warm import titletext

    class Failing(dict):
        def get(self, *args):
            raise RuntimeError("a shortcut met what it does not model")

    loop = ServeLoop(copy_project(HARBOUR, tmp_path / "warm"))
    assert loop.build().ok
    # asked only inside a reused application's build
    monkeypatch.setattr(titletext, "_texts", Failing())
    _edit(loop.root, 1)
    warm = loop.build()  # the reused application's build fails inside the shortcut, then runs cold
    cold = finish(cold_book(loop.root, tmp_path / "cold", ("html",)), tmp_path / "cold", ("html",))
    assert warm.ok, warm.problems
    assert warm.book == cold.book


def test_an_exception_outside_the_briefing_is_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sphinx.builders.html as html

    def crash(*args, **kwargs):
        raise RuntimeError("boom inside briefgen's extension")

    root = copy_project(HARBOUR, tmp_path / "p")
    # a bug while a page is written
    monkeypatch.setattr(html.StandaloneHTMLBuilder, "write_doc", crash)
    result = run_cli("build", "-p", str(root), "--no-server")
    assert result.exit_code == 3, result.output
    assert (
        "internal error: RuntimeError: boom inside briefgen's extension (this is a bug in briefgen"
        in result.output
    )
    assert "problem" not in result.output
    from click.testing import CliRunner

    from briefgen.cli import main

    with pytest.raises(RuntimeError, match="boom"):  # --debug: the traceback
        CliRunner().invoke(
            main, ["--debug", "build", "-p", str(root), "--no-server"], catch_exceptions=False
        )
