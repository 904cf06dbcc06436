"""Build the book: prepare, compose, run Sphinx, publish atomically.

Sphinx works in ``_build/.work`` (kept between runs so its incremental build works); the result
is copied next to ``_build/html`` and swapped in only when the whole build succeeded, so a failed
build never touches the last good book. A lock file stops two builds of one project colliding.
"""

from __future__ import annotations

import fcntl
import gc
import hashlib
import io
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import envpickle, internals, knownpages, outdated, sphinxapp, stamp, titletext
from .compose import book_slug, compose_book
from .defaults import CONF_DIR as DEFAULT_CONF
from .edition import write_edition_files
from .errors import BriefingError, Problem
from .gcpause import paused_gc, settle_after_build
from .imagefiles import ImageUse
from .incremental import FrontCache
from .pipeline import prepare
from .previous import with_previous
from .sphinxapp import KeptApps

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Layout:
    """Where a project's build puts things."""

    root: Path
    conf_dir: Path | None = None  # default: <root>/conf

    @property
    def build(self) -> Path:
        return self.root / "_build"

    @property
    def src(self) -> Path:
        return self.build / "src"

    @property
    def work(self) -> Path:
        return self.build / ".work"

    @property
    def conf(self) -> Path:
        """The Sphinx configuration: ``--conf``, else the project's ``conf/``, else briefgen's defaults."""
        if self.conf_dir is not None:
            return self.conf_dir
        own = self.root / "conf"
        return own if (own / "conf.py").is_file() else DEFAULT_CONF

    def output(self, fmt: str) -> Path:
        return self.build / fmt


@dataclass
class BuildReport:
    formats: list[str]
    composed: list[str] = field(default_factory=list)  # pages whose Markdown changed
    timings: dict[str, float] = field(default_factory=dict)
    sphinx: dict[str, SphinxRun] = field(default_factory=dict)  # per builder
    article_dirs: set[Path] = field(default_factory=set)  # folders holding the article files read (for watchers)
    up_to_date: bool = False  # nothing changed since the last successful build: nothing was done


@dataclass
class SphinxRun:
    """What Sphinx did: the pages it re-read and the HTML pages it wrote."""

    outdir: Path
    read: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # complete only for serial writes (workers' pages are not seen)
    processes: int = 1  # Sphinx processes used to read and write


class BuildLocked(Exception):
    """Another build of the same project is running."""


