"""The build server: a warm process per project that ``briefgen build`` hands its builds to.

A fresh ``briefgen build`` pays, before any work, about 1.5 s of imports (Sphinx, the theme and
its HTML parser, the extensions), then unpickles Sphinx's environment and runs a cold front half:
a one-event edit costs 2.5 s for five sources and 17 s for a thousand, against 0.4 s and 3.5 s in
a process that kept its state (``briefgen.incremental.FrontCache``: parsed files, anchors,
composed units, the edition, Sphinx's application). So, as Bazel's server and Gradle's daemon do,
the first build of a project leaves a server behind; later builds connect to it, it builds with
what it kept, and streams the output back. It runs the same click command as the client would,
so messages, exit codes and the published book are those of an in-process build.

Safety: one server per project and user, reached through a Unix socket in a private folder
(mode 0700, owned by the user). A request from another interpreter, another briefgen or other
installed distributions is refused and the server exits (the client builds by itself and starts a
fresh one). Any failure to reach or hear the server means the client builds by itself: the server
can make a build faster, never different or impossible. It stops after an idle time (30 minutes
unless ``briefgen server start --idle`` says otherwise), when its project folder disappears, or on
``briefgen server stop``. Off with ``--no-server``, ``BRIEFGEN_BUILD_SERVER=0``, or when ``CI`` is
set (a CI job builds once).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import io
import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from . import stamp

IDLE_MINUTES = 30
SWITCH = "BRIEFGEN_BUILD_SERVER"
"""Set to 0 (or off, no, false) to never use a build server."""
WAIT_NOTICE_S = 2.0
_PACKAGE = Path(__file__).resolve().parent


def wanted(flag: bool | None) -> bool:
    """Whether this build may use a server: ``--server/--no-server`` first, then the environment."""
    if flag is not None:
        return flag
    if os.environ.get(SWITCH, "").strip().lower() in ("0", "off", "no", "false"):
        return False
    return not os.environ.get("CI") and hasattr(socket, "AF_UNIX")


@dataclass(frozen=True)
class ServerFiles:
    """Where a project's server listens, locks and logs (in the user's private runtime folder)."""

    socket: Path
    lock: Path
    log: Path
    pid: Path


def server_files(root: Path) -> ServerFiles | None:
    """The files of ``root``'s server, or None when no private folder can be had for them."""
    base = Path(os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()) / f"briefgen-{os.getuid()}"
    try:
        base.mkdir(mode=0o700, exist_ok=True)
        info = base.lstat()
    except OSError:
        return None
    if info.st_uid != os.getuid() or info.st_mode & 0o077 or not base.is_dir() or base.is_symlink():
        return None  # someone else's folder, or one others can write to: do not trust it
    name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:20]
    return ServerFiles(base / f"{name}.sock", base / f"{name}.lock", base / f"{name}.log", base / f"{name}.pid")


def process_key() -> str:
    """What a server must share with its clients: interpreter, briefgen's files, installed distributions."""
    digest = hashlib.sha256(f"{sys.executable}\0{sys.version}".encode())
    stamp.feed_tree(digest, _PACKAGE, "briefgen")
    stamp.feed_distributions(digest)
    return digest.hexdigest()


# -- the wire: one JSON object per line ---------------------------------------------------------


def _send(conn: socket.socket, message: dict[str, Any]) -> None:
    conn.sendall(json.dumps(message).encode() + b"\n")


def _connect(files: ServerFiles) -> socket.socket | None:
    if not files.socket.exists():
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(str(files.socket))
    except OSError:
        conn.close()
        return None
    return conn


BUSY = {"busy": True}
"""The answer when the server is running but building (it answers between builds)."""


def _ask(root: Path, message: dict[str, Any], timeout_s: float) -> dict[str, Any] | None:
    """One request, one answer (status, stop); None when no server runs, BUSY when it is building."""
    files = server_files(root)
    conn = _connect(files) if files else None
    if conn is None:
        return BUSY if files and running(files) else None  # still warming up: not listening yet
    with conn:
        if not _wait_readable_after_send(conn, message, timeout_s):
            return BUSY
        try:
            line = conn.makefile("r", encoding="utf-8").readline()
            return json.loads(line) if line else None
        except (OSError, ValueError):
            return None


def _wait_readable_after_send(conn: socket.socket, message: dict[str, Any], timeout_s: float) -> bool:
    try:
        _send(conn, message)
    except OSError:
        return False
    return bool(select.select([conn], [], [], timeout_s)[0])


def status(root: Path, timeout_s: float = 2.0) -> dict[str, Any] | None:
    """The server's own account (pid, builds, memory), BUSY, or None when there is none."""
    answer = _ask(root, {"op": "status"}, timeout_s)
    return answer.get("status", answer) if answer else None


