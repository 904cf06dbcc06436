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

import functools
import hashlib
import io
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.core.filestate import file_state
from briefgen.sphinxext import internals
from briefgen.warm import envpickle, searchpostings, stamp


def app_key(configuration: str, quiet: bool) -> str:
    """Everything a Sphinx application fixes when it is created, as one digest: what its output is
    configured from (``configuration_key``) and whether it reports progress."""
    return hashlib.sha256(f"{configuration}\0{quiet}".encode()).hexdigest()


def configuration_key(
    *, builder: str, srcdir: Path, confdir: Path, outdir: Path, doctreedir: Path
) -> str:
    """What a builder's output is configured from, as one digest: the folders, the configuration
    folder's files, briefgen's own files (extension, templates, static files) and the book metadata
    the extension reads into the configuration."""
    digest = hashlib.sha256(f"{builder}\0{srcdir}\0{confdir}\0{outdir}\0{doctreedir}".encode())
    stamp.feed_tree(digest, confdir, "conf")
    stamp.feed_tree(digest, stamp.PACKAGE, "briefgen")
    from briefgen.compose.markup import METADATA_FILE

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
    # CSS/JS lists as created, before any page added its own
    assets: dict[str, list[Any]] = field(default_factory=dict)
    env_file: tuple[int, int, int] | None = None
    pending_env: Any = None  # the environment its last build left to pickle (``briefgen.warm.envpickle``), with its path
    hooks: dict[str, Callable[..., Any]] = field(default_factory=dict)  # replaced per build
    navigation: str | None = (
        None  # the navigation (pages, titles, toctrees) of its last successful build
    )
    reusable: bool = (
        False  # every internal a reuse touches is there (``briefgen.sphinxext.internals``)
    )


@dataclass
class KeptApps:
    """The applications of one process, one per builder (``FrontCache.sphinx``)."""

    apps: dict[str, KeptApp] = field(default_factory=dict)

    def take(
        self, builder: str, key: str, env_file: Path, navigation: str | None = None
    ) -> KeptApp | None:
        """The kept application for ``builder`` if it may be used again, removed from the store.

        Used again only for a build of the same pages with the same navigation (page titles and
        tables of contents; ``navigation``, when given): a page added, removed or retitled
        changes what every page shows around its own content, which a kept application's
        shortcuts do not model, so such a build starts a new application from the environment
        on disk (Sphinx's own incremental build, as a new process does).
        Called under the project's build lock. An application not used again first writes the
        environment its last build left pending, if the file is still the one it read (a new
        application then starts from it rather than from an older one)."""
        kept = self.apps.pop(builder, None)
        if kept is None:
            return None
        unchanged = kept.env_file is not None and kept.env_file == file_state(env_file)
        same_shape = navigation is None or kept.navigation == navigation
        if kept.key != key or not unchanged or not same_shape or not kept.reusable:
            if unchanged:
                _write_pending(kept)
            return None
        return kept

    def discard(self, builder: str, env_file: Path) -> None:
        """Let the application kept for ``builder`` go (its output folder was emptied), first
        writing the environment its last build left pending, as ``take`` does."""
        kept = self.apps.pop(builder, None)
        if kept is not None and kept.env_file is not None and kept.env_file == file_state(env_file):
            _write_pending(kept)

    def keep(
        self,
        builder: str,
        kept: KeptApp,
        env_file: Path,
        pending: list[Any] | None = None,
        navigation: str | None = None,
    ) -> None:
        """Keep ``kept`` after a successful build; ``pending``: the environment pickles it deferred;
        ``navigation``: the navigation it built (``building.navigation.navigation_digest``)."""
        kept.navigation = navigation
        if pending:
            kept.pending_env = pending[-1]
        kept.env_file = file_state(env_file)
        if (
            kept.env_file is None
        ):  # a first build: no file to tell a later take that it is still this one
            _write_pending(kept)
        self.apps[builder] = kept

    def write_pending(self) -> None:
        """Write the environments the last builds deferred (``briefgen.warm.envpickle``). Call under the
        project's build lock, once the book is published."""
        for kept in self.apps.values():
            if kept.pending_env is not None and kept.env_file == file_state(kept.pending_env.path):
                _write_pending(kept)
            kept.pending_env = None  # else another process wrote its own since: this application goes at its next take


def _write_pending(kept: KeptApp) -> None:
    """Write the environment ``kept``'s last build deferred. A write that fails (a full disk, an
    extension that left something unpicklable in the environment) leaves the older file, which is
    correct, only slower to start from (``briefgen.warm.envpickle``): the book is published already."""
    pending, kept.pending_env = kept.pending_env, None
    if pending is None or pending.env is None:
        return
    try:
        envpickle.write(pending.path, pending.env)
    except Exception:
        return
    kept.env_file = file_state(pending.path)


@contextmanager
def docutils_registry(kept: KeptApp | None) -> Iterator[None]:
    """A docutils namespace holding what ``kept`` registered when it was created."""
    from docutils.parsers.rst import directives, roles
    from sphinx.util.docutils import docutils_namespace, register_node

    with docutils_namespace():
        if kept is not None:
            directives._directives.update(kept.directives)
            roles._roles.update(kept.roles)
            for node in kept.nodes:
                register_node(node)
        yield


