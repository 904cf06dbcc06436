"""The build server: a warm process per project that ``briefgen build`` hands its builds to.

A fresh ``briefgen build`` pays, before any work, about 1.5 s of imports (Sphinx, the theme and
its HTML parser, the extensions), then unpickles Sphinx's environment and runs a cold front half:
a one-event edit costs 2.5 s for five sources and 17 s for a thousand, against 0.4 s and 3.5 s in
a process that kept its state (``briefgen.warm.front.FrontCache``: parsed files, anchors,
composed units, the edition, Sphinx's application). So, as Bazel's server and Gradle's daemon do,
the first successful build of a project leaves a server behind; later builds connect to it, it
builds with what it kept, and streams the output back. It runs the same click command as the
client would, in the client's working folder, environment and umask, so messages, exit codes and
the published book are those of an in-process build; a client interrupted mid-build (Ctrl-C)
interrupts the server's build too.

Safety: one server per project and user, reached through a Unix socket in a private folder
(mode 0700, owned by the user); only builds go through it. A request from another interpreter,
another briefgen or other installed distributions is refused and the server exits (the client
builds by itself and starts a fresh one). Any failure to reach or hear the server means the
client builds by itself: the server can make a build faster, never different or impossible. Its
warm-up fills the caches without publishing anything. It stops after an idle time without builds
(30 minutes unless ``briefgen server start --idle`` says otherwise), when its project folder
disappears, or on ``briefgen server stop``. Off with ``--no-server``, ``BRIEFGEN_BUILD_SERVER=0``,
or when ``CI`` is set (a CI job builds once).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.warm import stamp

IDLE_MINUTES = 30
SWITCH = "BRIEFGEN_BUILD_SERVER"
"""Set to 0 (or off, no, false) to never use a build server."""
WAIT_NOTICE_S = 2.0
_MAX_SOCKET_PATH = 100  # bytes; Linux allows 107 in sockaddr_un
_OFF = ("0", "off", "no", "false")


def wanted(flag: bool | None) -> bool:
    """Whether this build may use a server: ``--server/--no-server`` first, then the environment."""
    if flag is not None:
        return flag
    if os.environ.get(SWITCH, "").strip().lower() in _OFF:
        return False
    in_ci = os.environ.get("CI", "").strip().lower() not in ("", *_OFF)
    return not in_ci and hasattr(socket, "AF_UNIX")


@dataclass(frozen=True)
class ServerFiles:
    """Where a project's server listens, locks, logs and records its process id."""

    socket: Path
    lock: Path
    log: Path
    pid: Path


def server_files(root: Path) -> ServerFiles | None:
    """The files of ``root``'s server in the user's private runtime folder, or None when no
    private folder with a short enough path for a socket can be had."""
    name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:20]
    for top in dict.fromkeys([os.environ.get("XDG_RUNTIME_DIR"), tempfile.gettempdir(), "/tmp"]):
        if not top:
            continue
        base = Path(top) / f"briefgen-{os.getuid()}"
        if len(os.fsencode(base / f"{name}.sock")) > _MAX_SOCKET_PATH:
            continue
        try:
            base.mkdir(mode=0o700, exist_ok=True)
            info = base.lstat()
        except OSError:
            continue
        if (
            info.st_uid != os.getuid()
            or info.st_mode & 0o077
            or base.is_symlink()
            or not base.is_dir()
        ):
            return None  # someone else's folder, or one others can write to: do not trust it
        return ServerFiles(
            base / f"{name}.sock", base / f"{name}.lock", base / f"{name}.log", base / f"{name}.pid"
        )
    return None


def process_key() -> str:
    """What a server must share with its clients: interpreter, briefgen's files, installed distributions."""
    digest = hashlib.sha256(f"{sys.executable}\0{sys.version}".encode())
    stamp.feed_tree(digest, stamp.PACKAGE, "briefgen")
    stamp.feed_distributions(digest)
    return digest.hexdigest()