def stop(root: Path, timeout_s: float = 600.0) -> bool:
    """Ask ``root``'s server to exit (after its current build); True when one was running."""
    return _ask(root, {"op": "stop"}, timeout_s) is not None


# -- the client -----------------------------------------------------------------------------------


def delegate(root: Path, argv: list[str], *, color: bool, say: Callable[[str], None]) -> int | None:
    """Have ``root``'s server run ``briefgen ARGV``, relaying its output; its exit code, or None
    when no server did the build (none running, refused, or gone before finishing)."""
    files = server_files(root)
    conn = _connect(files) if files else None
    if conn is None:
        return None
    with conn:
        request = {"op": "build", "key": process_key(), "root": str(root.resolve()), "argv": argv, "cwd": os.getcwd(), "env": {name: os.environ.get(name) for name in stamp.ENVIRONMENT}, "color": color}
        try:
            _send(conn, request)
            if not select.select([conn], [], [], WAIT_NOTICE_S)[0]:
                say("waiting for the build server to finish its current build")
            for line in conn.makefile("r", encoding="utf-8"):
                frame = json.loads(line)
                if "out" in frame or "err" in frame:
                    stream = sys.stdout if "out" in frame else sys.stderr
                    stream.write(frame.get("out", frame.get("err", "")))
                    stream.flush()
                elif "exit" in frame:
                    return int(frame["exit"])
                elif "refused" in frame:
                    say(f"the build server cannot take this build ({frame['refused']}); building here")
                    return None
        except (OSError, ValueError):
            pass
    say("the build server stopped before finishing; building here")
    return None


def running(files: ServerFiles) -> bool:
    """Whether a server holds the project's lock (it may be warming up or busy building)."""
    try:
        with open(files.lock, "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    return False


def start_in_background(root: Path, formats: list[str], jobs: str, idle_minutes: float = IDLE_MINUTES) -> bool:
    """Start ``root``'s server unless one runs; True when one was started. It warms up by itself."""
    files = server_files(root)
    if files is None or running(files):
        return False
    with open(files.log, "w", encoding="utf-8") as log:
        # -P: the project folder (the working directory) must not shadow installed modules.
        command = [sys.executable, "-P", "-m", "briefgen", "server", "run", "-p", str(root.resolve()), "-j", jobs, "--idle", str(idle_minutes), *(f"--format={f}" for f in formats)]
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=root, start_new_session=True, close_fds=True)
    files.pid.write_text(f"{process.pid}\n", encoding="utf-8")  # for `server status` while it warms up, and for tests' clean-up
    return True


def started_pid(root: Path) -> int | None:
    """The process id of the server last started for ``root``, if it is still running."""
    files = server_files(root)
    try:
        pid = int(files.pid.read_text(encoding="utf-8")) if files else 0
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid if pid > 0 else None


def wait_until_ready(root: Path, timeout_s: float) -> dict[str, Any] | None:
    """The server's status once it has warmed up, or None if it did not within ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = status(root, timeout_s=max(0.1, deadline - time.monotonic()))
        if state is not None and state.get("ready"):
            return state
        time.sleep(0.1)
    return None


# -- the server -----------------------------------------------------------------------------------


@dataclass
class ServerState:
    """What the server keeps between builds, and what it tells ``briefgen server status``."""

    root: Path
    key: str
    idle_s: float
    cache: Any = None  # briefgen.incremental.FrontCache, created once the server has imported it
    started: float = field(default_factory=time.time)
    builds: int = 0
    ready: bool = False

    def describe(self) -> dict[str, Any]:
        return {"pid": os.getpid(), "root": str(self.root), "started": self.started, "builds": self.builds, "ready": self.ready, "idle_minutes": self.idle_s / 60, "memory_mib": _memory_mib()}


def _memory_mib() -> dict[str, float]:
    """Resident and peak resident memory of this process (Linux /proc; empty elsewhere)."""
    out: dict[str, float] = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                out["resident" if name == "VmRSS" else "peak"] = round(int(value.split()[0]) / 1024, 1)
    except OSError:
        pass
    return out


class _Channel(io.TextIOBase):
    """A text stream whose writes travel to the client as frames; silent once the client has gone."""

    def __init__(self, conn: socket.socket, name: str) -> None:
        self._conn, self._name, self.gone = conn, name, False

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:  # type: ignore[override]
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text and not self.gone:
            try:
                _send(self._conn, {self._name: text})
            except OSError:
                self.gone = True  # the client was interrupted: the build still finishes
        return len(text)


@contextmanager
def _as_client(conn: socket.socket, request: dict[str, Any]) -> Iterator[None]:
    """The client's standard streams, working directory and build-relevant environment, for one build."""
    saved_streams = sys.stdout, sys.stderr
    saved_cwd = os.getcwd()
    saved_env = {name: os.environ.get(name) for name in stamp.ENVIRONMENT}
    try:
        os.chdir(request["cwd"])
        for name in stamp.ENVIRONMENT:
            value = request["env"].get(name)
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        sys.stdout, sys.stderr = _Channel(conn, "out"), _Channel(conn, "err")
        yield
    finally:
        sys.stdout, sys.stderr = saved_streams
        os.chdir(saved_cwd)
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _run_cli(argv: list[str], state: ServerState, color: bool | None) -> int:
    """``briefgen ARGV`` in this process, with the server's kept state; its exit code."""
    from .cli import main

    try:
        main.main(args=argv, prog_name="briefgen", standalone_mode=True, obj={"server": state}, color=color)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def _handle(conn: socket.socket, state: ServerState) -> bool:
    """Answer one connection; False when the server should stop."""
    conn.settimeout(10)  # a client that connects and says nothing must not hold the server
    line = conn.makefile("r", encoding="utf-8").readline()
    conn.settimeout(None)
    try:
        request = json.loads(line)
    except ValueError:
        return True
    op = request.get("op")
    if op == "status":
        _send(conn, {"status": state.describe()})
        return True
    if op == "stop":
        _send(conn, {"stopping": True})
        return False
    if op != "build":
        _send(conn, {"refused": f"unknown request {op!r}"})
        return True
    if request.get("key") != state.key:
        _send(conn, {"refused": "it runs another version of briefgen or of its dependencies, and stops now"})
        return False
    if request.get("root") != str(state.root) or not Path(request.get("cwd", "")).is_dir():
        _send(conn, {"refused": "it serves another project"})
        return True
    argv = list(request.get("argv", []))
    if argv[argv[:1] == ["--debug"] :][:1] != ["build"]:
        _send(conn, {"refused": "it runs builds only"})  # nothing else goes through the socket
        return True
    with _as_client(conn, request):
        code = _run_cli(argv, state, request.get("color"))
    state.builds += 1
    _send(conn, {"exit": code})
    return True


