"""The build server: `briefgen build` hands its work to a warm process of the same project, and the
reader gets the same book, messages and exit codes as from a build in its own process."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import HARBOUR, copy_project

from briefgen import server as buildserver

pytestmark = pytest.mark.build

BRIEFGEN = Path(sys.executable).with_name("briefgen")
EDITED = "Engineers put the repairs at about eight months."


@pytest.fixture
def server_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The server switched on, with its socket folder inside this test's temporary folder."""
    run = Path(tempfile.mkdtemp(prefix="bg-", dir="/tmp"))  # short: a socket's path has ~100 bytes
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(run))
    monkeypatch.delenv(buildserver.SWITCH, raising=False)
    monkeypatch.delenv("CI", raising=False)
    roots: list[Path] = []
    yield {"roots": roots}  # type: ignore[dict-item]
    for root in roots:  # leave nothing running, even a server still starting up
        pid = buildserver.started_pid(root)
        if pid is not None:
            buildserver.wait_until_ready(root, timeout_s=60)
            buildserver.stop(root)
            wait_for_exit(pid)
    shutil.rmtree(run, ignore_errors=True)


def wait_for_exit(pid: int, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            return
        try:  # our own child (a server started by `server start` from this process) must be reaped
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        except ChildProcessError:
            pass
        time.sleep(0.1)
    os.kill(pid, 15)
    raise AssertionError(f"build server {pid} did not stop")


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`briefgen ARGS` in a fresh process, as a user runs it."""
    return subprocess.run(
        [str(BRIEFGEN), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=os.environ.copy(),
    )


def published(root: Path) -> dict[str, bytes]:
    html = root / "_build" / "html"
    return {
        str(p.relative_to(html)): p.read_bytes() for p in sorted(html.rglob("*")) if p.is_file()
    }


def edit_claim(root: Path, new: str) -> None:
    path = root / "briefing" / "background.yaml"
    text = path.read_text(encoding="utf-8")
    assert EDITED in text
    path.write_text(text.replace(EDITED, new), encoding="utf-8")


def without_server_lines(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if "build server" not in line)


def test_first_build_starts_a_server_and_later_builds_are_its(
    tmp_path: Path, server_env: dict
) -> None:
    root = copy_project(HARBOUR, tmp_path / "book")
    server_env["roots"].append(root)
    first = cli("build", "-p", str(root), "-j", "1")
    assert first.returncode == 0, first.stderr
    assert "started a build server" in first.stderr
    state = buildserver.wait_until_ready(root, timeout_s=120)
    assert state is not None and state["builds"] == 0 and state["pid"] != os.getpid()

    # An edit (the quote stays in its article) is built by the server, not by the client.
    edit_claim(root, "Engineers estimated the repairs at about eight months.")
    # a relative project: the server works in the client's folder
    second = cli("build", "-p", "book", "-j", "1", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "built html in" in second.stdout and "HTML book: _build/html/index.html" in second.stderr
    assert "started a build server" not in second.stderr
    assert buildserver.status(root)["builds"] == 1
    assert "Engineers estimated the repairs" in (root / "_build/html/background.html").read_text(
        encoding="utf-8"
    )

    # The same project built cold, in its own process, gives the same book, byte for byte.
    twin = copy_project(root, tmp_path / "twin")
    cold = cli("build", "-p", str(twin), "-j", "1", "--no-server")
    assert cold.returncode == 0, cold.stderr
    assert published(root) == published(twin)

    # A broken edit: the same located error and exit code as a build in its own process, and the
    # last good book stays published.
    for project in (root, twin):
        path = project / "briefing" / "background.yaml"
        path.write_text(
            path.read_text(encoding="utf-8").replace(
                "will take about eight months", "will take about nine months"
            ),
            encoding="utf-8",
        )
    broken = cli("build", "-p", str(root), "-j", "1")
    broken_cold = cli("build", "-p", str(twin), "-j", "1", "--no-server")
    assert broken.returncode == broken_cold.returncode == 1
    # the hint
    assert (
        "background.yaml:" in broken.stderr
        and "where the source has 'eight month'" in broken.stderr
    )
    assert without_server_lines(broken.stderr) == without_server_lines(broken_cold.stderr).replace(
        str(twin), str(root)
    )
    assert buildserver.status(root)["builds"] == 2
    assert "Engineers estimated the repairs" in (root / "_build/html/background.html").read_text(
        encoding="utf-8"
    )

    # `make clean` under a running server: the next build still publishes the whole book.
    for project in (root, twin):
        path = project / "briefing" / "background.yaml"
        path.write_text(
            path.read_text(encoding="utf-8").replace(
                "will take about nine months", "will take about eight months"
            ),
            encoding="utf-8",
        )
    shutil.rmtree(root / "_build")
    assert cli("build", "-p", str(root), "-j", "1").returncode == 0
    assert cli("build", "-p", str(twin), "-j", "1", "--no-server").returncode == 0
    assert buildserver.status(root)["builds"] == 3
    assert published(root) == published(twin)

    stopped = cli("server", "stop", "-p", str(root))
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    deadline = time.monotonic() + 20
    while buildserver.running(buildserver.server_files(root)) and time.monotonic() < deadline:  # type: ignore[arg-type]
        time.sleep(0.1)
    assert cli("server", "status", "-p", str(root)).returncode == 1


def test_a_server_of_another_briefgen_refuses_and_exits(tmp_path: Path, server_env: dict) -> None:
    root = copy_project(HARBOUR, tmp_path / "book")
    server_env["roots"].append(root)
    started = cli("server", "start", "-p", str(root), "-j", "1", "--idle", "5")
    assert started.returncode == 0, started.stderr
    files = buildserver.server_files(root)
    assert files is not None and files.socket.stat().st_mode & 0o077 == 0

    def ask(key: str, argv: list[str]) -> dict:
        with socket.socket(socket.AF_UNIX) as conn:
            conn.connect(str(files.socket))
            request = {
                "op": "build",
                "key": key,
                "root": str(root),
                "argv": argv,
                "cwd": str(root),
                "env": {},
                "color": False,
            }
            conn.sendall(json.dumps(request).encode() + b"\n")
            return json.loads(conn.makefile("r").readline())

    # Only builds go through the socket, even from the same briefgen.
    assert ask(buildserver.process_key(), ["init", str(tmp_path / "elsewhere")]) == {
        "refused": "it runs builds only"
    }
    assert not (tmp_path / "elsewhere").exists() and buildserver.status(root)["ready"]
    answer = ask("another version", ["build"])
    assert "another version of briefgen" in answer["refused"]
    deadline = time.monotonic() + 20
    while buildserver.running(files) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not buildserver.running(files) and not files.socket.exists()


def test_client_builds_by_itself_when_the_server_vanishes(tmp_path: Path, server_env: dict) -> None:
    """A socket that takes the request and hangs up: the build happens here, and succeeds."""
    from conftest import run_cli

    root = copy_project(HARBOUR, tmp_path / "book")
    server_env["roots"].append(root)
    files = buildserver.server_files(root)
    assert files is not None
    lock = open(files.lock, "a")  # noqa: SIM115 - held, as a live server holds it
    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(files.socket))
    listener.listen(1)

    def hang_up() -> None:
        conn, _ = listener.accept()
        conn.makefile("r").readline()
        conn.close()

    thread = threading.Thread(target=hang_up)
    thread.start()
    result = run_cli("build", "-p", str(root), "-j", "1", "--server")
    thread.join(10)
    listener.close()
    lock.close()
    assert result.exit_code == 0, result.output
    assert "build server stopped before finishing; building here" in result.output
    assert (root / "_build/html/index.html").is_file()


@pytest.mark.parametrize("how", ["flag", "switch", "ci", "unsafe folder"])
def test_nothing_is_left_running_when_the_server_is_off(
    tmp_path: Path, server_env: dict, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    root = copy_project(HARBOUR, tmp_path / "book")
    server_env["roots"].append(root)
    args = ["build", "-p", str(root), "-j", "1"]
    if how == "flag":
        args.append("--no-server")
    elif how == "switch":
        monkeypatch.setenv(buildserver.SWITCH, "0")
    elif how == "ci":
        monkeypatch.setenv("CI", "true")
    else:  # a socket folder others may write to is not used
        run = Path(os.environ["XDG_RUNTIME_DIR"]) / f"briefgen-{os.getuid()}"
        run.mkdir(mode=0o700)
        run.chmod(0o777)
        assert buildserver.server_files(root) is None
        assert not buildserver.wanted(True) or buildserver.spawn(root, ["html"], "1") is False
    done = cli(*args)
    assert done.returncode == 0, done.stderr
    assert "build server" not in done.stderr
    files = buildserver.server_files(root)
    assert files is None or not (buildserver.running(files) or files.socket.exists())


def test_warm_up_publishes_nothing_and_keeps_the_configuration(
    tmp_path: Path, server_env: dict
) -> None:
    """The server opens Sphinx with the client's --conf; its own extension is re-imported when the
    configuration changes, as a new process would import it; and the warm-up leaves the book
    the client published (and its stamp) alone."""
    root = copy_project(HARBOUR, tmp_path / "book")
    server_env["roots"].append(root)
    conf = tmp_path / "myconf"
    conf.mkdir()
    (conf / "markext.py").write_text(
        'def setup(app):\n    app.add_js_file(None, body="var mark = \'one\';")\n    return {"parallel_read_safe": True}\n'
    )
    (conf / "conf.py").write_text(
        "import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\nfrom briefgen.defaults.conf import *\nextensions = [*extensions, 'markext']\n"
    )
    twin = copy_project(HARBOUR, tmp_path / "twin")  # the same steps, each build in its own process
    first = cli("build", "-p", str(root), "-j", "1", "--conf", str(conf))
    assert first.returncode == 0, first.stderr
    assert (
        cli("build", "-p", str(twin), "-j", "1", "--conf", str(conf), "--no-server").returncode == 0
    )
    index = root / "_build/html/index.html"
    published_at = (root / "_build/html").resolve()
    assert buildserver.wait_until_ready(root, timeout_s=120) is not None
    assert (root / "_build/html").resolve() == published_at and "mark = 'one'" in index.read_text()
    again = cli("build", "-p", str(root), "-j", "1", "--conf", str(conf))
    # the stamp is the client's, untouched
    assert "nothing changed since the last build" in again.stderr
    assert buildserver.status(root)["builds"] == 1  # a running server makes the no-change check too

    (conf / "markext.py").write_text((conf / "markext.py").read_text().replace("'one'", "'two'"))
    for project in (root, twin):
        edit_claim(project, "Engineers estimated the repairs at about eight months.")
    done = cli("build", "-p", str(root), "-j", "1", "--conf", str(conf))
    assert done.returncode == 0, done.stderr
    assert (
        cli("build", "-p", str(twin), "-j", "1", "--conf", str(conf), "--no-server").returncode == 0
    )
    assert buildserver.status(root)["builds"] == 2
    # The re-written page carries the extension as it is now, as a new process's build does (Sphinx
    # itself re-writes only outdated pages after an extension's code changed, in either case).
    assert "mark = 'two'" in (root / "_build/html/background.html").read_text()
    assert published(root) == published(twin)


def test_stop_right_after_start_stops_it(tmp_path: Path, server_env: dict) -> None:
    root = copy_project(HARBOUR, tmp_path / "book")
    server_env["roots"].append(root)
    assert buildserver.spawn(root, ["html"], "1")
    # the lock is taken before spawn returns: one server only
    assert not buildserver.spawn(root, ["html"], "1")
    pid = buildserver.started_pid(root)
    assert pid is not None
    assert buildserver.stop(root) == "stopped"
    wait_for_exit(pid)
    assert buildserver.stop(root) == "none"


def test_a_replaced_project_folder_is_still_served(tmp_path: Path, server_env: dict) -> None:
    root = copy_project(HARBOUR, tmp_path / "book")
    server_env["roots"].append(root)
    assert cli("build", "-p", str(root), "-j", "1").returncode == 0
    assert buildserver.wait_until_ready(root, timeout_s=120) is not None
    shutil.rmtree(root)
    copy_project(HARBOUR, root)
    edit_claim(root, "Engineers estimated the repairs at about eight months.")
    done = cli("build", "-p", str(root), "-j", "1")
    assert done.returncode == 0, done.stderr
    assert "building here" not in done.stderr and buildserver.status(root)["builds"] == 1
    assert "Engineers estimated the repairs" in (root / "_build/html/background.html").read_text(
        encoding="utf-8"
    )


def test_ctrl_c_interrupts_the_servers_build_and_nothing_is_published(
    tmp_path: Path, server_env: dict
) -> None:
    root = copy_project(HARBOUR, tmp_path / "book")
    server_env["roots"].append(root)
    conf = tmp_path / "slowconf"
    conf.mkdir()
    (conf / "slowext.py").write_text(  # a slow build: time to press Ctrl-C while Sphinx runs
        "import os, time\n"
        "def setup(app):\n"
        "    app.connect('env-updated', lambda app, env: time.sleep(float(os.environ.get('SLOW', '0'))) or [])\n"
        "    return {'parallel_read_safe': True}\n"
    )
    (conf / "conf.py").write_text(
        "import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\nfrom briefgen.defaults.conf import *\nextensions = [*extensions, 'slowext']\n"
    )
    assert cli("build", "-p", str(root), "-j", "1", "--conf", str(conf)).returncode == 0
    assert buildserver.wait_until_ready(root, timeout_s=120) is not None
    published_at = (root / "_build/html").resolve()

    edit_claim(root, "Engineers estimated the repairs at about eight months.")
    client = subprocess.Popen(
        [str(BRIEFGEN), "build", "-p", str(root), "-j", "1", "--conf", str(conf)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SLOW": "30"},
    )
    assert client.stderr is not None
    for line in client.stderr:  # the server's progress, relayed
        if "building HTML with Sphinx" in line:
            break
    time.sleep(1)
    client.send_signal(2)  # SIGINT, as Ctrl-C sends
    _, err = client.communicate(timeout=60)
    assert client.returncode == 130 and "interrupted" in err
    # the server carries on, its build ended
    state = buildserver.wait_until_ready(root, timeout_s=60)
    assert state is not None and state["builds"] == 1
    assert (
        root / "_build/html"
    ).resolve() == published_at  # the interrupted build published nothing
    done = cli("build", "-p", str(root), "-j", "1", "--conf", str(conf))
    assert done.returncode == 0, done.stderr
    assert "Engineers estimated the repairs" in (root / "_build/html/background.html").read_text(
        encoding="utf-8"
    )