def running(files: ServerFiles) -> bool:
    """Whether a server holds the project's lock (it may be starting, warming up or building)."""
    try:
        with open(files.lock, "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    return False


def is_running(root: Path) -> bool:
    """Whether ``root`` has a server (starting, warming up, idle or building)."""
    files = server_files(root)
    return files is not None and running(files)


# -- the wire: one JSON object per line ---------------------------------------------------------


def _send(conn: socket.socket, message: dict[str, Any]) -> None:
    conn.sendall(json.dumps(message).encode() + b"\n")


def _connect(files: ServerFiles, wait_s: float = 0.0) -> socket.socket | None:
    """A connection to the server; waits up to ``wait_s`` for one that is starting to listen."""
    deadline = time.monotonic() + wait_s
    while True:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.connect(str(files.socket))
            return conn
        except OSError:
            conn.close()
        if time.monotonic() >= deadline or not running(files):
            return None
        time.sleep(0.05)


BUSY = {"busy": True}
"""The answer when the server runs but cannot answer yet (starting, warming up or building)."""


def _ask(root: Path, message: dict[str, Any], timeout_s: float) -> dict[str, Any] | None:
    """One request, one answer (status, stop); None when no server runs, BUSY when it cannot answer in time."""
    files = server_files(root)
    if files is None or not running(files):
        return None
    conn = _connect(files, wait_s=timeout_s)
    if conn is None:
        return BUSY if running(files) else None
    with conn:
        try:
            _send(conn, message)
            if not select.select([conn], [], [], timeout_s)[0]:
                return BUSY
            line = conn.makefile("r", encoding="utf-8").readline()
            return json.loads(line) if line else None
        except (OSError, ValueError):
            return None


def status(root: Path, timeout_s: float = 2.0) -> dict[str, Any] | None:
    """The server's own account (pid, builds, memory), BUSY, or None when there is none."""
    answer = _ask(root, {"op": "status"}, timeout_s)
    return answer.get("status", answer) if answer else None


def stop(root: Path, timeout_s: float = 600.0) -> str:
    """Ask ``root``'s server to exit after its current build: "stopped", "busy" (no answer in time) or "none"."""
    answer = _ask(root, {"op": "stop"}, timeout_s)
    if answer is None:
        return "none"
    return "stopped" if answer.get("stopping") else "busy"


# -- the client -----------------------------------------------------------------------------------


def delegate(root: Path, argv: list[str], *, color: bool, say: Callable[[str], None]) -> int | None:
    """Have ``root``'s server run ``briefgen ARGV``, relaying its output; its exit code, or None
    when no server did the build (none running, refused, or gone before finishing)."""
    files = server_files(root)
    if files is None or not running(files):
        return None
    try:
        umask = os.umask(0o022)
        os.umask(umask)
        request = {
            "op": "build",
            "key": process_key(),
            "root": str(root.resolve()),
            "argv": argv,
            "cwd": os.getcwd(),
            "env": dict(os.environ),
            "umask": umask,
            "color": color,
        }
    except OSError:  # e.g. the working folder was deleted
        return None
    conn = _connect(files, wait_s=5.0)
    if conn is None:
        return None
    with conn:
        try:
            _send(conn, request)
            if not select.select([conn], [], [], WAIT_NOTICE_S)[0]:
                say("waiting for the build server to finish its current build")
            frames = conn.makefile("r", encoding="utf-8")
        except OSError:
            frames = None
        while frames is not None:
            try:
                line = frames.readline()
                frame = json.loads(line) if line else None
            except (OSError, ValueError):
                frame = None
            if not isinstance(frame, dict):
                break
            if (
                "out" in frame or "err" in frame
            ):  # the client's own output errors (a closed pipe) are not the server's
                stream = sys.stdout if "out" in frame else sys.stderr
                stream.write(str(frame.get("out", frame.get("err", ""))))
                stream.flush()
            elif "exit" in frame:
                return int(frame["exit"])
            elif "refused" in frame:
                say(f"the build server cannot take this build ({frame['refused']}); building here")
                return None
    say("the build server stopped before finishing; building here")
    return None


def spawn(
    root: Path,
    formats: list[str],
    jobs: str,
    *,
    conf: Path | None = None,
    idle_minutes: float = IDLE_MINUTES,
) -> bool:
    """Start ``root``'s server in the background unless one runs; True when one was started.

    The lock is taken here and handed to the child, so from the moment this returns the server
    counts as running (no window in which a second one could start or a stop could miss it).
    """
    files = server_files(root)
    if files is None:
        return False
    try:
        lock = open(files.lock, "a", encoding="utf-8")  # noqa: SIM115 - closed by the with below; opening may fail alone
    except OSError:
        return False
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # one runs
        command = [
            sys.executable, "-P", "-m", "briefgen", "server", "run", "-p", str(root.resolve()), "-j", jobs,
            "--idle", str(idle_minutes), f"--lock-fd={lock.fileno()}", *(f"--format={f}" for f in formats),
            *([f"--conf={conf.resolve()}"] if conf else []),
        ]  # fmt: skip
        # -P and cwd "/": the project folder neither shadows installed modules nor is held open.
        try:
            with open(files.log, "w", encoding="utf-8") as log:
                process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                    cwd="/",
                    start_new_session=True,
                    pass_fds=(lock.fileno(),),
                )
            files.pid.write_text(f"{process.pid}\n", encoding="utf-8")
        except OSError:
            return False
    return True