def create(
    warnings: io.StringIO,
    *,
    key: str,
    srcdir: Path,
    confdir: Path,
    outdir: Path,
    doctreedir: Path,
    builder: str,
    quiet: bool,
    jobs: int,
) -> KeptApp:
    """A new application (inside ``docutils_registry(None)``), its registrations recorded for reuse."""
    from docutils.parsers.rst import directives, roles
    from sphinx.application import Sphinx
    from sphinx.util.docutils import additional_nodes

    # A project's conf.py does `from briefgen.defaults.conf import *`: the lists and dicts it gets
    # are the module's own, so `extensions.append(...)` there would leak into every later build of
    # this process (serve, tests). A fresh import per application gives each its own copies.
    sys.modules.pop("briefgen.defaults.conf", None)
    forget_local_modules(confdir)
    forget_asset_checksums()
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
    kept.directives = dict(directives._directives)
    kept.roles = dict(roles._roles)
    kept.nodes = set(additional_nodes)
    kept.assets = {name: list(getattr(owner, name)) for name, owner in _asset_lists(kept.app)}
    # Listeners stay for the application's life; what they do is set per build (``hooks``). When a
    # build sets none, each returns what Sphinx takes as "nothing" for its event.
    for event, nothing in (
        ("env-before-read-docs", None),
        ("html-page-context", None),
        ("env-get-updated", []),
    ):
        kept.app.connect(
            event,
            lambda *args, _event=event, _nothing=nothing: (
                kept.hooks[_event](*args) if _event in kept.hooks else _nothing
            ),
        )
    kept.reusable = internals.on("kept-application") and not internals.missing_on(
        kept.app, internals.INSTANCE_NAMES["kept-application"]
    )
    if kept.reusable:  # the rest only ever acts in a reused application's builds
        if internals.on("unchanged-navigation-pages"):
            skip_unchanged_navigation_pages(kept)
        if internals.on("kept-search-index") and not internals.missing_on(
            kept.app, internals.INSTANCE_NAMES["kept-search-index"]
        ):
            keep_search_index(kept.app)
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


def skip_unchanged_navigation_pages(kept: KeptApp) -> None:
    """Do not write pages again only because they show a re-read page's navigation.

    Sphinx writes every page whose toctree includes a re-read page, since the child's title may
    show there (a timeline edit rewrote the timeline's hub page each time), and the search page
    after every build. A toctree shows titles only, and the search page the navigation only. A
    kept application builds only books whose navigation is unchanged (``KeptApps.take``), and a
    build whose navigation changed writes every page (``building.sphinx.run_sphinx``'s ``write_all``), so
    the toctree index is set aside while Sphinx picks the pages to write, and the search page this
    application wrote last is kept while it is still the file on disk.
    """
    builder = kept.app.builder
    if builder.name != "html":
        return
    write, handle_page = builder.write, builder.handle_page
    search_page = Path(builder.outdir) / f"search{builder.out_suffix}"
    search_written: list[tuple[int, int, int] | None] = []

    def write_without_parents(
        build_docnames: Any, updated_docnames: Any, method: Any = "update"
    ) -> None:
        env = builder.env
        parents, env.files_to_rebuild = env.files_to_rebuild, {}
        try:
            return write(build_docnames, updated_docnames, method)
        finally:
            env.files_to_rebuild = parents

    def handle_page_unless_same_search(pagename: str, *args: Any, **kwargs: Any) -> None:
        if pagename != "search":
            return handle_page(pagename, *args, **kwargs)
        if search_written and search_written[0] == file_state(search_page):
            return None
        search_written.clear()
        handle_page(pagename, *args, **kwargs)
        search_written.append(file_state(search_page))

    builder.write = write_without_parents
    builder.handle_page = handle_page_unless_same_search


_LOADED_INDEX = internals.SEARCH_INDEX_ATTRIBUTES  # what IndexBuilder.load sets


