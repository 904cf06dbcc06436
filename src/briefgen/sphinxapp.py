"""Sphinx applications kept alive between builds of one project in one process (``briefgen serve``).

A new ``Sphinx`` object per build loads every extension, the theme, and unpickles the whole
environment (5 MB and about 1 s at 1000 sources) only to re-read one page. Sphinx supports
building again with the same application (``Builder.read`` marks its configuration as checked
for exactly that), so a warm process keeps the application and builds with it again.

An application is reused only when nothing it read at start-up can have changed: the builder,
the configuration folder, briefgen's own files (extension, templates, static files), the book
metadata the extension reads into the configuration (``_briefgen.json``) and the output options;
and only when the pickled environment on disk is the one it wrote last (another process or
builder sharing the doctrees would otherwise be ignored). A build that fails drops the
application: Sphinx may have left its environment half updated.

docutils keeps directives, roles and node visitors in module globals, which
``docutils_namespace`` restores after each build; what an application registered when it was
created is registered again around each reuse.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import stamp

_PACKAGE = Path(__file__).resolve().parent


def file_state(path: Path) -> tuple[int, int, int] | None:
    """Size, modification time and inode: whether a file is still the one seen before."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def app_key(*, builder: str, srcdir: Path, confdir: Path, outdir: Path, doctreedir: Path, quiet: bool) -> str:
    """Everything a Sphinx application fixes when it is created, as one digest."""
    digest = hashlib.sha256(f"{builder}\0{srcdir}\0{confdir}\0{outdir}\0{doctreedir}\0{quiet}".encode())
    stamp.feed_tree(digest, confdir, "conf")
    stamp.feed_tree(digest, _PACKAGE, "briefgen")
    from .compose import METADATA_FILE

    try:
        digest.update(b"\0meta\0" + (srcdir / METADATA_FILE).read_bytes())
    except OSError:
        digest.update(b"\0meta\0absent")
    return digest.hexdigest()


@dataclass
class KeptApp:
    """One application with what it needs to be used again."""

    app: Any
    key: str
    warnings: io.StringIO
    directives: dict[str, Any]
    roles: dict[str, Any]
    nodes: set[Any]
    assets: dict[str, list[Any]] = field(default_factory=dict)  # CSS/JS lists as created, before any page added its own
    env_file: tuple[int, int, int] | None = None
    hooks: dict[str, Callable[..., Any]] = field(default_factory=dict)  # replaced per build


@dataclass
class KeptApps:
    """The applications of one process, one per builder (``FrontCache.sphinx``)."""

    apps: dict[str, KeptApp] = field(default_factory=dict)

    def take(self, builder: str, key: str, env_file: Path) -> KeptApp | None:
        """The kept application for ``builder`` if it may be used again, removed from the store."""
        kept = self.apps.pop(builder, None)
        if kept is None or kept.key != key or kept.env_file is None or kept.env_file != file_state(env_file):
            return None
        return kept

    def keep(self, builder: str, kept: KeptApp, env_file: Path) -> None:
        kept.env_file = file_state(env_file)
        self.apps[builder] = kept


@contextmanager
def docutils_registry(kept: KeptApp | None) -> Iterator[None]:
    """A docutils namespace holding what ``kept`` registered when it was created."""
    from docutils.parsers.rst import directives, roles
    from sphinx.util.docutils import docutils_namespace, register_node

    with docutils_namespace():
        if kept is not None:
            directives._directives.update(kept.directives)  # type: ignore[attr-defined]
            roles._roles.update(kept.roles)  # type: ignore[attr-defined]
            for node in kept.nodes:
                register_node(node)
        yield


def create(warnings: io.StringIO, *, key: str, srcdir: Path, confdir: Path, outdir: Path, doctreedir: Path, builder: str, quiet: bool, jobs: int) -> KeptApp:
    """A new application (inside ``docutils_registry(None)``), its registrations recorded for reuse."""
    from docutils.parsers.rst import directives, roles
    from sphinx.application import Sphinx
    from sphinx.util.docutils import additional_nodes

    # A project's conf.py does `from briefgen.defaults.conf import *`: the lists and dicts it gets
    # are the module's own, so `extensions.append(...)` there would leak into every later build of
    # this process (serve, tests). A fresh import per application gives each its own copies.
    sys.modules.pop("briefgen.defaults.conf", None)
    forget_local_modules(confdir)
    status = None if quiet else sys.stderr
    kept = KeptApp(None, key, warnings, {}, {}, set())
    kept.app = Sphinx(
        srcdir=srcdir,
        confdir=confdir,
        outdir=outdir,
        doctreedir=doctreedir,
        buildername=builder,
        status=status,
        warning=warnings,
        freshenv=False,
        warningiserror=True,
        parallel=jobs,
    )
    kept.directives = dict(directives._directives)  # type: ignore[attr-defined]
    kept.roles = dict(roles._roles)  # type: ignore[attr-defined]
    kept.nodes = set(additional_nodes)
    kept.assets = {name: list(getattr(owner, name)) for name, owner in _asset_lists(kept.app)}
    # Listeners stay for the application's life; what they do is set per build (``hooks``). When a
    # build sets none, each returns what Sphinx takes as "nothing" for its event.
    for event, nothing in (("env-before-read-docs", None), ("html-page-context", None), ("env-get-updated", [])):
        kept.app.connect(event, lambda *args, _event=event, _nothing=nothing: kept.hooks[_event](*args) if _event in kept.hooks else _nothing)
    return kept


def forget_local_modules(confdir: Path) -> None:
    """Drop modules imported from the configuration folder (a project's own extensions), so a new
    application imports them as they are now, as a new process would: the application is new
    because that folder changed. Installed packages are never dropped."""
    top = str(confdir.resolve()) + os.sep
    for name, module in list(sys.modules.items()):
        where = getattr(module, "__file__", None)
        if where and where.startswith(top) and "site-packages" not in where:
            del sys.modules[name]


def _asset_lists(app: Any) -> list[tuple[str, Any]]:
    """Where CSS and JS files are listed. Themes add a page's own scripts while it is written
    (pydata-sphinx-theme: ``DOCUMENTATION_OPTIONS.pagename``), which Sphinx also records in its
    registry; a second build would then give every page every other page's scripts."""
    names = ("css_files", "js_files")
    return [(n, app.registry) for n in names] + [(f"_{n}", app.builder) for n in names if hasattr(app.builder, f"_{n}")]


def prepare_reuse(kept: KeptApp, jobs: int) -> None:
    """Reset what one build leaves behind: warnings, counters, logging handlers, parallelism."""
    from sphinx.util import logging as sphinx_logging

    app = kept.app
    for stream in (kept.warnings, app._status):
        if isinstance(stream, io.StringIO):  # quiet builds' messages: nobody reads them back
            stream.seek(0)
            stream.truncate()
    if not isinstance(app._status, io.StringIO):  # -v: this build's stderr (the build server swaps it per client)
        app._status = sys.stderr
    # Another application created since (a PDF build, another project) took over Sphinx's loggers.
    sphinx_logging.setup(app, app._status, app._warning)
    for name, owner in _asset_lists(app):
        getattr(owner, name)[:] = kept.assets[name]
    # Doctrees the last build read from disk, kept as pickled bytes: a page re-read since has a new
    # one on disk (Sphinx's own test application clears this before every build for that reason).
    app.env._pickled_doctree_cache.clear()
    app.env._write_doc_doctree_cache.clear()
    app._warncount = 0
    app.statuscode = 0
    app.parallel = jobs
