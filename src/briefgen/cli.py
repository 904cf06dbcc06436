"""The ``briefgen`` command line (click): check a briefing, build its book.

Exit codes: 0 success, 1 problems in the briefing (each printed as ``file:line:col: key: message``),
2 wrong usage, 3 an internal error (a bug: please report it; ``--debug`` shows the traceback).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from briefgen.core.errors import BriefingError, os_problem
from briefgen.core.outtext import lines_for_terminal
from briefgen.core.ownfolder import UntrustedBuildFolder

if TYPE_CHECKING:
    from briefgen.building.layout import Layout
    from briefgen.trust.prepare import Prepared


def _echo(message: object = "", **kwargs: Any) -> None:
    """``click.echo`` of text that may hold a briefing's data (names, quotes, paths): control and
    bidi characters are shown as escapes, never sent to the terminal raw (``core.outtext``)."""
    click.echo(lines_for_terminal(str(message)), **kwargs)


def _secho(message: object = "", **kwargs: Any) -> None:
    click.secho(lines_for_terminal(str(message)), **kwargs)


EXIT_PROBLEMS = 1
EXIT_INTERNAL = 3

project_option = click.option(
    "-p",
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Project folder: the one holding briefing/ (and the article texts; conf/ is optional).",
)


def _report(exc: BriefingError) -> None:
    for problem in exc.problems:
        _echo(str(problem), err=True)
    n = len(exc.problems)
    _secho(f"{n} problem{'s' if n != 1 else ''} found", fg="red", err=True)


class _Group(click.Group):
    """Turns any unexpected exception into one clear line instead of a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except BriefingError as exc:
            _report(exc)
            ctx.exit(EXIT_PROBLEMS)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            _echo("interrupted", err=True)
            ctx.exit(130)
        except UntrustedBuildFolder as exc:
            _echo(f"briefgen: {exc}", err=True)
            ctx.exit(EXIT_PROBLEMS)
        except OSError as exc:  # the machine, not briefgen: a full disk, a read-only folder, a port
            if ctx.obj and ctx.obj.get("debug"):
                raise
            _echo(f"briefgen: {os_problem(exc)}", err=True)
            ctx.exit(EXIT_PROBLEMS)
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            _echo(
                f"internal error: {type(exc).__name__}: {exc} (this is a bug in briefgen; rerun with --debug for details)",
                err=True,
            )
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
@click.version_option(package_name="briefgen")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Turn curated YAML summaries of news articles into a citable briefing book.

    A project holds briefing/book.yaml (title, parties, issues, bottom line),
    briefing/sources/<id>.yaml (one per article: outlet, date, grade, key points),
    the section files (background, actors, positions, timeline, questions, method)
    and the article texts in seeds/. Every claim cites {source: ID, quote: "exact words"};
    each quote must occur in its article.

    \b
    Typical loop:
      briefgen init my-briefing # start a new briefing (an example that builds)
      briefgen check            # fast: load, cross-check, anchor every quote
      briefgen build            # HTML book in _build/html/
      briefgen build all        # HTML and PDF
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _warning_codes() -> str:
    from briefgen.trust.lint import CODES

    return "\b\nWarning codes:\n" + "\n".join(
        f"  {code:<22} {text}" for code, text in CODES.items()
    )


