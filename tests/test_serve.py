"""briefgen serve, for real: it serves, rebuilds on save, and survives a broken edit."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.build


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(predicate, timeout: float = 90.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def test_serve_rebuilds_on_save_and_keeps_the_last_good_book(harbour: Path, tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "briefgen",
                "serve",
                "--project",
                str(harbour),
                "--port",
                str(port),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/timeline.html"
    timeline = harbour / "briefing/timeline.yaml"
    try:
        assert _wait_for(lambda: _get(url) is not None), log.read_text()
        env_file = harbour / "_build/.work/doctrees/shared/environment.pickle"
        env_before = env_file.stat().st_mtime_ns
        timeline.write_text(
            timeline.read_text().replace(
                "text: The Port Authority voted to close",
                "text: The Port Authority voted LIVE to close",
            )
        )
        assert _wait_for(lambda: "voted LIVE" in (_get(url) or "")), log.read_text()
        # Sphinx's environment file is written after the reload (build.after_build), not left undone
        assert _wait_for(lambda: env_file.stat().st_mtime_ns > env_before), log.read_text()
        timeline.write_text(
            timeline.read_text().replace(
                "We held two public meetings in March}", "We held nine public meetings in March}"
            )
        )
        assert _wait_for(
            lambda: "quote has 'nine' where the source has 'two'" in log.read_text()
        ), log.read_text()
        time.sleep(2)
        assert "voted LIVE" in (_get(url) or "")  # the last good book is still served
        assert "Traceback" not in log.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    # the server itself stopped: nothing is left listening on the port
    assert _get(url) is None


def _settled(log: Path, quiet_s: float = 2.0) -> bool:
    """Every rebuild serve started has ended, and nothing new started for ``quiet_s`` seconds."""
    text = log.read_text()
    started = text.count(": rebuilding")
    ended = sum(
        text.count(end)
        for end in ("the browser reloads", "serving the last good book", "nothing changed since")
    )
    if started != ended:
        return False
    time.sleep(quiet_s)
    return log.read_text() == text


def _rename_the_example_source(root: Path) -> None:
    """The issue-25 repro: the example article and its source take another id, as a new user does."""
    (root / "seeds/other.txt").write_bytes((root / "seeds/example-report.txt").read_bytes())
    source = (root / "briefing/sources/example-report.yaml").read_text()
    (root / "briefing/sources/other.yaml").write_text(source.replace("example-report", "other"))
    for path in sorted((root / "briefing").glob("*.yaml")):
        path.write_text(path.read_text().replace("example-report", "other"))
    (root / "briefing/sources/example-report.yaml").unlink()
    (root / "seeds/example-report.txt").unlink()


def _name_a_previous_edition(root: Path) -> None:
    (root / "previous").mkdir()
    (root / "previous/edition.json").write_bytes((root / "_build/html/edition.json").read_bytes())
    book = root / "briefing/book.yaml"
    book.write_text(book.read_text() + "\nprevious_edition: previous/edition.json\n")


@pytest.mark.parametrize("edit", [_rename_the_example_source, _name_a_previous_edition])
def test_serve_publishes_the_cold_book_after_edits_that_change_the_pages(
    edit, tmp_path: Path
) -> None:
    """Issue 25: a source renamed (pages removed and added), or a previous edition named (a page
    added, every sidebar changed), under a running serve; then a later `briefgen build`."""
    from oracle import cold_book, finish, published

    root = tmp_path / "x"
    subprocess.run(
        [sys.executable, "-m", "briefgen", "init", str(root)], check=True, capture_output=True
    )
    port = _free_port()
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "briefgen",
                "serve",
                "--project",
                str(root),
                "--port",
                str(port),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        assert _wait_for(lambda: _get(f"http://127.0.0.1:{port}/") is not None), log.read_text()
        edit(root)
        assert _wait_for(lambda: _settled(log)), log.read_text()
        cold = finish(cold_book(root, tmp_path / "cold", ("html",)), tmp_path / "cold", ("html",))
        assert cold.ok
        assert published(root, ("html",)) == cold.book, log.read_text()
        assert "problem" not in log.read_text().split("serving x on")[-1], log.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    later = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "--no-server", "-p", str(root)],
        capture_output=True,
        text=True,
    )
    assert later.returncode == 0, later.stderr
    assert published(root, ("html",)) == cold.book