def keep_search_index(app: Any) -> None:
    """Start a build's search index from the last build's, in memory, instead of re-reading it.

    Sphinx's HTML builder makes a new index each build and loads ``searchindex.js`` back into it
    (800 kB of JSON at 1000 sources). When the file is still the one this application wrote, the
    index it dumped holds the same words, titles and pages: they are handed over, and pages about
    to be written are pruned from them as after a load. Any other file on disk is loaded as usual.
    The language's stemmer (snowball, no memory of its own) is kept too, remembering its words:
    a re-read page brings back mostly the words it had. The index's word sets are
    ``searchpostings.Postings``, so pruning and freezing cost what changed.
    """
    builder = app.builder
    load, dump = getattr(builder, "load_indexer", None), getattr(builder, "dump_search_index", None)
    if load is None or dump is None:
        return
    path = Path(builder.outdir) / builder.searchindex_filename
    last: dict[str, Any] = {}

    def load_indexer(docnames: Any) -> None:
        previous, written = last.pop("indexer", None), last.pop("file", None)
        if previous is not None:
            builder.indexer.lang = previous.lang
        else:
            builder.indexer.lang.stem = functools.lru_cache(maxsize=1 << 16)(
                builder.indexer.lang.stem
            )
        if (
            previous is None
            or written is None
            or written != file_state(path)
            or internals.missing_on(previous, _LOADED_INDEX)
        ):
            return load(docnames)
        for name in _LOADED_INDEX:
            setattr(builder.indexer, name, getattr(previous, name))
        # its sets are the last index's Postings: prune and freeze by what changed
        searchpostings.track(builder.indexer)
        builder.indexer.prune(set(builder.env.all_docs).difference(docnames))

    def dump_search_index() -> None:
        last.clear()
        builder._briefgen_search_index = None
        if builder.indexer is not None:
            # from now on (once per application: later builds hand the Postings over)
            searchpostings.track(builder.indexer)
        dump()
        if builder.indexer is not None:
            last.update(indexer=builder.indexer, file=file_state(path))
            builder._briefgen_search_index = last["file"]  # see search_index_loads

    builder.load_indexer = load_indexer
    builder.dump_search_index = dump_search_index


def search_index_loads(app: Any) -> bool:
    """Whether the HTML builder's ``searchindex.js`` can carry this build's unchanged pages.

    Sphinx re-indexes only the pages it writes and loads the rest from the last index; an index
    it cannot load (missing, or written under other extension versions, e.g. by an older
    briefgen that shared the doctrees with a PDF build since) is only a warning to Sphinx, and an
    incomplete search. Then every page is written, so the index is whole again.
    """
    from sphinx.search import js_index

    path = Path(app.builder.outdir) / app.builder.searchindex_filename
    written = getattr(app.builder, "_briefgen_search_index", None)
    if written is not None and written == file_state(
        path
    ):  # the file this application dumped last (keep_search_index)
        return True
    try:
        with open(path, encoding="utf-8") as handle:
            frozen = js_index.load(handle)
    except (OSError, ValueError):
        return False
    return isinstance(frozen, dict) and frozen.get("envversion") == app.env.version


def _asset_lists(app: Any) -> list[tuple[str, Any]]:
    """Where CSS and JS files are listed. Themes add a page's own scripts while it is written
    (pydata-sphinx-theme: ``DOCUMENTATION_OPTIONS.pagename``), which Sphinx also records in its
    registry; a second build would then give every page every other page's scripts."""
    names = ("css_files", "js_files")
    return [(n, app.registry) for n in names] + [
        (f"_{n}", app.builder) for n in names if hasattr(app.builder, f"_{n}")
    ]


def forget_root_doctree(env: Any) -> None:
    """Drop the environment's remembered root doctree (``BuildEnvironment.master_doctree``, a cached
    property): it is read again when next asked for, from this build's doctree of the root page."""
    env.__dict__.pop("master_doctree", None)


def forget_asset_checksums() -> None:
    """Sphinx remembers each static file's checksum by path for the life of the process
    (``_file_checksum_inner``, the ``?v=`` of CSS and JS links); a new application (its
    configuration changed: a stylesheet may have) starts with none, as a new process does. A
    reused one keeps them: its static files are the same, and the checksums are of the files as
    Sphinx copied them, before the theme rewrote ``pygments.css`` at the end of the build."""
    if internals.on("kept-application"):
        from sphinx.builders.html._assets import _file_checksum_inner

        _file_checksum_inner.cache_clear()


def prepare_reuse(kept: KeptApp, jobs: int) -> None:
    """Reset what one build leaves behind: warnings, counters, logging handlers, parallelism."""
    from sphinx.util import logging as sphinx_logging

    app = kept.app
    for stream in (kept.warnings, app._status):
        if isinstance(stream, io.StringIO):  # quiet builds' messages: nobody reads them back
            stream.seek(0)
            stream.truncate()
    if not isinstance(
        app._status, io.StringIO
    ):  # -v: this build's stderr (the build server swaps it per client)
        app._status = sys.stderr
    # Another application created since (a PDF build, another project) took over Sphinx's loggers.
    sphinx_logging.setup(app, app._status, app._warning)
    for name, owner in _asset_lists(app):
        getattr(owner, name)[:] = kept.assets[name]
    # Doctrees the last build read from disk, kept as pickled bytes: a page re-read since has a new
    # one on disk (Sphinx's own test application clears this before every build for that reason).
    app.env._pickled_doctree_cache.clear()
    app.env._write_doc_doctree_cache.clear()
    # The root page's doctree, remembered by the environment once asked for (a cached property):
    # every page's navigation is drawn from it, so a kept one would show the last build's book.
    forget_root_doctree(app.env)
    # The images the written pages use, which the builder copies at the end: a new builder starts
    # with none. Kept, a page's chart removed since (a timeline split into periods) failed the copy.
    if isinstance(getattr(app.builder, "images", None), dict):
        app.builder.images = {}
    app._warncount = 0
    app.statuscode = 0
    app.parallel = jobs