class _CodesEpilog(click.Command):
    """Lists the warning codes in its help, importing them only when help is shown (not on every start)."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.epilog = _warning_codes()
        super().format_epilog(ctx, formatter)


@main.command(cls=_CodesEpilog)
@project_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1 if there are any).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output for people or for tools.",
)
def check(project: Path, strict: bool, fmt: str) -> None:
    """Check the briefing without building: YAML, references and every quote.

    Errors stop a build; warnings point at weaknesses (uncited sources, key
    judgments resting on one origin, sections citing one source, quotes that
    match only typographically, unused issues or parties, events out of order)
    and at claims that may say more than their quotes: details no cited passage
    carries, outlets or speakers the citations do not back, key judgments off
    the ICD 203 scale or more confident than their sourcing, and postures that
    cite none of the party's statements. These read words, not meaning: use
    'briefgen review' to read every claim beside its quotes.
    Each problem prints as file:line:col: key.path: message (hint: ...).
    Exit 0 when sound, 1 on errors (or on warnings with --strict).

    \b
    Examples:
      briefgen check
      briefgen check --strict --format json > report.json
    """
    from briefgen.trust.lint import lint
    from briefgen.trust.prepare import prepare

    try:
        prepared = prepare(project)
    except BriefingError as exc:
        if fmt == "json":
            _echo(
                json.dumps(
                    {
                        "ok": False,
                        "errors": [p.as_dict() for p in exc.problems],
                        "warnings": [],
                        "stats": {},
                    },
                    indent=2,
                )
            )
            raise click.exceptions.Exit(EXIT_PROBLEMS) from None
        raise
    report = lint(prepared.briefing, prepared.anchors)
    texts = prepared.anchors.texts.values()
    stats = {
        "sources": len(prepared.briefing.sources),
        "quotes": sum(len(t.anchors) for t in texts),
        "typographic_quotes": sum(1 for t in texts for a in t.anchors.values() if not a.exact),
        **report.stats,
        "warnings": len(report.warnings),
    }
    failed = strict and bool(report.warnings)
    if fmt == "json":
        _echo(
            json.dumps(
                {
                    "ok": not failed,
                    "errors": [],
                    "warnings": [w.as_dict() for w in report.warnings],
                    "stats": stats,
                },
                indent=2,
            )
        )
    else:
        for warning in report.warnings:
            _echo(str(warning), err=True)
        _echo(
            f"{'failed (--strict)' if failed else 'ok'}: {stats['sources']} sources, {stats['quotes']} distinct quotes anchored "
            f"({stats['typographic_quotes']} by typographic tolerance); {stats['warnings']} warnings; "
            f"{stats['single_origin_claims']} of {stats['claims']} claims rest on a single origin"
        )
    if failed:
        raise click.exceptions.Exit(EXIT_PROBLEMS)


@main.command()
@project_option
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for review.html and review.csv [default: PROJECT/_build/review].",
)
def review(project: Path, out: Path | None) -> None:
    """Write the evidence sheet: every claim beside its quotes in context.

    One HTML page (sortable, filterable, works offline) lists each claim with
    every quote marked in its paragraph of the article, the source's grade,
    the claim's independent origins and the warnings 'check' gives it, so an
    editor can audit a whole briefing in one sitting. review.csv has one row
    per citation for spreadsheets. No book build is needed.

    \b
    Examples:
      briefgen review && xdg-open _build/review/review.html
      briefgen review -o /tmp/sheet
    """
    from briefgen.trust.prepare import prepare
    from briefgen.trust.review import write_review

    prepared = prepare(project)
    html_path, csv_path, rows = write_review(
        prepared.briefing, prepared.anchors, out or project / "_build" / "review"
    )
    warned = sum(1 for r in rows if r.warnings)
    _echo(
        f"wrote {html_path} and {csv_path.name}: {len(rows)} claims, {sum(len(r.evidence) for r in rows)} citations, {warned} with warnings"
    )


jobs_option = click.option(
    "-j", "--jobs", default="auto", show_default=True,
    help="Parallel Sphinx processes for HTML: a number, or 'auto' for one per core (used when many pages must be re-read).",
)  # fmt: skip


def _jobs(value: str) -> int:
    if value == "auto":
        return os.cpu_count() or 1
    if value.isdigit() and int(value) > 0:
        return int(value)
    raise click.BadParameter(
        f"{value!r} is not a number of processes or 'auto'", param_hint="--jobs"
    )


@main.command()
@click.argument("formats", nargs=-1, type=click.Choice(["html", "pdf", "brief", "single", "all"]))
@project_option
@click.option(
    "--conf",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Sphinx configuration folder [default: PROJECT/conf if it has a conf.py, else briefgen's defaults].",
)
@click.option("-v", "--verbose", is_flag=True, help="Show Sphinx's own progress output.")
@jobs_option
@click.option(
    "--server/--no-server", default=None,
    help="Hand the build to the project's warm build server, starting one if none runs (see 'briefgen server') [default: on; off when CI or BRIEFGEN_BUILD_SERVER=0 is set].",
)  # fmt: skip
@click.pass_context
def build(
    ctx: click.Context,
    formats: tuple[str, ...],
    project: Path,
    conf: Path | None,
    verbose: bool,
    jobs: str,
    server: bool | None,
) -> None:
    """Build the book: HTML (default), pdf, brief, single, or all.

    Checks the briefing first (as 'check' does), composes MyST pages into
    _build/src/, runs Sphinx, and only then replaces _build/html/: a failed
    build leaves the last good book untouched. A build with nothing changed
    since the last one stops at once.

    The first build leaves a build server behind (a process that keeps the
    parsed briefing and Sphinx loaded, stopping after 30 idle minutes); later
    builds hand it their work and finish in a fraction of the time. Output,
    exit codes and the book are the same either way. --no-server builds in
    this process only.

    \b
    Examples:
      briefgen build              # HTML -> _build/html/index.html
      briefgen build html pdf     # both
      briefgen build brief        # two pages: bottom line, key judgments
      briefgen build all          # HTML, PDF and brief
      briefgen build single       # one self-contained HTML file, to attach or carry
      briefgen build --no-server  # no warm process left behind
    """
    from briefgen import server as buildserver

    wanted: list[str] = []
    for fmt in formats or ("html",):
        for f in ("html", "pdf", "brief") if fmt == "all" else (fmt,):
            if f not in wanted:
                wanted.append(f)
    n_jobs = _jobs(jobs)

    def say(message: str) -> None:
        _echo(f"briefgen: {message}", err=True)

    in_server = ctx.obj.get("server") if ctx.obj else None
    use_server = in_server is None and buildserver.wanted(server)
    # The no-op check, before importing the build machinery: a no-op costs next to nothing. A running
    # server makes the same check faster (it remembers the files it hashed), and a build inside it was just checked by its client.
    if (
        in_server is None
        and not (use_server and buildserver.is_running(project.resolve()))
        and _up_to_date(project, conf, wanted)
    ):
        return
    if use_server:
        argv = [
            *(["--debug"] if ctx.obj and ctx.obj.get("debug") else []),
            "build",
            *wanted,
            "-p",
            str(project),
            "-j",
            jobs,
            *(["--conf", str(conf)] if conf else []),
            *(["-v"] if verbose else []),
        ]
        code = buildserver.delegate(project.resolve(), argv, color=sys.stderr.isatty(), say=say)
        if code is not None:
            ctx.exit(code)
    from briefgen.building.book import build as run_build
    from briefgen.building.layout import BuildLocked

    try:
        report = run_build(
            project,
            tuple(wanted),
            conf=conf,
            progress=say,
            verbose=verbose,
            jobs=n_jobs,
            cache=in_server.cache if in_server else None,
        )
    except BuildLocked as exc:
        raise click.ClickException(str(exc)) from None
    # Only after a build that went through: a failed, interrupted or mistyped one leaves nothing running.
    if use_server and buildserver.spawn(project.resolve(), wanted, jobs, conf=conf):
        say(
            f"started a build server for this project: the next builds reuse its warm state (it stops after {buildserver.IDLE_MINUTES} idle minutes; 'briefgen server stop' stops it now)"
        )
    if report.up_to_date:
        _say_up_to_date(project, wanted)
        return
    total = sum(report.timings.values())
    _echo(f"built {', '.join(report.formats)} in {total:.1f}s")


def _up_to_date(project: Path, conf: Path | None, formats: list[str]) -> bool:
    """True (and says so) when nothing the build reads changed since the last successful build."""
    from briefgen.warm.stamp import conf_dir, is_current

    root = project.resolve()
    if not is_current(root, conf_dir(root, conf.resolve() if conf else None), formats):
        return False
    _say_up_to_date(project, formats)
    return True


def _say_up_to_date(project: Path, formats: list[str]) -> None:
    outputs = " and ".join(str(project / "_build" / fmt) for fmt in formats)
    _echo(f"briefgen: nothing changed since the last build; {outputs} up to date", err=True)
    _echo(f"built {', '.join(formats)}: up to date, nothing to do")


@main.command()
@project_option
@click.option(
    "--keep-going",
    is_flag=True,
    hidden=True,
    help="Report problems but exit 0 (used by serve, whose runner prints a traceback on failure).",
)
def compose(project: Path, keep_going: bool) -> None:
    """Check the briefing and write the MyST pages to _build/src/, without Sphinx.

    Only pages whose text changed are rewritten. Useful to read the generated
    book as Markdown, and used by 'serve' before each rebuild.

    \b
    Example:
      briefgen compose && less _build/src/timeline.md
    """
    from briefgen.building.layout import BuildLocked, Layout, build_lock
    from briefgen.compose.book import compose_book
    from briefgen.edition.previous import with_previous
    from briefgen.trust.prepare import prepare

    layout = Layout(project.resolve())
    try:
        with build_lock(layout):  # a build running now owns _build/src
            prepared = prepare(project)
            _, changes = with_previous(prepared.briefing, prepared.anchors)
            result = compose_book(
                prepared.briefing,
                prepared.anchors,
                layout.src,
                pdf=_existing_pdf(layout, prepared),
                changes=changes,
            )
    except (BriefingError, BuildLocked) as exc:
        if not keep_going:
            if isinstance(exc, BuildLocked):
                raise click.ClickException(str(exc)) from None
            raise
        if isinstance(exc, BriefingError):
            _report(exc)
        else:
            _echo(str(exc), err=True)
        _secho("the page shows the last good build until this is fixed", fg="yellow", err=True)
        return
    shown = ", ".join(result.written[:8]) + (
        f" and {len(result.written) - 8} more" if len(result.written) > 8 else ""
    )
    _echo(f"composed {len(result.pages)} pages ({len(result.written)} changed: {shown or 'none'})")


def _existing_pdf(layout: Layout, prepared: Prepared) -> str | None:
    """The PDF the HTML book may offer: only one that has been built."""
    from briefgen.core.load import book_slug

    name = f"{book_slug(prepared.briefing)}.pdf"
    return name if (layout.output("pdf") / name).is_file() else None


@main.command()
@project_option
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port on 127.0.0.1 (0 picks a free one).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the book in a browser.")
@jobs_option
def serve(project: Path, port: int, host: str, open_browser: bool, jobs: str) -> None:
    """Live preview: rebuild and reload the browser on every save.

    Builds the HTML book, serves it, and watches briefing/, seeds/, conf/ and
    the folders holding the article files. Each save re-checks the briefing,
    re-composes it, and Sphinx rebuilds only the pages that changed (a
    one-event edit of the shipped book takes well under a second); the
    browser then reloads. A broken edit prints its located error here and the
    last good book stays on screen. Ctrl-C stops the server.

    \b
    Example:
      briefgen serve --open
    """
    from briefgen.building.book import after_build, build
    from briefgen.building.layout import Layout
    from briefgen.serve import check_port, free_port, linked_folders, serve_book
    from briefgen.warm.front import FrontCache
    from briefgen.warm.stamp import clear as clear_stamp

    layout = Layout(project.resolve())
    port = port or free_port(host)
    problem = check_port(host, port)
    if problem:
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {problem} (pick another with --port, or --port 0 for any free one)"
        )
    watch = {layout.root / "briefing", layout.root / "seeds", layout.conf}
    n_jobs = _jobs(jobs)
    # the warm front half: every rebuild of this server reuses what did not change
    cache = FrontCache()
    # build even if nothing changed: it fills the cache and finds the article folders to watch
    clear_stamp(layout.root)
    _echo("briefgen: building the HTML book", err=True)
    try:
        # article texts may live anywhere inside the project: watch the folders that hold them
        watch |= build(layout.root, ("html",), jobs=n_jobs, cache=cache).article_dirs
        after_build(layout.root, cache)
    except BriefingError as exc:
        if not (layout.output("html") / "index.html").is_file():
            raise  # nothing good to show yet
        _report(exc)
        _echo("serving the last good book until the errors above are fixed", err=True)
    watched = {w for w in watch if w.is_dir()}
    linked = linked_folders(watched)
    if linked:  # the watcher would follow it, into a tree it cannot watch (a link to /)
        raise click.ClickException(
            f"{linked[0]} is a link to a folder; serve watches the project's own folders and will not follow it (remove the link, or build with 'briefgen build')"
        )
    _echo(f"briefgen: serving {layout.root.name} on http://{host}:{port}/ (Ctrl-C stops)", err=True)
    serve_book(
        layout.root,
        host=host,
        port=port,
        watch=watched,
        jobs=n_jobs,
        open_browser=open_browser,
        cache=cache,
    )


@main.group()
def server() -> None:
    """The build server: a warm process that 'briefgen build' hands its builds to.

    A fresh 'briefgen build' spends seconds importing Sphinx and reloading
    what the last build knew before it starts on an edit. The first build of a
    project therefore starts a build server in the background (one per
    project and user, reached through a private socket); later builds send it
    their work, and it rebuilds only what the edit changed, with the same
    messages, exit codes and book as a build in its own process. It stops
    after 30 idle minutes, when briefgen or its dependencies change, or when
    told to. Nothing is left running with 'briefgen build --no-server', with
    BRIEFGEN_BUILD_SERVER=0, or when CI is set.

    \b
    Examples:
      briefgen server status      # is one running? pid, builds, memory
      briefgen server stop
      briefgen server start --idle 120
    """


server_conf_option = click.option(
    "--conf",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Sphinx configuration folder, as for 'build' (the warm-up opens Sphinx with it).",
)
idle_option = click.option(
    "--idle",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Minutes without a build before the server stops [default: 30].",
)
format_option = click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["html", "pdf"]),
    default=("html",),
    show_default=True,
    help="Formats the warm-up build makes (repeat for both).",
)


@server.command("start")
@project_option
@server_conf_option
@jobs_option
@idle_option
@format_option
def server_start(
    project: Path, conf: Path | None, jobs: str, idle: float | None, formats: tuple[str, ...]
) -> None:
    """Start the project's build server now and wait until it is warm.

    The warm-up loads, checks and composes the briefing and opens Sphinx, as
    a build would, but publishes nothing.
    """
    from briefgen import server as buildserver

    _jobs(jobs)
    root = project.resolve()
    files = buildserver.server_files(root)
    if files is None:
        raise click.ClickException(
            "no private folder for the server's socket (XDG_RUNTIME_DIR and the temporary folder are unusable or their paths too long)"
        )
    if not buildserver.spawn(
        root, list(formats), jobs, conf=conf, idle_minutes=idle or buildserver.IDLE_MINUTES
    ):
        _echo(f"a build server already runs for {root}")
        return
    _echo("briefgen: build server starting; warming up", err=True)
    state = buildserver.wait_until_ready(root, timeout_s=3600)
    if state is None:
        raise click.ClickException(f"the build server did not come up; its log: {files.log}")
    _echo(f"build server ready for {root} (pid {state['pid']})")


def _server_log(project: Path) -> str:
    from briefgen import server as buildserver

    files = buildserver.server_files(project.resolve())
    return str(files.log) if files is not None else "(no private folder for the server's files)"


@server.command("status")
@project_option
def server_status(project: Path) -> None:
    """Say whether the project has a build server, and what it holds. Exit 1 when none runs."""
    from briefgen import server as buildserver

    state = buildserver.status(project.resolve())
    if state is None:
        _echo(f"no build server for {project.resolve()}")
        raise SystemExit(1)
    if state.get("busy"):
        _echo(
            f"a build server runs for {project.resolve()} and is building; ask again when it is done"
        )
        _echo(f"log: {_server_log(project)}")
        return
    memory = state.get("memory_mib", {})
    _echo(
        f"build server for {state['root']}: pid {state['pid']}, {'ready' if state['ready'] else 'warming up'}, "
        f"{state['builds']} build(s) served, {memory.get('resident', '?')} MiB resident (peak {memory.get('peak', '?')} MiB), "
        f"stops after {state['idle_minutes']:g} idle minutes"
    )
    _echo(f"log: {_server_log(project)}")


@server.command("stop")
@project_option
def server_stop(project: Path) -> None:
    """Stop the project's build server (after the build it is doing, if any)."""
    from briefgen import server as buildserver

    outcome = buildserver.stop(project.resolve())
    if outcome == "busy":
        raise click.ClickException(
            f"the build server for {project.resolve()} did not answer in time; it may still be building"
        )
    _echo(
        f"stopped the build server for {project.resolve()}"
        if outcome == "stopped"
        else f"no build server for {project.resolve()}"
    )


