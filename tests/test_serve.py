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
        proc = subprocess.Popen([sys.executable, "-m", "briefgen", "serve", "--project", str(harbour), "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/timeline.html"
    timeline = harbour / "briefing/timeline.yaml"
    try:
        assert _wait_for(lambda: _get(url) is not None), log.read_text()
        env_file = harbour / "_build/.work/doctrees/shared/environment.pickle"
        env_before = env_file.stat().st_mtime_ns
        timeline.write_text(timeline.read_text().replace("text: The Port Authority voted to close", "text: The Port Authority voted LIVE to close"))
        assert _wait_for(lambda: "voted LIVE" in (_get(url) or "")), log.read_text()
        # Sphinx's environment file is written after the reload (build.after_build), not left undone
        assert _wait_for(lambda: env_file.stat().st_mtime_ns > env_before), log.read_text()
        timeline.write_text(timeline.read_text().replace("We held two public meetings in March}", "We held nine public meetings in March}"))
        assert _wait_for(lambda: "quote has 'nine' where the source has 'two'" in log.read_text()), log.read_text()
        time.sleep(2)
        assert "voted LIVE" in (_get(url) or "")  # the last good book is still served
        assert "Traceback" not in log.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    # the server itself stopped: nothing is left listening on the port
    assert _get(url) is None