@contextmanager
def build_lock(layout: Layout) -> Iterator[None]:
    layout.build.mkdir(parents=True, exist_ok=True)
    with open(layout.build / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(f"another briefgen build is running in {layout.root} (lock: {layout.build / '.lock'})") from None
        yield


@dataclass(frozen=True)
class _LinkUnchanged:
    """copytree copier that hard-links files unchanged since the last published output.

    Files in the published folder are never written in place (a publish swaps whole folders),
    so linking to them is safe; files in Sphinx's working folder are (Sphinx rewrites them), so
    those are always copied. Unchanged means same size and modification time: copy2 keeps both.
    """

    previous: Path
    fresh: Path

    def __call__(self, src: str, dst: str) -> object:
        old = self.previous / Path(dst).relative_to(self.fresh)
        try:
            a, b = os.stat(src), os.stat(old)
            if a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns:
                os.link(old, dst)
                return dst
        except OSError:
            pass
        return shutil.copy2(src, dst)


_NOT_PUBLISHED = (".buildinfo", ".buildinfo.bak", ".doctrees")


def publish(staged: Path, final: Path, extra: dict[str, Path] | None = None) -> None:
    """Make ``final`` show a copy of ``staged`` (plus ``extra`` files), in one atomic step.

    ``final`` is a symbolic link to a hidden sibling folder; the new folder is filled completely,
    then the link is swapped with ``os.replace``, so readers see the old book or the new one,
    never a gap. Unchanged files are hard links to the previous output, so publishing costs what
    changed, not the size of the book.

    The folder the link pointed at before the last publish (no reader is sent there any more) is
    kept as a spare: the next publish renames it and brings it up to date (``_sync``) rather than
    making and later deleting a thousand links and a hundred folders; it ends holding the same
    files, and the same hard links, as a fresh copy would.
    """
    previous = final.resolve() if final.is_symlink() else (final if final.is_dir() else None)
    if previous is not None and not previous.is_dir():
        previous = None
    fresh = final.with_name(f".{final.name}-{time.time_ns()}")
    copier = _LinkUnchanged(previous, fresh) if previous is not None else shutil.copy2
    spares = sorted(p for p in final.parent.glob(f".{final.name}-*") if p != previous and not p.name.endswith("-old") and p.is_dir() and not p.is_symlink())
    if spares:
        spares[-1].rename(fresh)
        _sync(str(staged), str(fresh), str(previous) if previous is not None else None, {name: str(path) for name, path in (extra or {}).items()})
        shutil.copystat(staged, fresh)
    else:
        shutil.copytree(staged, fresh, ignore=shutil.ignore_patterns(*_NOT_PUBLISHED), copy_function=copier)
        for name, path in (extra or {}).items():
            copier(path, fresh / name)  # linked when unchanged: the edition files are rewritten only when their bytes change
    if final.is_dir() and not final.is_symlink():  # a plain folder from an older layout: move it aside once
        final.rename(final.with_name(f".{final.name}-{time.time_ns()}-old"))
        previous = None
    link = final.with_name(f".{final.name}.link")
    link.unlink(missing_ok=True)
    link.symlink_to(fresh.name)
    os.replace(link, final)
    for stale in final.parent.glob(f".{final.name}-*"):
        if stale != fresh and stale != previous:  # the previous folder is the next publish's spare
            shutil.rmtree(stale, ignore_errors=True)


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    """Unchanged, as ``_LinkUnchanged`` decides it: same size and modification time (copy2 keeps both)."""
    return a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns


def _sync(src: str, dst: str, previous: str | None, extra: dict[str, str] | None = None) -> None:
    """Make folder ``dst`` (not visible to readers) hold what ``copytree(src, dst)`` would give.

    What ``dst`` already holds unchanged stays; every other file is linked from ``previous`` when
    unchanged there, else copied (``_LinkUnchanged``); what ``src`` no longer holds goes. ``extra``
    (top level only): files by name, published over ``src``'s of the same name.
    """
    wanted: dict[str, os.DirEntry[str] | str] = {}
    with os.scandir(src) as entries:
        for entry in entries:
            if entry.name not in _NOT_PUBLISHED:
                wanted[entry.name] = entry
    wanted.update(extra or {})
    with os.scandir(dst) as entries:
        held = {entry.name: entry for entry in entries}
    for name, entry in held.items():
        if name not in wanted:
            _remove(entry)
    for name, source in wanted.items():
        target = os.path.join(dst, name)
        old = held.get(name)
        old_stat = old.stat(follow_symlinks=False) if old is not None else None
        if isinstance(source, os.DirEntry) and source.is_dir():  # followed, as copytree follows links in the staged folder
            if old_stat is None or not stat.S_ISDIR(old_stat.st_mode):
                if old is not None:
                    _remove(old)
                os.mkdir(target)
            _sync(source.path, target, os.path.join(previous, name) if previous is not None else None)
            shutil.copystat(source.path, target)
            continue
        path = source.path if isinstance(source, os.DirEntry) else source
        st = source.stat() if isinstance(source, os.DirEntry) else os.stat(source)
        if old_stat is not None and stat.S_ISREG(old_stat.st_mode) and _same_file(st, old_stat):
            continue
        if old is not None:
            _remove(old)
        if previous is not None:
            try:
                if _same_file(st, os.stat(os.path.join(previous, name))):
                    os.link(os.path.join(previous, name), target)
                    continue
            except OSError:
                pass
        shutil.copy2(path, target)


def _remove(entry: os.DirEntry[str]) -> None:
    if entry.is_dir(follow_symlinks=False):
        shutil.rmtree(entry.path)
    else:
        os.unlink(entry.path)


# The HTML and PDF builders read the same pages into the same doctrees (only-directives and
# citations are resolved per builder after reading), so they share one environment: `build all`
# parses the Markdown once, as Sphinx's own Makefile shares doctrees between builders.
_DOCTREES = {"html": "shared", "typst": "shared"}

PARALLEL_MIN_DOCS = 10
"""Below this many pages to re-read, Sphinx runs in one process: forking workers and merging their
environments costs more than reading a few pages (the Sphinx stage of a one-page edit: 1.4 s with -j 2, 1.1 s without)."""


def _before_reading(run: SphinxRun, app: Any, docnames: list[str]) -> None:
    """Record what Sphinx re-reads, and run serially when that is only a few pages."""
    run.read.extend(sorted(docnames))
    if len(docnames) < PARALLEL_MIN_DOCS:
        app.parallel = 1  # read and write serially from here on
    run.processes = app.parallel


NAVIGATION_FILE = "navigation.sha256"


def navigation_digest(pages: dict[str, str], memo: dict[str, tuple[str, bytes]] | None = None) -> str:
    """What every HTML page's navigation shows: each page's title and every table of contents.

    Sphinx rewrites only the pages it re-reads (and those whose toctree lists them), yet each page's
    sidebar shows the whole book's tree: when a title or a toctree changes, every page must be
    written again, or the unchanged ones keep the old navigation (found by the incremental-vs-cold test).
    ``memo``: each page's share of the digest by its text, kept by a warm process (a page of the
    same text gives the same lines).
    """
    digest = hashlib.sha256()
    seen: dict[str, tuple[str, bytes]] = {}
    for doc in sorted(pages):
        text = pages[doc]
        hit = memo.get(doc) if memo is not None else None
        lines = hit[1] if hit is not None and hit[0] == text else _navigation_lines(doc, text)
        seen[doc] = (text, lines)
        digest.update(lines)
    if memo is not None:
        memo.clear()
        memo.update(seen)
    return digest.hexdigest()


def _navigation_lines(doc: str, text: str) -> bytes:
    """A page's share of ``navigation_digest``: its name, title lines and tables of contents."""
    out = [f"\0{doc}\0".encode()]
    in_toctree = False
    for line in text.splitlines():
        if line.startswith("```{toctree}"):
            in_toctree = True
        if in_toctree or line.startswith("# "):
            out.append(line.encode() + b"\n")
        if in_toctree and line == "```":
            in_toctree = False
    return b"".join(out)


def _drop_removed_outputs(layout: Layout, removed: list[str]) -> None:
    """Sphinx keeps the HTML of pages no longer composed: drop it before anything is published."""
    for doc in removed:
        (layout.work / "html" / f"{doc}.html").unlink(missing_ok=True)


def _recorded_navigation(layout: Layout) -> str | None:
    """The navigation (``navigation_digest``) the last HTML build recorded, if any."""
    try:
        return (layout.work / NAVIGATION_FILE).read_text()
    except OSError:
        return None


def _same_navigation(layout: Layout, navigation: str) -> bool:
    """Whether ``navigation`` (``navigation_digest``) is the one the last HTML build recorded."""
    return _recorded_navigation(layout) == navigation


class _WarmShortcutFailed(Exception):
    """An unexpected exception inside a kept application's build: the build is done again cold."""


def run_sphinx(
    layout: Layout,
    builder: str,
    *,
    quiet: bool = True,
    jobs: int = 1,
    write_all: bool = False,
    kept: KeptApps | None = None,
    pages: Collection[str] | None = None,
    navigation: str | None = None,
    say: Progress | None = None,
) -> SphinxRun:
    """Run one Sphinx builder over the composed pages; warnings fail the build with their text.

    ``write_all``: write every page again, re-reading only the changed ones (the navigation changed);
    when false, the navigation (page titles, toctrees) is the last build's, so a page is not written
    again only because its toctree lists a re-read page, nor is the search page
    (``sphinxapp.skip_unchanged_navigation_pages``).
    ``kept``: a warm process's Sphinx applications (``briefgen.sphinxapp``): the application of the
    last build is used again when nothing it was created from changed and ``navigation`` (the
    pages, their titles and tables of contents: ``navigation_digest``) is the one it built last.
    ``pages``: the pages compose left in the source folder, handed to a reused application instead
    of its walking the folder (``briefgen.knownpages``).

    An exception inside a reused application's build (a shortcut meeting what it does not model)
    is not the briefing's fault: the build is done again cold, with a new application and a fresh
    environment, and ``say`` (with ``-v``) tells why. Any other exception that Sphinx's warnings do
    not explain is raised as it is: an internal error.
    """
    try:
        return _run_sphinx(layout, builder, quiet=quiet, jobs=jobs, write_all=write_all, kept=kept, pages=pages, navigation=navigation)
    except _WarmShortcutFailed as failed:
        if say is not None and not quiet:
            say(f"a warm shortcut failed ({failed}); building {builder} again with a fresh Sphinx environment")
        return _run_sphinx(layout, builder, quiet=quiet, jobs=jobs, write_all=True, kept=kept, pages=pages, navigation=navigation, fresh=True)


def _run_sphinx(
    layout: Layout,
    builder: str,
    *,
    quiet: bool,
    jobs: int,
    write_all: bool,
    kept: KeptApps | None,
    pages: Collection[str] | None,
    navigation: str | None,
    fresh: bool = False,
) -> SphinxRun:
    from sphinx.errors import ConfigError
    from sphinx.util.docutils import patch_docutils

    outdir, doctreedir, env_file = _sphinx_dirs(layout, builder)
    if fresh:
        shutil.rmtree(doctreedir, ignore_errors=True)
    run = SphinxRun(outdir)
    configuration = sphinxapp.configuration_key(builder=builder, srcdir=layout.src, confdir=layout.conf, outdir=outdir, doctreedir=doctreedir)
    key = sphinxapp.app_key(configuration, quiet)
    configured = _output_configuration(layout, builder, configuration, kept)
    images = ImageUse(layout.work / f"{builder}.images.json")
    known_images = images.start()
    kept_app = kept.take(builder, key, env_file, navigation) if kept is not None and not fresh else None
    reused = kept_app is not None
    warnings = kept_app.warnings if kept_app is not None else io.StringIO()
    with patch_docutils(layout.conf), sphinxapp.docutils_registry(kept_app):
        try:
            if kept_app is None:
                kept_app = _create_app(layout, warnings, key=key, outdir=outdir, doctreedir=doctreedir, builder=builder, quiet=quiet, jobs=jobs)
            else:
                sphinxapp.prepare_reuse(kept_app, jobs)
            kept_app.hooks = {
                "env-before-read-docs": lambda sphinx, env, docnames: _before_reading(run, sphinx, docnames),
                "html-page-context": lambda sphinx, pagename, templatename, context, doctree: _written(run, images, pagename, context),
            }
            if write_all or (builder == "html" and not sphinxapp.search_index_loads(kept_app.app)):
                kept_app.hooks["env-get-updated"] = lambda sphinx, env: sorted(env.found_docs)
            deferring = kept is not None and internals.on("deferred-environment")
            with envpickle.deferring() if deferring else nullcontext([]) as pending, _kept_build(reused, pages):
                kept_app.app.build()
        except BriefingError:
            raise
        except ConfigError as exc:  # a configuration value a builder refuses once it uses it
            raise _configuration_problem(layout, exc) from None
        except Exception as exc:  # Sphinx, its extensions and conf.py raise all kinds of errors
            text = warnings.getvalue().strip()
            if text:  # warnings explain it
                raise BriefingError(_sphinx_problems(layout, text)) from None
            if reused:
                raise _WarmShortcutFailed(f"{type(exc).__name__}: {exc}") from exc
            raise
    text = warnings.getvalue().strip()
    if kept_app.app.statuscode or text:
        raise BriefingError(_sphinx_problems(layout, text or "Sphinx failed"))
    if builder == "html":
        images.prune(outdir, kept_app.app.env.found_docs, known_images, whole=kept_app.app.parallel <= 1)  # workers' pages are not seen
    configured()
    if kept is not None:
        kept.keep(builder, kept_app, env_file, pending, navigation)
    return run


def _written(run: SphinxRun, images: ImageUse, page: str, context: dict[str, Any]) -> None:
    """An HTML page is being written: note it, and the image files it refers to."""
    run.written.append(page)
    images.saw(page, str(context.get("body", "")))


def _output_configuration(layout: Layout, builder: str, key: str, kept: KeptApps | None) -> Callable[[], None]:
    """Start from an empty output folder when what the builder is configured from changed since
    its last successful build (``sphinxapp.configuration_key``: the configuration folder, briefgen's
    own files, the book's metadata); returns what records the key once the build succeeded.

    Sphinx never deletes from its output folder: a stylesheet the configuration no longer names, a
    template's leftovers, stayed in the book, which a cold build does not have. A configuration
    change makes Sphinx write every page anyway, so starting empty costs little. An application
    kept for the builder goes too: extensions write into the output folder when an application
    is created (sphinx-design 0.7 its stylesheet), which an empty folder no longer holds."""
    outdir, _, env_file = _sphinx_dirs(layout, builder)
    record = layout.work / f"{builder}.configuration.sha256"
    try:
        same = record.read_text() == key
    except OSError:
        same = False
    if not same:
        record.unlink(missing_ok=True)
        shutil.rmtree(outdir, ignore_errors=True)
        if kept is not None:
            kept.discard(builder, env_file)
    return lambda: record.write_text(key)


def _create_app(layout: Layout, warnings: io.StringIO, **options: Any) -> sphinxapp.KeptApp:
    """A new Sphinx application for the project. A project's own configuration that Sphinx cannot
    load (an error in conf.py, an extension or theme it names that cannot be set up) is the
    project's problem, located at its conf.py; briefgen's packaged configuration failing is a bug."""
    from sphinx.errors import ConfigError, ExtensionError, ThemeError

    try:
        return sphinxapp.create(warnings, srcdir=layout.src, confdir=layout.conf, **options)
    except (ConfigError, ExtensionError, ThemeError) as exc:
        raise _configuration_problem(layout, exc) from None


def _configuration_problem(layout: Layout, exc: Exception) -> Exception:
    """A project's configuration that Sphinx or a builder refuses, as the project's problem located at
    its conf.py; the same from briefgen's packaged configuration is a bug (``exc`` itself)."""
    if layout.conf == DEFAULT_CONF:
        return exc
    conf = layout.conf / "conf.py"
    where = str(conf.relative_to(layout.root)) if conf.is_relative_to(layout.root) else str(conf)
    return BriefingError([Problem(where, 1, 1, (), f"Sphinx cannot use this configuration: {exc}", "fix conf/conf.py (or what it names), or remove conf/ to build with briefgen's defaults")])


@contextmanager
def _kept_build(kept: bool, pages: Collection[str] | None) -> Iterator[None]:
    """What a kept application's build asks of Sphinx's bookkeeping, answered without redoing it
    for unchanged pages: which pages exist, which are outdated, what their titles say."""
    if not kept:
        yield
        return
    with ExitStack() as stack:
        if pages is not None and internals.on("known-pages"):
            stack.enter_context(knownpages.known_pages(pages))
        if internals.on("outdated-checks"):
            stack.enter_context(outdated.quick_checks())
        if internals.on("title-text"):
            stack.enter_context(titletext.remembered_titles())
        yield


def _sphinx_dirs(layout: Layout, builder: str) -> tuple[Path, Path, Path]:
    """A builder's output folder, its doctrees folder and the pickled environment in it."""
    doctreedir = layout.work / "doctrees" / _DOCTREES.get(builder, builder)
    return layout.work / builder, doctreedir, doctreedir / "environment.pickle"


def open_sphinx(layout: Layout, builder: str, *, kept: KeptApps, quiet: bool = True, jobs: int = 1) -> None:
    """Have ``kept`` hold the application ``run_sphinx`` will use for ``builder``, without building:
    extensions, theme and environment loaded ahead of a warm process's first build. The
    application holds the environment on disk, so its navigation is the one the last HTML build
    recorded (``NAVIGATION_FILE``)."""
    from sphinx.util.docutils import patch_docutils

    outdir, doctreedir, env_file = _sphinx_dirs(layout, builder)
    configuration = sphinxapp.configuration_key(builder=builder, srcdir=layout.src, confdir=layout.conf, outdir=outdir, doctreedir=doctreedir)
    _output_configuration(layout, builder, configuration, kept)  # emptied before an application writes into it
    key = sphinxapp.app_key(configuration, quiet)
    navigation = _recorded_navigation(layout)
    app = kept.take(builder, key, env_file, navigation)
    if app is None:
        with patch_docutils(layout.conf), sphinxapp.docutils_registry(None):
            app = sphinxapp.create(io.StringIO(), key=key, srcdir=layout.src, confdir=layout.conf, outdir=outdir, doctreedir=doctreedir, builder=builder, quiet=quiet, jobs=jobs)
    kept.keep(builder, app, env_file, navigation=navigation)


def after_build(root: Path, cache: FrontCache | None) -> None:
    """What a warm process does once a build is published, before it waits for the next one: write
    the Sphinx environment its builds left pending (``briefgen.envpickle``), under the project's
    lock, then settle the heap (``gcpause.settle_after_build``). While another build holds the
    lock the file is left to it (that build writes its own). Neither changes the published book,
    so a user waits for neither."""
    layout = Layout(Path(root).resolve())
    if cache is not None and layout.build.is_dir():  # not recreated for a project removed since
        try:
            with build_lock(layout):
                cache.sphinx.write_pending()
        except (BuildLocked, OSError):
            pass
    settle_after_build()


def warm_up(root: Path, formats: tuple[str, ...], *, cache: FrontCache, conf: Path | None = None, jobs: int = 1) -> None:
    """Fill a new warm process's caches as a build of ``formats`` would, publishing nothing.

    Loads, checks, anchors and composes (pages are written to ``_build/src`` only where they
    differ, as a build would write them), and opens the Sphinx applications; when no page
    changed since the last build, runs the HTML one over them (it finds nothing to do, but loads
    what a first build would). Outputs, the stamp
    and the published book are untouched, so a warm-up can never publish a book nobody asked
    for, nor make the next no-change build do work. Raises BuildLocked when a build is running
    and BriefingError on a briefing's problems (the caches keep what was done before).
    """
    layout = Layout(Path(root).resolve(), Path(conf).resolve() if conf else None)
    with build_lock(layout):
        stamp.inputs_digest(layout.root, layout.conf, formats, cache.digests)  # the file digests the next build compares
        with paused_gc():
            prepared = prepare(layout.root, cache)
            pdf_name = f"{book_slug(prepared.briefing)}.pdf"
            offers_pdf = "pdf" in formats or (layout.output("pdf") / pdf_name).is_file()
            edition, changes = with_previous(prepared.briefing, prepared.anchors, cache.edition)
            write_edition_files(edition, layout.work / "edition", cache.edition)
            result = compose_book(prepared.briefing, prepared.anchors, layout.src, pdf=pdf_name if offers_pdf else None, changes=changes, cache=cache.compose)
            navigation = navigation_digest(result.pages, cache.navigation)
            nothing_new = not result.written and not result.removed
            pages = list(result.pages)
            _drop_removed_outputs(layout, result.removed)  # the next build's compose will not see them go
            del prepared, edition, changes, result
        for builder in (["typst"] if "pdf" in formats else []) + (["html"] if "html" in formats else []):
            open_sphinx(layout, builder, kept=cache.sphinx, quiet=True, jobs=jobs)
        if "html" in formats and nothing_new and _same_navigation(layout, navigation):
            # Sphinx with nothing to read or write: it still loads the search index, compiles the
            # templates and checks the static files, which the first build would otherwise pay
            # for. Its output stays in the working folder, the same as the published book's.
            run_sphinx(layout, "html", quiet=True, jobs=jobs, kept=cache.sphinx, pages=pages, navigation=navigation)


def _sphinx_problems(layout: Layout, text: str) -> list[Problem]:
    """Sphinx warnings point at composed pages; say so, so users look at _build/src."""
    problems = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        where = str(layout.src) + os.sep
        problems.append(Problem("sphinx", 0, 0, (), line.replace(where, "_build/src/"), "a composed page failed to render; please report this with the page named above"))
    return problems


def publish_file(built: Path, final_dir: Path) -> Path:
    """Publish a single built file as the only content of its output folder, atomically."""
    with tempfile.TemporaryDirectory(dir=final_dir.parent) as empty:
        publish(Path(empty), final_dir, extra={built.name: built})
    return final_dir / built.name


def _previous_edition_file(root: Path, spec: str | None) -> Path | None:
    """The edition.json file ``previous_edition`` names, if it names a file (else a revision or a folder, or nothing)."""
    if spec is None:
        return None
    path = Path(spec) if Path(spec).is_absolute() else root / spec
    return path.resolve() if path.is_file() else None


def build(
    root: Path,
    formats: tuple[str, ...] = ("html",),
    *,
    conf: Path | None = None,
    progress: Progress | None = None,
    verbose: bool = False,
    jobs: int = 1,
    cache: FrontCache | None = None,
) -> BuildReport:
    """Build the requested formats of the project at ``root``; raise BriefingError on any problem.

    ``cache``: kept by a process that builds the same project again (``serve``), so an edit loads,
    anchors and composes only what it changed. When such a process settles its heap after each
    build (``gcpause.settle_after_build``, as serve does), the front half's objects are frozen
    (``gc.freeze``) before Sphinx runs; the next settle collects them.
    """
    say = progress or (lambda message: None)
    layout = Layout(Path(root).resolve(), Path(conf).resolve() if conf else None)
    if not (layout.conf / "conf.py").is_file():
        raise BriefingError([Problem(str(layout.conf / "conf.py"), 1, 1, (), "Sphinx configuration not found", "pass --conf DIR holding a conf.py, or leave --conf out to use briefgen's defaults")])
    report = BuildReport(list(formats))
    if verbose:
        for line in internals.describe():
            say(line)
    with build_lock(layout), ExitStack() as front_half:
        started_ns = time.time_ns()  # before anything is read: see stamp.record
        inputs = stamp.inputs_digest(layout.root, layout.conf, formats, cache.digests if cache else None)
        if stamp.is_current(layout.root, layout.conf, formats, inputs=inputs):
            report.up_to_date = True
            return report
        stamp.clear(layout.root)
        t0 = time.perf_counter()
        say("checking briefing (load, references, quotes)")
        front_half.enter_context(paused_gc())  # one pause for the whole front half: no collection between its steps walks what they made
        prepared = prepare(layout.root, cache)
        report.timings["prepare"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        slug = book_slug(prepared.briefing)
        pdf_name = f"{slug}.pdf"
        offers_pdf = "pdf" in formats or (layout.output("pdf") / pdf_name).is_file()
        edition, changes = with_previous(prepared.briefing, prepared.anchors, cache.edition if cache else None)
        edition_files = write_edition_files(edition, layout.work / "edition", cache.edition if cache else None)  # published beside the HTML
        del edition
        result = compose_book(prepared.briefing, prepared.anchors, layout.src, pdf=pdf_name if offers_pdf else None, changes=changes, cache=cache.compose if cache else None)
        report.composed = result.written
        articles = set(prepared.briefing.article_paths.values())  # their real paths, as loading resolved them
        report.article_dirs = {Path(folder) for folder in {os.path.dirname(path) for path in articles}}
        files_read: set[Path | str] = set(articles)  # outside briefing/ and conf/: what the no-op check must also compare
        previous = _previous_edition_file(layout.root, prepared.briefing.book.model.previous_edition)
        if previous is not None:
            files_read.add(previous)
        volatile = previous is None and prepared.briefing.book.model.previous_edition is not None  # a git revision or a project folder
        _drop_removed_outputs(layout, result.removed)
        report.timings["compose"] = time.perf_counter() - t0
        navigation = navigation_digest(result.pages, cache.navigation if cache else None)
        same_navigation = _same_navigation(layout, navigation)
        say(f"composed {len(result.pages)} pages ({len(result.written)} changed) in {layout.src.relative_to(layout.root)}/")
        pages = list(result.pages)
        # Sphinx needs only the pages on disk: let the model and the composed text go before it runs
        # (about 250 MB at 1000 sources, otherwise held through Sphinx and copied into its workers).
        # They hold no reference cycles, so reference counting frees them here without a collection.
        del prepared, result, changes
        if cache is not None and cache.settled_since_last_build():  # a warm process that settles its heap after each build (as serve does)
            gc.freeze()  # what it keeps is most of the heap: frozen, no collection during Sphinx walks it (the next settle collects it)
        front_half.close()
        if "pdf" in formats:
            t0 = time.perf_counter()
            say("building PDF: Sphinx Typst builder (compiled in-process; skipped when nothing changed)")
            report.sphinx["typst"] = run_sphinx(layout, "typst", quiet=not verbose, kept=cache.sphinx if cache else None, pages=pages, navigation=navigation, say=say)
            pdf = publish_file(report.sphinx["typst"].outdir / pdf_name, layout.output("pdf"))
            report.timings["pdf"] = time.perf_counter() - t0
            say(f"PDF: {pdf.relative_to(layout.root)}")
        if "html" in formats:
            t0 = time.perf_counter()
            say("building HTML with Sphinx")
            report.sphinx["html"] = run_sphinx(layout, "html", quiet=not verbose, jobs=jobs, write_all=not same_navigation, kept=cache.sphinx if cache else None, pages=pages, navigation=navigation, say=say)
            (layout.work / NAVIGATION_FILE).write_text(navigation)
            pdf = layout.output("pdf") / pdf_name
            # the HTML book serves its own PDF download
            extra = {**edition_files, **({pdf_name: pdf} if offers_pdf and pdf.is_file() else {})}
            publish(report.sphinx["html"].outdir, layout.output("html"), extra=extra)
            report.timings["html"] = time.perf_counter() - t0
            say(f"HTML book: {layout.output('html').relative_to(layout.root)}/index.html")
        stamp.record(layout.root, layout.conf, formats, files_read, inputs=inputs, started_ns=started_ns, volatile=volatile, known=cache.digests if cache else None)  # last: only a complete build is ever "up to date"
    return report