@server.command("run", hidden=True)
@project_option
@server_conf_option
@jobs_option
@idle_option
@format_option
@click.option(
    "--lock-fd",
    type=int,
    default=None,
    hidden=True,
    help="The project's lock, already taken by the process that started this one.",
)
def server_run(
    project: Path,
    conf: Path | None,
    jobs: str,
    idle: float | None,
    formats: tuple[str, ...],
    lock_fd: int | None,
) -> None:
    """Run the build server in this process (what 'start' and 'build' launch in the background)."""
    from briefgen import server as buildserver

    def say(message: str) -> None:
        _echo(f"briefgen server: {message}", err=True)

    code = buildserver.run_server(
        project,
        command=main,
        formats=list(formats),
        n_jobs=_jobs(jobs),
        conf=conf,
        idle_minutes=idle or buildserver.IDLE_MINUTES,
        say=say,
        lock_fd=lock_fd,
    )
    raise SystemExit(code)


@main.command()
@click.argument("folder", type=click.Path(file_okay=True, path_type=Path), default=Path("."))
@click.option(
    "--bare", is_flag=True, help="Only the skeleton: book.yaml, empty sections, no sample source."
)
def init(folder: Path, bare: bool) -> None:
    """Start a new briefing in FOLDER (default: here).

    Writes a small example that passes 'briefgen check' and builds at once:
    briefing/book.yaml (commented: two parties, one issue, the bottom line),
    one sample article in seeds/ with its source file, one cited claim in
    each section, JSON Schemas for your editor, a .gitignore, a README, and
    publishing set-ups for GitHub Pages and Read the Docs. Never overwrites
    an existing briefing.

    \b
    Examples:
      briefgen init my-briefing
      briefgen init my-briefing --bare     # then: briefgen new-source ARTICLE
    """
    from briefgen.project.scaffold import NEXT_STEPS, init_project

    done = init_project(folder, bare=bare)
    _echo(
        f"started a briefing in {done.root}/ ({len(done.files)} files{', skeleton only' if bare else ''})"
    )
    _echo("next:")
    if folder.resolve() != Path.cwd().resolve():
        _echo(f"  cd {folder}")
    if bare:
        _echo(
            "  briefgen new-source ARTICLE  # add your first article (web address, .txt or saved .html)"
        )
    for step in NEXT_STEPS:
        _echo(f"  {step}")


