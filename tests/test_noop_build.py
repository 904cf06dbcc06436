"""A no-op build is one: nothing changed since the last successful build means no Sphinx at all,
and any change of anything a build reads means a real rebuild."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, run_cli

from briefgen.building.book import build
from briefgen.building.layout import Layout
from briefgen.core.errors import BriefingError
from briefgen.warm import stamp

pytestmark = pytest.mark.build


def current(root: Path, formats: tuple[str, ...] = ("html",)) -> bool:
    layout = Layout(root)
    return stamp.is_current(layout.root, layout.conf, formats)


@pytest.fixture
def built(harbour: Path) -> Path:
    report = build(harbour, ("html",))
    assert not report.up_to_date and "html" in report.sphinx
    assert current(harbour)
    return harbour


def test_unchanged_project_does_not_start_sphinx(built: Path) -> None:
    page = built / "_build/html/timeline.html"
    before = page.stat().st_mtime_ns
    report = build(built, ("html",))
    assert report.up_to_date
    assert report.sphinx == {} and report.composed == []
    assert page.stat().st_mtime_ns == before


def test_cli_no_op_says_so_without_importing_sphinx(built: Path) -> None:
    script = (
        "import sys\n"
        "from briefgen.cli import main\n"
        f"try:\n    main(['build', '-p', {str(built)!r}])\n"
        "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "assert not any(m == 'sphinx' or m.startswith('sphinx.') for m in sys.modules), 'Sphinx was imported'\n"
        "assert 'briefgen.building.book' not in sys.modules and 'pydantic' not in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "nothing changed since the last build" in done.stderr
    assert "up to date" in done.stdout


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda root: _append(
                root / "briefing/timeline.yaml", "\n# a comment is a change too\n"
            ),
            id="briefing-yaml",
        ),
        pytest.param(
            lambda root: (root / "briefing/notes.txt").write_text("new file"),
            id="new-file-in-briefing",
        ),
        pytest.param(
            lambda root: _append(next((root / "articles").glob("*.txt")), "\n"), id="article-text"
        ),
        pytest.param(lambda root: _make_conf(root), id="project-conf"),
        pytest.param(
            lambda root: (
                shutil.rmtree(root / "_build/html", ignore_errors=True)
                or os.unlink(root / "_build/html")
            ),
            id="html-output-removed",
        ),
        pytest.param(
            lambda root: shutil.rmtree((root / "_build/html").resolve()),
            id="published-folder-removed",
        ),
        pytest.param(
            lambda root: (root / "_build/edition.json").write_text("{}"), id="new-output-beside"
        ),
    ],
)
def test_each_kind_of_input_change_means_a_rebuild(built: Path, change) -> None:
    change(built)
    assert not current(built)


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _make_conf(root: Path) -> None:
    shutil.copytree(REPO / "conf", root / "conf")


def test_changed_conf_folder_file_means_a_rebuild(harbour: Path) -> None:
    _make_conf(harbour)
    build(harbour, ("html",))
    assert current(harbour)
    (harbour / "conf/_static").mkdir(exist_ok=True)
    (harbour / "conf/_static/extra.css").write_text("body { color: black }")
    assert not current(harbour)


def test_options_environment_and_versions_are_inputs(
    built: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert not current(built, ("html", "pdf"))  # another target
    assert not stamp.is_current(built, REPO / "conf", ("html",))  # another configuration folder
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert not current(built)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert current(built)
    site = tmp_path / "site"
    # another version of a dependency installed
    (site / "sphinx-99.0.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(site))
    assert not current(built)


def test_briefgen_itself_is_an_input(
    built: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    package = tmp_path / "briefgen"
    shutil.copytree(stamp.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(stamp, "PACKAGE", package)
    assert current(built)  # the same files: the same package
    _append(
        package
        / "defaults"
        / "_static"
        / next(p.name for p in (package / "defaults/_static").iterdir() if p.is_file()),
        "\n",
    )
    assert not current(built)


def test_a_failed_build_is_never_taken_for_a_finished_one(built: Path) -> None:
    timeline = built / "briefing/timeline.yaml"
    good = timeline.read_text(encoding="utf-8")
    timeline.write_text(good.replace("quote:", "quote: not in the article", 1), encoding="utf-8")
    with pytest.raises(BriefingError):
        build(built, ("html",))
    assert not stamp.stamp_path(built).exists()
    # back to the last good input: rebuilt, then current
    timeline.write_text(good, encoding="utf-8")
    assert not build(built, ("html",)).up_to_date
    assert build(built, ("html",)).up_to_date


def test_edit_then_no_op_through_the_cli(built: Path) -> None:
    _append(built / "briefing/timeline.yaml", "\n# edited\n")
    result = run_cli("build", "-p", str(built))
    assert result.exit_code == 0 and "built html in" in result.output
    result = run_cli("build", "-p", str(built))
    assert result.exit_code == 0 and "up to date" in result.output


def test_a_previous_edition_is_an_input(built: Path) -> None:
    """An edition.json named by previous_edition is compared like an article; a git revision or
    a folder may change without a file here changing, so such a book is always rebuilt."""
    import yaml

    shutil.copy(built / "_build/html/edition.json", built / "previous.json")
    # saved a while ago (a file saved as a build starts gets no stamp: see the next test)
    old = time.time() - 10
    os.utime(built / "previous.json", (old, old))
    book = built / "briefing/book.yaml"
    data = yaml.safe_load(book.read_text(encoding="utf-8"))
    data["previous_edition"] = "previous.json"
    book.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    build(built, ("html",))
    assert current(built)
    _append(built / "previous.json", "\n")  # same edition, other bytes: doubt means a rebuild
    assert not current(built)
    data["previous_edition"] = "."  # this project folder, as it is when built
    book.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert not build(built, ("html",)).up_to_date
    assert not current(built)


def test_a_file_saved_while_building_is_never_recorded_as_built(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stamp describes the inputs as the build read them: a YAML file saved during the build
    makes the next build run, and an article saved just before or during it leaves no stamp."""
    timeline = built / "briefing/timeline.yaml"
    real_prepare = build.__globals__["prepare"]

    def prepare_then_save(*args, **kwargs):  # the analyst saves again while the build runs
        prepared = real_prepare(*args, **kwargs)
        _append(timeline, "\n# saved during the build\n")
        return prepared

    monkeypatch.setitem(build.__globals__, "prepare", prepare_then_save)
    _append(timeline, "\n# first save\n")
    assert not build(built, ("html",)).up_to_date
    monkeypatch.setitem(build.__globals__, "prepare", real_prepare)
    assert not current(built)  # the second save is not in the book yet
    assert not build(built, ("html",)).up_to_date
    assert current(built)
    article = next((built / "articles").glob("*.txt"))
    _append(article, "\n")  # saved an instant before the build: its state when read is in doubt
    assert not build(built, ("html",)).up_to_date
    assert not stamp.stamp_path(built).exists()