def _listen(path: Path) -> socket.socket:
    path.unlink(missing_ok=True)  # a dead server's socket: we hold the lock, so no live one owns it
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_umask = os.umask(0o177)
    try:
        listener.bind(str(path))
    finally:
        os.umask(old_umask)
    listener.listen(8)
    return listener


@contextmanager
def _project_lock(path: Path, wait_s: float) -> Iterator[IO[str] | None]:
    """The lock that makes this the project's only server (waiting a little for one that is stopping)."""
    with open(path, "w", encoding="utf-8") as handle:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() > deadline:
                    yield None
                    return
                time.sleep(0.1)
        yield handle


def run_server(root: Path, *, formats: list[str], jobs: str, idle_minutes: float, say: Callable[[str], None]) -> int:
    """Serve builds of ``root`` until idle for ``idle_minutes``, stopped, or the project is gone."""
    root = root.resolve()
    files = server_files(root)
    if files is None:
        say("no private runtime folder for the build server's socket; not starting")
        return 1
    with _project_lock(files.lock, wait_s=5) as mine:
        if mine is None:
            say(f"a build server already runs for {root}")
            return 0
        listener = _listen(files.socket)
        inode = files.socket.stat().st_ino
        state = ServerState(root, process_key(), idle_minutes * 60)
        say(f"build server for {root} (pid {os.getpid()}), listening on {files.socket}")
        try:
            _warm_up(listener, state, formats, jobs, say)
            last = time.monotonic()
            while time.monotonic() - last < state.idle_s and root.is_dir():
                if not select.select([listener], [], [], min(60.0, state.idle_s))[0]:
                    continue
                conn, _ = listener.accept()
                with conn:
                    try:
                        going_on = _handle(conn, state)
                    except OSError:
                        going_on = True  # that client went away
                from .gcpause import settle_after_build

                settle_after_build()
                last = time.monotonic()
                if not going_on:
                    break
        finally:
            listener.close()
            try:
                if files.socket.stat().st_ino == inode:
                    files.socket.unlink()
            except OSError:
                pass
        say(f"build server stopped after {state.builds} build(s)")
    return 0


def _warm_up(listener: socket.socket, state: ServerState, formats: list[str], jobs: str, say: Callable[[str], None]) -> None:
    """Import everything and fill the caches with one full build, so the next request is a warm one.

    The stamp is cleared first, as ``briefgen serve`` does: an up-to-date project would otherwise
    be skipped and leave the caches empty. Requests arriving meanwhile wait in the listen queue.
    """
    from .incremental import FrontCache
    from .stamp import clear

    state.cache = FrontCache()
    clear(state.root)
    argv = ["build", *formats, "-p", str(state.root), "-j", jobs]
    t0 = time.perf_counter()
    code = _run_cli(argv, state, color=False)
    say(f"warmed up in {time.perf_counter() - t0:.1f} s (build exit code {code})")
    state.ready = True