@main.command("new-source")
@click.argument("article")
@project_option
@click.option(
    "--id",
    "source_id",
    default=None,
    help="Source id (lowercase slug) [default: outlet and date, else the title].",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Seconds to wait for a web address [default: 20, or BRIEFGEN_FETCH_TIMEOUT].",
)
def new_source(article: str, project: Path, source_id: str | None, timeout: float | None) -> None:
    """Add an article (a web address, a .txt or a saved .html page) to the briefing.

    Copies the article text into seeds/<id>.txt and writes a stub
    briefing/sources/<id>.yaml with what could be detected (title, outlet,
    author, date, each with a note of how it was found) and TODO markers for
    the rest. 'briefgen check' then lists every TODO left to fill in.

    A web address (http or https) is retrieved, following redirects: the page
    is kept as served in seeds/originals/<id>.html, and the stub's 'snapshot'
    records its SHA-256, the time and the final address. A failed retrieval
    (an error status, a timeout, not a web page, too large) writes nothing.

    \b
    Examples:
      briefgen new-source https://example.org/news/harbour-strike
      briefgen new-source ~/Downloads/article.html
      briefgen new-source notes/wire-report.txt --id wire-report-2025-03
    """
    from briefgen.project.fetch import is_web_address
    from briefgen.project.newsource import add_source

    # a FIFO or a device passes here: add_source refuses it as check would, in check's words
    if not is_web_address(article) and (not Path(article).exists() or Path(article).is_dir()):
        raise click.BadParameter(
            f"{article!r} is neither an http(s) address nor a file", param_hint="ARTICLE"
        )
    seed, stub_path, found = add_source(
        project, article if is_web_address(article) else Path(article), source_id, timeout=timeout
    )
    if found.snapshot:
        _echo(f"kept the page as retrieved in {found.snapshot['file']}")
    _echo(f"copied the article text to {seed.relative_to(project)}")
    _echo(f"wrote {stub_path.relative_to(project)}")
    for name in ("title", "outlet", "author", "date", "url"):
        value = getattr(found, name)
        if value:
            _echo(f"  {name}: {value} ({found.how[name]})")
        else:  # not found, or found but not to be trusted (an address given as the site's name)
            _echo(
                f"  {name}: TODO"
                + (f" ({found.how[name]})" if name in found.how else " (not found)")
            )
    _echo("next: fill in the TODOs, cite the source from a section, then run 'briefgen check'")