def started_pid(root: Path) -> int | None:
    """The process id of the server last started for ``root``, while it holds the project's lock."""
    files = server_files(root)
    if files is None or not running(files):
        return None
    try:
        return int(files.pid.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def wait_until_ready(root: Path, timeout_s: float) -> dict[str, Any] | None:
    """The server's status once it has warmed up; None if it stopped, or did not come up within ``timeout_s``."""
    files = server_files(root)
    deadline = time.monotonic() + timeout_s
    while files is not None and running(files) and time.monotonic() < deadline:
        state = status(root, timeout_s=max(0.1, min(2.0, deadline - time.monotonic())))
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
    command: Any = None  # the ``briefgen`` click command each build runs (handed in: the CLI is above this module)
    cache: Any = None  # briefgen.warm.front.FrontCache, created once the server has imported it
    started: float = field(default_factory=time.time)
    builds: int = 0
    ready: bool = False
    building: bool = (
        False  # a client's interruption is delivered (as SIGINT) only while this is set
    )

    def describe(self) -> dict[str, Any]:
        return {
            "pid": os.getpid(),
            "root": str(self.root),
            "started": self.started,
            "builds": self.builds,
            "ready": self.ready,
            "idle_minutes": self.idle_s / 60,
            "memory_mib": _memory_mib(),
        }


def _memory_mib() -> dict[str, float]:
    """Resident and peak resident memory of this process (Linux /proc; empty elsewhere)."""
    out: dict[str, float] = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                out["resident" if name == "VmRSS" else "peak"] = round(
                    int(value.split()[0]) / 1024, 1
                )
    except OSError:
        pass
    return out


class _Channel(io.TextIOBase):
    """A text stream whose writes travel to the client as frames; silent once the client has gone."""

    def __init__(self, conn: socket.socket, name: str) -> None:
        self._conn, self._name, self.gone = conn, name, False

    @property
    def encoding(self) -> str:  # type: ignore[override]  # a read-only attribute of TextIOBase, given as a property
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text and not self.gone:
            try:
                _send(self._conn, {self._name: text})
            except OSError:
                self.gone = True
        return len(text)


def _client_gone(conn: socket.socket) -> bool:
    """True when the client has closed its end (it sends nothing after its request)."""
    try:
        return conn.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


@contextmanager
def _interrupted_with_client(conn: socket.socket, state: ServerState) -> Iterator[None]:
    """While the build runs, a client that hangs up (Ctrl-C) interrupts it, as Ctrl-C interrupts
    an in-process build: KeyboardInterrupt in this thread, so nothing half-built is published."""
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.2):
            if select.select([conn], [], [], 0)[0] and _client_gone(conn):
                if state.building:
                    os.kill(os.getpid(), signal.SIGINT)
                return

    watcher = threading.Thread(target=watch, daemon=True)
    state.building = True
    watcher.start()
    try:
        yield
    finally:
        state.building = False
        done.set()
        watcher.join()


