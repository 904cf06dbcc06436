"""Live preview: serve the published HTML book and rebuild it on every save.

Rebuilds run in this server process (in a thread beside the web server), which already imported
Sphinx, the theme and briefgen for the first build and keeps the front half's cache
(``briefgen.warm.front``): a save re-parses, re-anchors and re-composes only what it changed.
Running ``sphinx-build`` and a compose step as fresh processes instead cost two interpreter
start-ups per save; forked workers (sphinx-autobuild's way) would lose the cache. The file watcher, the web server and
the browser-reload script are sphinx-autobuild's pieces (``RebuildServer``, its middleware), put
together here around ``briefgen.building.book.build`` so that serve and ``briefgen build`` produce the
same book, published the same way (the last good book stays up while a broken edit is fixed).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
import time
import webbrowser
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from briefgen.building.book import after_build, build
from briefgen.building.layout import Layout
from briefgen.core.errors import BriefingError, os_problem
from briefgen.core.outtext import for_terminal
from briefgen.core.ownfolder import UntrustedBuildFolder
from briefgen.warm.front import FrontCache

IGNORED = (".git", ".hg", ".svn", ".venv", "node_modules", "__pycache__")


def _say(message: str) -> None:
    print(f"briefgen: {message}", file=sys.stderr, flush=True)


def warm_rebuild_server(
    paths: list[Path],
    ignore: Any,
    callback: Callable[..., bool],
    after: Callable[[], None] | None = None,
) -> Any:
    """sphinx-autobuild's ``RebuildServer``, calling back in this process instead of a forked worker.

    ``after``: run once the browsers were told to reload, when ``callback`` published a book
    (``building.book.after_build``); changes arriving meanwhile wait for it, as they wait for a rebuild."""
    import watchfiles
    from sphinx_autobuild.server import RebuildServer

    class WarmRebuildServer(RebuildServer):
        async def watch(self) -> None:
            async for changes in watchfiles.awatch(
                *self.paths, watch_filter=lambda _, path: not self.ignore(path)
            ):
                changed_paths = [Path(path).resolve() for (_, path) in changes]
                # one rebuild at a time
                built = await asyncio.to_thread(self.change_callback, changed_paths=changed_paths)
                self.flag.set()
                if built and after is not None:
                    await asyncio.sleep(0)  # let the reload go out first
                    await asyncio.to_thread(after)

    return WarmRebuildServer(paths, ignore, callback)


def rebuild(
    root: Path, jobs: int, cache: FrontCache | None = None, *, changed_paths: Sequence[Path] = ()
) -> bool:
    """Rebuild the HTML book after a change: report what went wrong, never raise; whether a new
    book was published (the watcher then runs ``building.book.after_build``, after the reload).

    Runs in the watcher's worker thread; an exception here would stop the watcher, so every
    failure becomes a message and the last good book stays served.
    """
    # not editors' temp files
    names = ", ".join(sorted({p.name for p in changed_paths if p.exists()})[:5])
    _say(f"change in {names or 'the project'}: rebuilding")
    t0 = time.perf_counter()
    try:
        report = build(root, ("html",), jobs=jobs, cache=cache)
    except BriefingError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        _say(
            f"{len(exc.problems)} problem(s) found; serving the last good book until they are fixed"
        )
        return False
    except UntrustedBuildFolder as exc:
        _say(f"{exc}; serving the last good book")
        return False
    except OSError as exc:  # the machine: a full disk, a read-only folder
        _say(f"{for_terminal(os_problem(exc))}; serving the last good book")
        return False
    except Exception as exc:  # a bug must not take the preview down
        _say(
            f"internal error: {type(exc).__name__}: {exc} (this is a bug in briefgen); serving the last good book"
        )
        return False
    if report.up_to_date:
        _say("nothing changed since the last build")
        return False
    _say(
        f"rebuilt in {time.perf_counter() - t0:.1f} s ({len(report.composed)} page(s) changed); the browser reloads"
    )
    return True


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def check_port(host: str, port: int) -> str | None:
    """None if the port can be listened on, else why not."""
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


def linked_folders(roots: Iterable[Path], limit: int = 20_000) -> list[Path]:
    """Links to folders inside the watched folders (links not followed; at most ``limit`` entries
    looked at): the file watcher would follow them into trees it cannot watch."""
    found: list[Path] = []
    seen = 0
    for root in sorted(roots):
        for folder, dirs, files in os.walk(root):
            for name in [*dirs, *files]:
                seen += 1
                path = Path(folder) / name
                if path.is_symlink() and path.is_dir():
                    found.append(path)
            if seen > limit:
                return found
    return found


def local_names(host: str) -> set[str]:
    """The host names a browser on this machine reaches the preview by (``Host`` header, no port)."""
    return {"127.0.0.1", "localhost", "[::1]", "::1", host.lower()}


class SameOrigin:
    """The live-reload WebSocket, for the preview's own pages only: a connection whose ``Origin``
    is another site (a page elsewhere probing the local port) is closed before it is accepted."""

    def __init__(self, app: Any, names: set[str], port: int) -> None:
        self.app = app
        self.origins = {f"http://{name}:{port}" for name in names}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        headers = {
            key.decode("latin-1").lower(): value.decode("latin-1")
            for key, value in scope.get("headers", [])
        }
        origin = headers.get("origin")
        if (
            scope["type"] == "websocket"
            and origin is not None
            and origin.lower() not in self.origins
        ):
            await send({"type": "websocket.close", "code": 1008})
            return
        await self.app(scope, receive, send)


def serve_book(
    root: Path,
    *,
    host: str,
    port: int,
    watch: Iterable[Path],
    jobs: int = 1,
    open_browser: bool = False,
    cache: FrontCache | None = None,
) -> None:
    """Serve ``root``'s published HTML book on host:port until interrupted, rebuilding on changes."""
    import uvicorn
    from sphinx_autobuild.filter import IgnoreFilter
    from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.routing import Mount, WebSocketRoute
    from starlette.staticfiles import StaticFiles

    layout = Layout(root)
    url_host = f"{host}:{port}"
    ignore = IgnoreFilter(
        [str(layout.build), *(str(root / name) for name in IGNORED)], [r"/\.#", r"~$", r"\.sw[px]$"]
    )
    cache = cache if cache is not None else FrontCache()
    # after a published rebuild, once the browser was told to reload: the environment file and the heap
    watcher = warm_rebuild_server(
        sorted(set(watch)),
        ignore,
        partial(rebuild, root, jobs, cache),
        after=partial(after_build, root, cache),
    )
    local = local_names(host)
    app = Starlette(
        routes=[
            WebSocketRoute("/websocket-reload", SameOrigin(watcher, local, port), name="reload"),
            # the published folder is a symlink swapped on each build; StaticFiles resolves it per request
            Mount("/", app=StaticFiles(directory=layout.output("html"), html=True), name="static"),
        ],
        middleware=[
            # only requests addressed to this machine by name: a page elsewhere that points its own
            # host name at 127.0.0.1 (DNS rebinding) gets no answer
            Middleware(TrustedHostMiddleware, allowed_hosts=sorted(local), www_redirect=False),
            Middleware(JavascriptInjectorMiddleware, ws_url=url_host),
        ],
        lifespan=watcher.lifespan,
    )
    # it logs every change at INFO; rebuild() says enough
    logging.getLogger("watchfiles").setLevel(logging.WARNING)
    if open_browser:
        webbrowser.open(f"http://{url_host}/")
    uvicorn.run(app, host=host, port=port, log_level="warning")