@main.command()
@click.argument("old")
@click.argument("new", required=False)
@project_option
def diff(old: str, new: str | None, project: Path) -> None:
    """Print what changed between two editions of the briefing.

    OLD and NEW are each an edition.json (as every build writes beside the
    HTML), a project folder, or a git revision (tag, branch, commit) of the
    project; NEW defaults to the project as it is now. Lists the claims
    added, removed and reworded (a word diff: [-old-] {+new+}), new and
    dropped sources, changed grades, key judgments whose likelihood or
    confidence changed, changed postures, new timeline events and new or
    answered questions: the same as the book's What's new page.

    \b
    Examples:
      briefgen diff v1                          # since the tag v1
      briefgen diff old/edition.json _build/html/edition.json
      briefgen diff HEAD~3 HEAD
    """
    from briefgen.edition.changes import compare, format_changes
    from briefgen.edition.previous import (
        EditionNotFound,
        edition_of_project,
        resolve_edition,
    )

    try:
        before = resolve_edition(old, project, base=Path.cwd())
        after = (
            resolve_edition(new, project, base=Path.cwd()) if new else edition_of_project(project)
        )
    except EditionNotFound as exc:
        raise click.ClickException(
            f"{exc} (give an edition.json, a project folder or a git revision)"
        ) from None
    _echo(format_changes(compare(before, after)), nl=False)


@main.command()
@project_option
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the schemas [default: PROJECT/schemas].",
)
def schema(project: Path, out: Path | None) -> None:
    """Write a JSON Schema for each kind of YAML file, for editors.

    With the schemas in place, editors that use yaml-language-server (VS Code's
    YAML extension, and others) validate and complete the briefing as you type.
    Each shipped YAML file names its schema on its first line. Also writes
    edition.schema.json, the schema of the edition.json every build publishes.

    \b
    Example:
      briefgen schema            # writes schemas/book.schema.json, ...
    """
    from briefgen.core.model import FILE_KINDS
    from briefgen.project.schema import OUTPUT_KINDS, write_schemas

    target = out or project / "schemas"
    changed = write_schemas(target)
    _echo(
        f"wrote {len(FILE_KINDS) + len(OUTPUT_KINDS)} schemas to {target}/ ({len(changed)} changed)"
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