@contextmanager
def _as_client(request: dict[str, Any], conn: socket.socket) -> Iterator[None]:
    """The client's standard streams, working folder, environment and umask, for one build."""
    saved_streams, saved_env = (sys.stdout, sys.stderr), dict(os.environ)
    saved_umask = os.umask(int(request.get("umask", 0o022)) & 0o777)
    try:
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in dict(request.get("env") or {}).items()})
        time.tzset()
        os.chdir(str(request["cwd"]))
        sys.stdout, sys.stderr = _Channel(conn, "out"), _Channel(conn, "err")
        yield
    finally:
        sys.stdout, sys.stderr = saved_streams
        os.chdir("/")
        os.environ.clear()
        os.environ.update(saved_env)
        time.tzset()
        os.umask(saved_umask)


def _run_cli(argv: list[str], state: ServerState, color: bool | None) -> int:
    """``briefgen ARGV`` in this process, with the server's kept state; its exit code."""
    try:
        state.command.main(
            args=argv,
            prog_name="briefgen",
            standalone_mode=True,
            obj={"server": state},
            color=color,
        )
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception:  # --debug: the traceback an in-process build would print, and its exit code
        traceback.print_exc()
        return 1
    return 0


def _read_request(conn: socket.socket) -> dict[str, Any] | None:
    conn.settimeout(10)  # a client that connects and says nothing must not hold the server
    try:
        line = conn.makefile("r", encoding="utf-8").readline()
        request = json.loads(line)
    except (OSError, ValueError):  # UnicodeDecodeError is a ValueError
        return None
    finally:
        conn.settimeout(None)
    return request if isinstance(request, dict) else None


def _handle(conn: socket.socket, state: ServerState) -> tuple[bool, bool]:
    """Answer one connection: (go on serving, a build ran)."""
    request = _read_request(conn)
    if request is None:
        return True, False
    op = request.get("op")
    if op == "status":
        _send(conn, {"status": state.describe()})
        return True, False
    if op == "stop":
        with contextlib.suppress(OSError):  # stopped all the same
            _send(conn, {"stopping": True})
        return False, False
    if op != "build":
        _send(conn, {"refused": f"unknown request {op!r}"})
        return True, False
    if request.get("key") != state.key:
        _send(
            conn,
            {
                "refused": "it runs another version of briefgen or of its dependencies, and stops now"
            },
        )
        return False, False
    argv = request.get("argv")
    if (
        not isinstance(argv, list)
        or not all(isinstance(a, str) for a in argv)
        or argv[argv[:1] == ["--debug"] :][:1] != ["build"]
    ):
        _send(conn, {"refused": "it runs builds only"})  # nothing else goes through the socket
        return True, False
    if request.get("root") != str(state.root) or not Path(str(request.get("cwd", ""))).is_dir():
        _send(conn, {"refused": "it serves another project"})
        return True, False
    if _client_gone(conn):  # it gave up (Ctrl-C) while waiting for an earlier build
        return True, False
    with _as_client(request, conn), _interrupted_with_client(conn, state):
        code = _run_cli(argv, state, request.get("color"))
    state.builds += 1
    with contextlib.suppress(OSError):  # the client hung up (and was told "interrupted" by itself)
        _send(conn, {"exit": code})
    return True, True


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


