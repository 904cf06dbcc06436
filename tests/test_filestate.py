"""What a warm process keeps by file state is never given for a file that changed since.

Each test makes the state of the files old enough to be remembered (a short margin, then a wait
longer than it), lets a warm cache remember them, then changes a file in a way that keeps what a
careless key would look at (its size, its modification time, its name) and checks the change is
seen, with the same result or the same problems as a cold run.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import HARBOUR, copy_project

from briefgen.building.book import build
from briefgen.building.publish import publish
from briefgen.compose.book import compose_book
from briefgen.core import filestate, load
from briefgen.core.errors import BriefingError
from briefgen.core.filestate import FileStates
from briefgen.trust.prepare import prepare
from briefgen.warm.front import FrontCache

MARGIN_NS = 50_000_000
"""The margin the tests use: file times on the file systems tests run on are far finer than this."""


@pytest.fixture(autouse=True)
def short_margin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filestate, "RACY_MARGIN_NS", MARGIN_NS)


def settle() -> None:
    """Wait until every file written so far is older than the margin."""
    time.sleep(2 * MARGIN_NS / 1e9)


def same_size_edit(path: Path, old: bytes, new: bytes) -> None:
    """Change ``old`` to ``new`` (same length) in place, keeping the file's modification time."""
    data = path.read_bytes()
    assert len(old) == len(new) and old in data
    st = path.stat()
    path.write_bytes(data.replace(old, new, 1))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # what touch -r or cp -p leave behind


def replace_keeping_times(path: Path, data: bytes) -> None:
    """Replace the file by another one of the same size and modification time (as a sync tool would)."""
    st = path.stat()
    assert len(data) == st.st_size
    fresh = path.with_name(path.name + ".new")
    fresh.write_bytes(data)
    os.utime(fresh, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(fresh, path)


def problems(root: Path, cache: FrontCache | None) -> list[str]:
    try:
        prepare(root, cache)
    except BriefingError as exc:
        return [str(p) for p in exc.problems]
    return []


@pytest.fixture
def warm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, FrontCache, list[str]]:
    """A project whose files a warm cache remembers (checked: a second load reads no article)."""
    root = copy_project(HARBOUR, tmp_path / "p")
    settle()
    cache = FrontCache()
    prepare(root, cache)
    reads: list[str] = []
    real = load.read_text
    monkeypatch.setattr(
        load, "read_text", lambda path, *a, **k: reads.append(str(path)) or real(path, *a, **k)
    )
    prepare(root, cache)
    assert reads == [] and len(cache.known.articles) == 3 and len(cache.known.yaml) >= 5
    return root, cache, reads


def test_states_too_recent_are_not_remembered(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("one")
    states: FileStates[str] = FileStates()
    states.remember(str(path), os.stat(path), "one", filestate.now_ns())
    # written just now: a change in the same tick would keep its times
    assert states.get(str(path), os.stat(path)) is None
    settle()
    states.remember(str(path), os.stat(path), "one", filestate.now_ns())
    assert states.get(str(path), os.stat(path)) == "one"
    path.write_text("two")
    assert states.get(str(path), os.stat(path)) is None


def test_an_article_edited_in_place_with_the_same_size_and_time_is_read_again(
    warm: tuple[Path, FrontCache, list[str]],
) -> None:
    root, cache, reads = warm
    article = root / "articles/gazette.txt"
    same_size_edit(article, b"north pier", b"NORTH PIER")
    warm_problems = problems(root, cache)
    # that one alone was read again
    assert reads and all(path.endswith("gazette.txt") for path in reads)
    cold = problems(root, None)
    assert warm_problems == cold
    assert cold, "the edit breaks quotes: a stale text would hide it"


def test_an_edited_article_gives_its_new_text(warm: tuple[Path, FrontCache, list[str]]) -> None:
    root, cache, _ = warm
    article = root / "articles/gazette.txt"
    same_size_edit(article, b"Ines Varga", b"INES VARGA")  # in no quote
    assert prepare(root, cache).briefing.texts["gazette"] == article.read_text(encoding="utf-8")


def test_an_article_replaced_by_another_file_is_read_again(
    warm: tuple[Path, FrontCache, list[str]],
) -> None:
    root, cache, _ = warm
    article = root / "articles/herald.txt"
    text = article.read_text(encoding="utf-8")
    new = text.replace("e", "a", 1)  # same length in bytes (ASCII letters)
    replace_keeping_times(article, new.encode("utf-8"))
    assert problems(root, cache) == problems(root, None)
    if not problems(root, None):
        assert prepare(root, cache).briefing.texts["herald"] == new


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.unlink(), id="deleted"),
        pytest.param(lambda p: replace_keeping_times(p, b"\x00" * p.stat().st_size), id="binary"),
        pytest.param(lambda p: replace_keeping_times(p, b"\xff" * p.stat().st_size), id="not-utf8"),
        pytest.param(lambda p: replace_keeping_times(p, b" " * p.stat().st_size), id="blank"),
        pytest.param(lambda p: (p.unlink(), p.mkdir()), id="a-folder"),
        pytest.param(lambda p: (p.unlink(), p.symlink_to("/etc/hostname")), id="a-link-out"),
    ],
)
def test_a_remembered_article_that_goes_bad_gives_a_cold_builds_problems(
    warm: tuple[Path, FrontCache, list[str]], damage
) -> None:  # type: ignore[no-untyped-def]
    root, cache, _ = warm
    damage(root / "articles/gazette.txt")
    cold = problems(root, None)
    assert cold and problems(root, cache) == cold


