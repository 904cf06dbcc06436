"""A project folder from a stranger is data: building it deletes nothing outside it, runs no code,
publishes no secret, never hangs; and every OS fault is one clean line.

Each case is set up as an analyst would receive it (links, FIFOs, a crafted pickle) and run
through the command line in this process, with a time cap against hangs. Exit 1 for a problem of
the project or the machine, 3 only for a bug in briefgen.
"""

from __future__ import annotations

import errno
import os
import pickle
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import HARBOUR, copy_project, run_cli

from briefgen.core.ownfolder import MARK

CAP_S = 60  # a hang fails the test rather than the suite


def cli(
    *args: str, cwd: Path | None = None, timeout: float = CAP_S
) -> subprocess.CompletedProcess[str]:
    """``briefgen ARGS`` in a new process, with a time cap."""
    env = {**os.environ, "BRIEFGEN_BUILD_SERVER": "0"}
    return subprocess.run(
        [sys.executable, "-m", "briefgen", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=env,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(HARBOUR, tmp_path / "p")


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """Files outside the project that nothing may touch."""
    folder = tmp_path / "victim"
    (folder / "deep").mkdir(parents=True)
    for name in ("notes.md", "deep/plan.md", ".html-123/index.html", "keep.txt"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(f"the victim's {name}\n")
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# -- _build is briefgen's ---------------------------------------------------------------------


@pytest.mark.build
def test_a_link_inside_a_strangers_build_folder_deletes_nothing_outside(
    project: Path, victim: Path
) -> None:
    before = _files(victim)
    (project / "_build").mkdir()
    (project / "_build/src").symlink_to(
        victim, target_is_directory=True
    )  # the stale-page clean-up would follow it
    (project / "_build/.work").mkdir()
    (project / "_build/.work/html").symlink_to(victim, target_is_directory=True)
    done = cli("build", "-p", str(project))
    assert done.returncode == 0, done.stderr
    assert _files(victim) == before
    assert (
        not (project / "_build/src").is_symlink() and (project / "_build/html/index.html").is_file()
    )


def test_a_build_folder_that_is_a_link_is_refused_in_one_line(project: Path, victim: Path) -> None:
    before = _files(victim)
    (project / "_build").symlink_to(victim, target_is_directory=True)
    done = cli("build", "-p", str(project))
    assert done.returncode == 1, done.stderr
    assert "_build is a symbolic link" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert _files(victim) == before


@pytest.mark.build
def test_a_crafted_environment_pickle_is_never_loaded(project: Path, tmp_path: Path) -> None:
    """A project with no conf/ runs no code: Sphinx's pickled environment and doctrees in a
    _build briefgen did not mark are never read."""
    proof = tmp_path / "code-ran"

    class Payload:
        def __reduce__(self):  # what unpickling would run
            return (os.system, (f"touch {proof}",))

    shared = project / "_build/.work/doctrees/shared"
    shared.mkdir(parents=True)
    for name in ("environment.pickle", "index.doctree"):
        (shared / name).write_bytes(pickle.dumps(Payload()))
    (shared / "jinja").mkdir()
    done = cli("build", "-p", str(project))
    assert done.returncode == 0, done.stderr
    assert not proof.exists()
    assert (project / "_build" / MARK).is_file()


@pytest.mark.build
def test_our_own_build_folder_is_kept_between_builds(project: Path) -> None:
    assert cli("build", "-p", str(project)).returncode == 0
    env = project / "_build/.work/doctrees/shared/environment.pickle"
    first = env.stat().st_mtime_ns
    done = cli("build", "-p", str(project))
    assert "nothing changed" in done.stderr  # marked as ours: the no-op check trusts it
    assert env.stat().st_mtime_ns == first


def test_a_missing_project_folder_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-project"
    done = cli("build", "-p", str(missing))
    assert done.returncode in (1, 2) and "Traceback" not in done.stderr
    assert not missing.exists()


# -- project files are regular files -----------------------------------------------------------


def test_a_source_file_linked_to_dev_zero_is_one_line_not_a_hang(project: Path) -> None:
    (project / "briefing/sources/z.yaml").symlink_to("/dev/zero")
    done = cli("check", "-p", str(project))
    assert done.returncode == 1
    assert "briefing/sources/z.yaml:1:1: (document): not a file: a character device" in done.stderr


def test_a_fifo_among_the_sources_is_one_line_not_a_hang(project: Path) -> None:
    os.mkfifo(project / "briefing/sources/f.yaml")
    done = cli("check", "-p", str(project))
    assert done.returncode == 1
    assert "briefing/sources/f.yaml:1:1: (document): not a file: a FIFO (named pipe)" in done.stderr


@pytest.mark.build
def test_a_fifo_elsewhere_in_the_briefing_folder_does_not_hang_a_build(project: Path) -> None:
    os.mkfifo(project / "briefing/notes.fifo")  # not a briefing file, but hashed by the no-op check
    done = cli("build", "-p", str(project))
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "too-large"])
def test_new_source_refuses_what_check_would_refuse(
    project: Path, tmp_path: Path, kind: str
) -> None:
    article = tmp_path / "article.txt"
    if kind == "dev-zero":
        article.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(article)
    else:
        article.write_text("Headline\n\n" + "A sentence of the article. " * 280_000)  # 7.5 MB
    done = cli("new-source", str(article), "-p", str(project), "--id", "big")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert (
        not (project / "seeds/big.txt").exists()
        and not (project / "briefing/sources/big.yaml").exists()
    )
    expected = {
        "dev-zero": "not a file: a character device",
        "fifo": "not a file: a FIFO",
        "too-large": "over the",
    }[kind]
    assert expected in done.stderr


def test_new_source_writes_a_file_name_into_the_stub_as_data(project: Path, tmp_path: Path) -> None:
    article = tmp_path / 'x\nurl: "evil.example"\n#.txt'
    article.write_text("A headline\n\nThe article's only paragraph says something.\n")
    done = cli("new-source", str(article), "-p", str(project), "--id", "named")
    assert done.returncode == 0, done.stderr
    import yaml

    data = yaml.safe_load((project / "briefing/sources/named.yaml").read_text())
    assert "url" not in data
    assert "\\x0a" in (project / "briefing/sources/named.yaml").read_text().splitlines()[1]


# -- bounded work on hostile sizes ----------------------------------------------------------------


def test_a_huge_edition_file_is_refused_before_it_is_read(project: Path, tmp_path: Path) -> None:
    big = tmp_path / "edition.json"
    with open(big, "wb") as handle:  # 320 MB, sparse: nothing to read if it is refused by size
        handle.truncate(320 * 1024 * 1024)
    done = cli("diff", str(big), "-p", str(project))
    assert done.returncode == 1, done.stderr
    assert "larger than the 200,000,000-byte limit" in done.stderr


def test_a_long_quote_absent_from_a_long_article_is_reported_in_bounded_time(project: Path) -> None:
    """Was quadratic: a 19,900-character quote against a 4.9 MB article took 333 s (the
    benchmark measures it: benchmarks/hostile.py)."""
    import random

    rng = random.Random(1)
    words = [
        "pier",
        "harbour",
        "council",
        "vote",
        "repairs",
        "guild",
        "quay",
        "lorries",
        "tonnes",
        "channel",
        "meeting",
    ]
    article = project / "articles/herald.txt"
    article.write_text(
        article.read_text()
        + "\n\n"
        + "\n\n".join(" ".join(rng.choice(words) for _ in range(80)) for _ in range(8000))
        + "\n"
    )
    quote = " ".join(rng.choice(words) for _ in range(2600))[:19_900]
    background = project / "briefing/background.yaml"
    background.write_text(
        background.read_text().replace('"will take about eight months"', f'"{quote}"')
    )
    done = cli("check", "-p", str(project))
    assert done.returncode == 1 and "closest passage is" in done.stderr


# -- every output channel escapes for its reader --------------------------------------------------


def test_terminal_escapes_and_bidi_marks_in_yaml_reach_the_terminal_as_text(project: Path) -> None:
    timeline = project / "briefing/timeline.yaml"
    timeline.write_text(
        timeline.read_text().replace(
            "quote: We held two public meetings in March}",
            'quote: "We held \\e[2J\\e]0;pwned\\a two\\u202e meetings"}',
        )
    )
    done = cli("check", "-p", str(project))
    assert done.returncode == 1
    assert "\x1b" not in done.stderr and "\u202e" not in done.stderr and "\x07" not in done.stderr
    assert "\\x1b[2J" in done.stderr and "\\u202e" in done.stderr


def test_review_sheet_cells_are_never_formulas_and_carry_no_bidi_marks(project: Path) -> None:
    background = project / "briefing/background.yaml"
    background.write_text(
        background.read_text().replace(
            "Engineers put the repairs at about eight months.",
            '"=HYPERLINK(\\"http://evil.example\\",\\"x\\") \\u202eEngineers put the repairs at about eight months."',
        )
    )
    result = run_cli("review", "-p", str(project))
    assert result.exit_code == 0, result.output
    import csv

    rows = list(csv.reader((project / "_build/review/review.csv").open(encoding="utf-8")))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    assert "\u202e" not in "".join(cells)
    assert "\u202e" not in (project / "_build/review/review.html").read_text(encoding="utf-8")


@pytest.mark.build
def test_an_actor_name_with_graphviz_escapes_is_shown_literally(project: Path) -> None:
    actors = project / "briefing/actors.yaml"
    actors.write_text(
        actors.read_text().replace("name: Ines Varga", 'name: "Ines \\\\N \\\\G Varga"')
    )
    assert cli("build", "-p", str(project)).returncode == 0
    svg = "".join(p.read_text() for p in (project / "_build/html/_images").glob("graphviz-*.svg"))
    assert (
        "Ines \\N \\G Varga" in svg
    )  # not "Ines varga actors Varga": the node's and the graph's names


# -- OS faults are user errors with a line -------------------------------------------------------


@pytest.mark.build
def test_a_full_disk_while_publishing_publishes_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``build all`` stages the PDF and the HTML before showing either: a full disk while the
    HTML is staged leaves the old PDF and the old HTML, and says so in one line."""
    assert run_cli("build", "all", "-p", str(project), "--no-server").exit_code == 0
    pdf_before = _files((project / "_build/pdf").resolve())
    html_before = _files((project / "_build/html").resolve())
    timeline = project / "briefing/timeline.yaml"
    timeline.write_text(
        timeline.read_text().replace("title: Public meetings", "title: Public meetings held")
    )
    from briefgen.building import publish

    real_stage = publish.stage

    def full_disk(staged: Path, final: Path, extra: dict | None = None):
        if final.name == "html":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(final))
        return real_stage(staged, final, extra)

    monkeypatch.setattr("briefgen.building.book.stage", full_disk)
    result = run_cli("build", "all", "-p", str(project), "--no-server")
    assert result.exit_code == 1, result.output
    assert "No space left on device" in result.output and "free some disk space" in result.output
    assert "internal error" not in result.output
    assert _files((project / "_build/pdf").resolve()) == pdf_before
    assert _files((project / "_build/html").resolve()) == html_before


def test_a_read_only_folder_is_a_user_error(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefgen.core import ownfolder

    def read_only(build: Path) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(build))

    monkeypatch.setattr(ownfolder, "claim", read_only)
    monkeypatch.setattr("briefgen.building.layout.claim", read_only)
    result = run_cli("build", "-p", str(project), "--no-server")
    assert result.exit_code == 1, result.output
    assert "Read-only file system" in result.output and "writable copy" in result.output


def test_a_port_out_of_range_is_a_usage_line(project: Path) -> None:
    done = cli("serve", "-p", str(project), "--port", "99999")
    assert done.returncode == 2 and "99999 is not in the range 0<=x<=65535" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_previous_edition_that_looks_like_an_option_never_reaches_git(
    project: Path, tmp_path: Path
) -> None:
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    book = project / "briefing/book.yaml"
    book.write_text(book.read_text() + 'previous_edition: "--path-format=absolute"\n')
    done = cli("check", "-p", str(project))
    assert "Traceback" not in done.stderr
    done = cli("build", "-p", str(project))
    assert done.returncode == 1
    assert "briefing/book.yaml" in done.stderr and "is not a git revision" in done.stderr


def test_a_revision_holding_an_absolute_link_is_a_clean_error(project: Path) -> None:
    git = ["git", "-C", str(project), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    (project / "briefing/book.yaml").rename(project / "book.real")
    (project / "briefing/book.yaml").symlink_to("/etc/hostname")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "a tagged tree with an absolute link"], check=True)
    subprocess.run([*git, "tag", "v1"], check=True)
    (project / "briefing/book.yaml").unlink()
    (project / "book.real").rename(project / "briefing/book.yaml")
    done = cli("diff", "v1", "-p", str(project))
    assert done.returncode == 1, done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    assert "will not extract" in done.stderr or "not found" in done.stderr


@pytest.mark.build
def test_serve_refuses_a_link_to_a_folder_in_what_it_watches(project: Path) -> None:
    (project / "briefing/rootlink").symlink_to("/", target_is_directory=True)
    done = cli("serve", "-p", str(project), "--port", "0", timeout=120)
    assert done.returncode == 1
    assert "rootlink is a link to a folder" in done.stderr


@pytest.mark.build
def test_serve_answers_only_local_names_and_its_own_pages(project: Path) -> None:
    import http.client
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "serve", "-p", str(project), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "BRIEFGEN_BUILD_SERVER": "0"},
    )
    try:
        deadline = time.monotonic() + CAP_S

        def get(host: str) -> int:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/", headers={"Host": host})
            return conn.getresponse().status

        while time.monotonic() < deadline:
            try:
                if get(f"127.0.0.1:{port}") == 200:
                    break
            except OSError:
                time.sleep(0.3)
        assert get(f"localhost:{port}") == 200
        assert (
            get(f"evil.example:{port}") == 400
        )  # DNS rebinding: another site's name for 127.0.0.1

        def websocket(origin: str) -> bytes:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
                conn.sendall(
                    (
                        f"GET /websocket-reload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        f"Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
                    ).encode()
                )
                return conn.recv(200)

        assert websocket(f"http://127.0.0.1:{port}").startswith(b"HTTP/1.1 101")
        assert not websocket("http://evil.example").startswith(b"HTTP/1.1 101")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_a_stalled_fifo_never_blocks_even_under_a_thread_timer(project: Path) -> None:
    """The FIFO check above runs in a subprocess; here in this process, a read that blocked would
    leave the thread alive after the cap."""
    fifo = project / "briefing/sources/g.yaml"
    os.mkfifo(fifo)
    from briefgen.core.yamlio import read_text

    result: list[object] = []
    reader = threading.Thread(target=lambda: result.append(read_text(fifo, "g.yaml")), daemon=True)
    reader.start()
    reader.join(10)
    assert not reader.is_alive() and result and result[0][0] is None  # type: ignore[index]