def _take_lock(files: ServerFiles, lock_fd: int | None) -> Any:
    """The project's lock: the one handed over by ``spawn``, or taken here (None if another server has it)."""
    handle = (
        os.fdopen(lock_fd, "a", encoding="utf-8")
        if lock_fd is not None
        else open(files.lock, "a", encoding="utf-8")  # noqa: SIM115 - held for the server's life, returned to the caller
    )
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a no-op on the handed-over lock
    except OSError:
        handle.close()
        return None
    return handle


def _interrupt_while_building(state: ServerState) -> None:
    def on_sigint(signum: int, frame: Any) -> None:
        if state.building:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_sigint)


def run_server(
    root: Path,
    *,
    command: Any,
    formats: list[str],
    n_jobs: int,
    conf: Path | None,
    idle_minutes: float,
    say: Callable[[str], None],
    lock_fd: int | None = None,
) -> int:
    """Serve builds of ``root`` until idle for ``idle_minutes``, stopped, or the project is gone.
    ``command``: the ``briefgen`` click command each build runs; ``n_jobs``: Sphinx processes for
    the warm-up (each build brings its own ``-j``)."""
    root = root.resolve()
    files = server_files(root)
    if files is None:
        say(
            "no private runtime folder with a short enough path for the build server's socket; not starting"
        )
        return 1
    lock = _take_lock(files, lock_fd)
    if lock is None:
        say(f"a build server already runs for {root}")
        return 0
    with lock:
        os.chdir("/")
        try:
            listener = _listen(files.socket)
        except OSError as exc:
            say(f"cannot listen on {files.socket}: {exc.strerror or exc}; not starting")
            return 1
        inode = files.socket.stat().st_ino
        state = ServerState(root, process_key(), idle_minutes * 60, command)
        _interrupt_while_building(state)
        say(f"build server for {root} (pid {os.getpid()}), listening on {files.socket}")
        try:
            _warm_up(state, formats, n_jobs, conf, say)
            last = time.monotonic()
            while time.monotonic() - last < state.idle_s and root.is_dir():
                if not select.select([listener], [], [], min(60.0, state.idle_s))[0]:
                    continue
                conn, _ = listener.accept()
                with conn:
                    try:
                        going_on, built = _handle(conn, state)
                    except (
                        Exception
                    ):  # one bad request or a vanished client must not end the server
                        say(f"request failed:\n{traceback.format_exc()}")
                        going_on, built = True, False
                if built:
                    from briefgen.building.book import after_build

                    after_build(root, state.cache)
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


def _warm_up(
    state: ServerState,
    formats: list[str],
    n_jobs: int,
    conf: Path | None,
    say: Callable[[str], None],
) -> None:
    """Import everything and fill the caches as a build would, publishing nothing (``building.book.warm_up``).

    Requests arriving meanwhile wait in the listen queue. A briefing with errors, or a build
    running elsewhere, leaves the caches part-filled: the next build fills the rest.
    """
    from briefgen.building.book import warm_up
    from briefgen.building.layout import BuildLocked
    from briefgen.core.errors import BriefingError
    from briefgen.warm.front import FrontCache

    state.cache = FrontCache()
    t0 = time.perf_counter()
    try:
        warm_up(state.root, tuple(formats), cache=state.cache, conf=conf, jobs=n_jobs)
        say(f"warmed up in {time.perf_counter() - t0:.1f} s")
    except (BriefingError, BuildLocked) as exc:
        say(f"warm-up stopped early ({type(exc).__name__}); the first build completes it")
    except Exception:
        say(f"warm-up failed; the first build starts cold:\n{traceback.format_exc()}")
        state.cache = FrontCache()
    from briefgen.core.gcpause import settle_after_build

    state.cache.settled_since_last_build()  # the warm-up counts as this cache's first build, and is settled as builds are:
    settle_after_build()  # the first real build then freezes what the warm-up kept, as later ones do
    state.ready = True
