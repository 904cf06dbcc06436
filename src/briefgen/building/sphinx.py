"""Running Sphinx's builders over the composed pages: warnings as located problems, a warm
process's kept application when it may be used, the cold work when it may not."""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Callable, Collection, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.building.imagefiles import ImageUse
from briefgen.building.layout import Layout, Progress
from briefgen.building.navigation import recorded_navigation
from briefgen.core.errors import BriefingError, Problem
from briefgen.core.ownfolder import inside
from briefgen.defaults import CONF_DIR as DEFAULT_CONF
from briefgen.sphinxext import internals
from briefgen.warm import envpickle, knownpages, outdated, sphinxapp, titletext
from briefgen.warm.sphinxapp import KeptApps


@dataclass
class SphinxRun:
    """What Sphinx did: the pages it re-read and the HTML pages it wrote."""

    outdir: Path
    read: list[str] = field(default_factory=list)
    # complete only for serial writes (workers' pages are not seen)
    written: list[str] = field(default_factory=list)
    processes: int = 1  # Sphinx processes used to read and write


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


def drop_removed_outputs(layout: Layout, removed: list[str]) -> None:
    """Sphinx keeps the HTML of pages no longer composed: drop it before anything is published."""
    for doc in removed:
        (layout.work / "html" / f"{doc}.html").unlink(missing_ok=True)


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
    ``kept``: a warm process's Sphinx applications (``briefgen.warm.sphinxapp``): the application of the
    last build is used again when nothing it was created from changed and ``navigation`` (the
    pages, their titles and tables of contents: ``navigation_digest``) is the one it built last.
    ``pages``: the pages compose left in the source folder, handed to a reused application instead
    of its walking the folder (``briefgen.warm.knownpages``).

    An exception inside a reused application's build (a shortcut meeting what it does not model)
    is not the briefing's fault: the build is done again cold, with a new application and a fresh
    environment, and ``say`` (with ``-v``) tells why. Any other exception that Sphinx's warnings do
    not explain is raised as it is: an internal error.
    """
    try:
        return _run_sphinx(
            layout,
            builder,
            quiet=quiet,
            jobs=jobs,
            write_all=write_all,
            kept=kept,
            pages=pages,
            navigation=navigation,
        )
    except _WarmShortcutFailed as failed:
        if say is not None and not quiet:
            say(
                f"a warm shortcut failed ({failed}); building {builder} again with a fresh Sphinx environment"
            )
        return _run_sphinx(
            layout,
            builder,
            quiet=quiet,
            jobs=jobs,
            write_all=True,
            kept=kept,
            pages=pages,
            navigation=navigation,
            fresh=True,
        )


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

    outdir, doctreedir, env_file = sphinx_dirs(layout, builder)
    if fresh and inside(doctreedir, layout.build):
        shutil.rmtree(doctreedir, ignore_errors=True)
    run = SphinxRun(outdir)
    configuration = sphinxapp.configuration_key(
        builder=builder,
        srcdir=layout.src,
        confdir=layout.conf,
        outdir=outdir,
        doctreedir=doctreedir,
    )
    key = sphinxapp.app_key(configuration, quiet)
    configured = _output_configuration(layout, builder, configuration, kept)
    images = ImageUse(layout.work / f"{builder}.images.json")
    known_images = images.start()
    kept_app = (
        kept.take(builder, key, env_file, navigation) if kept is not None and not fresh else None
    )
    reused = kept_app is not None
    warnings = kept_app.warnings if kept_app is not None else io.StringIO()
    with patch_docutils(layout.conf), sphinxapp.docutils_registry(kept_app):
        try:
            if kept_app is None:
                kept_app = _create_app(
                    layout,
                    warnings,
                    key=key,
                    outdir=outdir,
                    doctreedir=doctreedir,
                    builder=builder,
                    quiet=quiet,
                    jobs=jobs,
                )
            else:
                sphinxapp.prepare_reuse(kept_app, jobs)
            kept_app.hooks = {
                "env-before-read-docs": lambda sphinx, env, docnames: _before_reading(
                    run, sphinx, docnames
                ),
                "html-page-context": lambda sphinx, pagename, templatename, context, doctree: (
                    _written(run, images, pagename, context)
                ),
            }
            if write_all or (builder == "html" and not sphinxapp.search_index_loads(kept_app.app)):
                kept_app.hooks["env-get-updated"] = lambda sphinx, env: sorted(env.found_docs)
            deferring = kept is not None and internals.on("deferred-environment")
            environment_file: AbstractContextManager[list[Any]] = (
                envpickle.deferring() if deferring else nullcontext([])
            )
            with (
                environment_file as pending,
                _kept_build(reused, pages),
            ):
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
        # workers' pages are not seen
        images.prune(
            outdir, kept_app.app.env.found_docs, known_images, whole=kept_app.app.parallel <= 1
        )
    configured()
    if kept is not None:
        kept.keep(builder, kept_app, env_file, pending, navigation)
    return run


def _written(run: SphinxRun, images: ImageUse, page: str, context: dict[str, Any]) -> None:
    """An HTML page is being written: note it, and the image files it refers to."""
    run.written.append(page)
    images.saw(page, str(context.get("body", "")))


def _output_configuration(
    layout: Layout, builder: str, key: str, kept: KeptApps | None
) -> Callable[[], None]:
    """Start from an empty output folder when what the builder is configured from changed since
    its last successful build (``sphinxapp.configuration_key``: the configuration folder, briefgen's
    own files, the book's metadata); returns what records the key once the build succeeded.

    Sphinx never deletes from its output folder: a stylesheet the configuration no longer names, a
    template's leftovers, stayed in the book, which a cold build does not have. A configuration
    change makes Sphinx write every page anyway, so starting empty costs little. An application
    kept for the builder goes too: extensions write into the output folder when an application
    is created (sphinx-design 0.7 its stylesheet), which an empty folder no longer holds."""
    outdir, _, env_file = sphinx_dirs(layout, builder)
    record = layout.work / f"{builder}.configuration.sha256"
    try:
        same = record.read_text() == key
    except OSError:
        same = False
    if not same:
        record.unlink(missing_ok=True)
        if inside(outdir, layout.build):
            shutil.rmtree(outdir, ignore_errors=True)
        if kept is not None:
            kept.discard(builder, env_file)

    def configured() -> None:
        record.write_text(key)

    return configured


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
    return BriefingError(
        [
            Problem(
                where,
                1,
                1,
                (),
                f"Sphinx cannot use this configuration: {exc}",
                "fix conf/conf.py (or what it names), or remove conf/ to build with briefgen's defaults",
            )
        ]
    )


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


def sphinx_dirs(layout: Layout, builder: str) -> tuple[Path, Path, Path]:
    """A builder's output folder, its doctrees folder and the pickled environment in it."""
    doctreedir = layout.work / "doctrees" / _DOCTREES.get(builder, builder)
    return layout.work / builder, doctreedir, doctreedir / "environment.pickle"


def open_sphinx(
    layout: Layout, builder: str, *, kept: KeptApps, quiet: bool = True, jobs: int = 1
) -> None:
    """Have ``kept`` hold the application ``run_sphinx`` will use for ``builder``, without building:
    extensions, theme and environment loaded ahead of a warm process's first build. The
    application holds the environment on disk, so its navigation is the one the last HTML build
    recorded (``NAVIGATION_FILE``)."""
    from sphinx.util.docutils import patch_docutils

    outdir, doctreedir, env_file = sphinx_dirs(layout, builder)
    configuration = sphinxapp.configuration_key(
        builder=builder,
        srcdir=layout.src,
        confdir=layout.conf,
        outdir=outdir,
        doctreedir=doctreedir,
    )
    # emptied before an application writes into it
    _output_configuration(layout, builder, configuration, kept)
    key = sphinxapp.app_key(configuration, quiet)
    navigation = recorded_navigation(layout)
    app = kept.take(builder, key, env_file, navigation)
    if app is None:
        with patch_docutils(layout.conf), sphinxapp.docutils_registry(None):
            app = sphinxapp.create(
                io.StringIO(),
                key=key,
                srcdir=layout.src,
                confdir=layout.conf,
                outdir=outdir,
                doctreedir=doctreedir,
                builder=builder,
                quiet=quiet,
                jobs=jobs,
            )
    kept.keep(builder, app, env_file, navigation=navigation)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


# Warnings with a cause outside the briefing, and what to do about each.
KNOWN_CAUSES = (
    (
        re.compile(r"dot command .* cannot be run"),
        "Graphviz is not installed (it draws the actor map): install it (Debian and Ubuntu: "
        "apt-get install graphviz), or name its dot program with graphviz_dot in conf/conf.py",
    ),
)


def _hint(line: str) -> str:
    return next(
        (hint for pattern, hint in KNOWN_CAUSES if pattern.search(line)),
        "a composed page failed to render; please report this with the page named above",
    )


def _sphinx_problems(layout: Layout, text: str) -> list[Problem]:
    """Sphinx warnings point at composed pages; say so, so users look at _build/src. A warning
    with a known cause outside the briefing (a missing program) says what to install."""
    problems = []
    for line in _ANSI.sub("", text).splitlines():  # Sphinx colours its warnings
        line = line.strip()
        if not line:
            continue
        where = str(layout.src) + os.sep
        problems.append(
            Problem(
                "sphinx",
                0,
                0,
                (),
                line.replace(where, "_build/src/"),
                _hint(line),
            )
        )
    return problems