def test_a_yaml_file_edited_with_the_same_size_and_time_is_loaded_again(
    warm: tuple[Path, FrontCache, list[str]],
) -> None:
    root, cache, _ = warm
    same_size_edit(
        root / "briefing/timeline.yaml", b"title: Public meetings", b"title: PUBLIC meetings"
    )
    warm_briefing = prepare(root, cache).briefing
    assert "PUBLIC meetings" in warm_briefing.timeline.model_dump_json()  # type: ignore[union-attr]


def test_a_composed_page_changed_by_hand_is_written_again(harbour: Path, tmp_path: Path) -> None:
    """compose_book remembers what each page holds: a page edited behind its back is rewritten."""
    cache = FrontCache()
    out = tmp_path / "src"
    p = prepare(harbour, cache)
    compose_book(p.briefing, p.anchors, out, cache=cache.compose)
    settle()
    p = prepare(harbour, cache)
    # checked by reading, remembered
    assert compose_book(p.briefing, p.anchors, out, cache=cache.compose).written == []
    page = out / "timeline.md"
    good = page.read_bytes()
    same_size_edit(page, good[:8], good[:8].upper() if good[:8].upper() != good[:8] else b"x" * 8)
    result = compose_book(p.briefing, p.anchors, out, cache=cache.compose)
    assert result.written == ["timeline"] and page.read_bytes() == good


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_publishing_into_the_spare_folder_gives_what_a_fresh_copy_gives(tmp_path: Path) -> None:
    """publish brings the folder before the last one up to date: every kind of change must come through."""
    staged, final, extra = tmp_path / "staged", tmp_path / "out" / "html", tmp_path / "edition.json"
    final.parent.mkdir()
    (staged / "sub" / "deep").mkdir(parents=True)
    (staged / "index.html").write_text("index v1")
    (staged / "sub" / "page.html").write_text("page v1")
    (staged / "sub" / "deep" / "x.css").write_text("css")
    (staged / "gone.html").write_text("soon removed")
    (staged / "becomes-dir").write_text("a file first")
    (staged / ".doctrees").mkdir()
    (staged / ".doctrees" / "env.pickle").write_text("never published")
    extra.write_text("edition v1")
    publish(staged, final, {"edition.json": extra})
    publish(staged, final, {"edition.json": extra})  # the first folder is now the spare
    (staged / "index.html").write_text("index v2")  # same size, new time
    (staged / "gone.html").unlink()
    (staged / "becomes-dir").unlink()
    (staged / "becomes-dir").mkdir()
    (staged / "becomes-dir" / "inner.html").write_text("inner")
    (staged / "sub" / "deep" / "x.css").unlink()
    (staged / "sub" / "deep").rmdir()
    (staged / "sub" / "deep").write_text("now a file")
    (staged / "new.html").write_text("new")
    extra.write_text("edition v2")
    publish(staged, final, {"edition.json": extra})
    expected = {k: v for k, v in _tree(staged).items() if not k.startswith(".doctrees")} | {
        "edition.json": b"edition v2"
    }
    assert _tree(final) == expected
    assert len(list(final.parent.glob(".html-*"))) == 2  # the book and the next spare, nothing more
    before = {name: (final / name).stat().st_ino for name in ("index.html", "sub/page.html")}
    publish(staged, final, {"edition.json": extra})
    assert _tree(final) == expected
    # unchanged: the same file, linked
    assert (final / "sub/page.html").stat().st_ino == before["sub/page.html"]
    # never a link to the staged file
    assert (staged / "sub/page.html").stat().st_ino != before["sub/page.html"]


@pytest.mark.build
def test_no_op_check_of_a_warm_process_sees_same_size_edits(
    harbour: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stamp's digests are remembered by file state: an edit that keeps size and time is still a change."""
    from briefgen.warm import stamp

    monkeypatch.setattr(stamp, "MTIME_MARGIN_NS", MARGIN_NS)
    settle()
    cache = FrontCache()
    assert not build(harbour, ("html",), cache=cache).up_to_date
    assert build(harbour, ("html",), cache=cache).up_to_date
    for path, old, new in (
        (harbour / "briefing/timeline.yaml", b"title: Public meetings", b"title: Public Meetings"),
        (harbour / "articles/gazette.txt", b"Ines Varga", b"INES VARGA"),
    ):
        settle()
        same_size_edit(path, old, new)
        assert not build(harbour, ("html",), cache=cache).up_to_date, (
            f"{path.name} edited: the build must run"
        )
        settle()
        assert build(harbour, ("html",), cache=cache).up_to_date


def test_an_edition_file_changed_by_hand_is_written_again(harbour: Path, tmp_path: Path) -> None:
    """write_edition_files remembers which pieces each file holds: a file edited behind its back is rewritten."""
    from briefgen.edition.records import (
        ANNOTATIONS_FILE,
        build_edition,
        write_edition_files,
    )

    cache = FrontCache()
    out = tmp_path / "edition"
    p = prepare(harbour, cache)
    write_edition_files(build_edition(p.briefing, p.anchors, cache.edition), out, cache.edition)
    settle()
    # checked by reading, remembered
    write_edition_files(build_edition(p.briefing, p.anchors, cache.edition), out, cache.edition)
    path = out / ANNOTATIONS_FILE
    good = path.read_bytes()
    same_size_edit(path, b"Annotation", b"ANNOTATION")
    write_edition_files(build_edition(p.briefing, p.anchors, cache.edition), out, cache.edition)
    assert path.read_bytes() == good
