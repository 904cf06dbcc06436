"""Build the book: prepare, compose, run Sphinx, publish atomically.

Sphinx works in ``_build/.work`` (kept between runs so its incremental build works); the result
is copied next to ``_build/html`` and swapped in only when the whole build succeeded, so a failed
build never touches the last good book. A lock file stops two builds of one project colliding.
"""

from __future__ import annotations

import gc
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.building.brief import (
    BRIEF_PAGES,
    BriefSource,
    brief_markup,
    brief_name,
    compile_brief,
)
from briefgen.building.layout import BuildLocked, Layout, Progress, build_lock
from briefgen.building.navigation import (
    NAVIGATION_FILE,
    navigation_digest,
    same_navigation,
)
from briefgen.building.publish import Staged, stage, stage_files
from briefgen.building.singlefile import single_file, single_name
from briefgen.building.sphinx import (
    SphinxRun,
    drop_removed_outputs,
    open_sphinx,
    run_sphinx,
)
from briefgen.compose.book import compose_book
from briefgen.core.errors import BriefingError, Problem
from briefgen.core.gcpause import paused_gc, settle_after_build
from briefgen.core.load import book_slug
from briefgen.edition.previous import with_previous
from briefgen.edition.records import write_edition_files
from briefgen.sphinxext import internals
from briefgen.trust.prepare import prepare
from briefgen.warm import stamp
from briefgen.warm.front import COLD, ColdFront, FrontCache
from briefgen.warm.sphinxapp import KeptApps


@dataclass
class BuildReport:
    formats: list[str]
    composed: list[str] = field(default_factory=list)  # pages whose Markdown changed
    timings: dict[str, float] = field(default_factory=dict)
    sphinx: dict[str, SphinxRun] = field(default_factory=dict)  # per builder
    # folders holding the article files read (for watchers)
    article_dirs: set[Path] = field(default_factory=set)
    up_to_date: bool = False  # nothing changed since the last successful build: nothing was done
    warnings: list[str] = field(default_factory=list)  # said, not fatal (a brief over two pages)


def after_build(root: Path, cache: FrontCache | None) -> None:
    """What a warm process does once a build is published, before it waits for the next one: write
    the Sphinx environment its builds left pending (``briefgen.warm.envpickle``), under the project's
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


@dataclass
class _Composed:
    """What the front half leaves for Sphinx, the publish and the no-op stamp."""

    pages: list[str]
    written: list[str]
    removed: list[str]
    navigation: str
    pdf_name: str
    offers_pdf: bool
    brief: BriefSource | None  # the brief's Typst markup, when this build makes it
    offers_brief: bool
    edition_files: dict[str, Path]
    # outside briefing/ and conf/: what the no-op check must also compare
    files_read: set[Path | str]
    volatile: bool  # a previous edition named by git revision or project folder: never up to date


def _front_half(
    layout: Layout,
    formats: tuple[str, ...],
    memory: FrontCache | ColdFront,
    timings: dict[str, float],
) -> _Composed:
    """Load, check and anchor; write the edition files; compose the pages into ``_build/src``
    (each written only where its bytes changed) and drop the HTML of pages no longer composed.

    The model and the composed text are let go on return: Sphinx needs only the pages on disk
    (about 250 MB at 1000 sources otherwise held through Sphinx and copied into its workers)."""
    t0 = time.perf_counter()
    prepared = prepare(layout.root, memory)
    timings["prepare"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    briefing = prepared.briefing
    slug = book_slug(briefing)
    pdf_name = f"{slug}.pdf"
    offers_pdf = "pdf" in formats or (layout.output("pdf") / pdf_name).is_file()
    offers_brief = "brief" in formats or (layout.output("pdf") / brief_name(slug)).is_file()
    edition, changes = with_previous(briefing, prepared.anchors, memory.edition)
    brief = (
        brief_markup(
            briefing,
            prepared.anchors,
            changes,
            slug=slug,
            book_pdf=pdf_name if offers_pdf else None,
        )
        if "brief" in formats
        else None
    )
    edition_files = write_edition_files(edition, layout.work / "edition", memory.edition)
    result = compose_book(
        briefing,
        prepared.anchors,
        layout.src,
        pdf=pdf_name if offers_pdf else None,
        brief=brief_name(slug) if offers_brief else None,
        changes=changes,
        cache=memory.compose,
    )
    # their real paths, as loading resolved them
    files_read: set[Path | str] = set(briefing.article_paths.values())
    spec = briefing.book.model.previous_edition
    previous = _previous_edition_file(layout.root, spec)
    if previous is not None:
        files_read.add(previous)
    drop_removed_outputs(layout, result.removed)  # Sphinx keeps the HTML of pages it no longer sees
    timings["compose"] = time.perf_counter() - t0
    return _Composed(
        pages=list(result.pages),
        written=result.written,
        removed=result.removed,
        navigation=navigation_digest(result.pages, memory.navigation),
        pdf_name=pdf_name,
        offers_pdf=offers_pdf,
        brief=brief,
        offers_brief=offers_brief,
        edition_files=edition_files,
        files_read=files_read,
        volatile=previous is None and spec is not None,
    )


def warm_up(
    root: Path,
    formats: tuple[str, ...],
    *,
    cache: FrontCache,
    conf: Path | None = None,
    jobs: int = 1,
) -> None:
    """Fill a new warm process's caches as a build of ``formats`` would, publishing nothing.

    Runs the front half as a build does and opens the Sphinx applications; when no page changed
    since the last build, runs the HTML one over them (it finds nothing to do, but loads what a
    first build would: the search index, the templates, the static files). Outputs, the stamp
    and the published book are untouched, so a warm-up can never publish a book nobody asked
    for, nor make the next no-change build do work. Raises BuildLocked when a build is running
    and BriefingError on a briefing's problems (the caches keep what was done before).
    """
    layout = Layout(Path(root).resolve(), Path(conf).resolve() if conf else None)
    with build_lock(layout):
        # the file digests the next build compares
        stamp.inputs_digest(layout.root, layout.conf, formats, cache.digests)
        with paused_gc():
            composed = _front_half(layout, formats, cache, {})
        for builder in [b for b, fmt in (("typst", "pdf"), ("html", "html")) if fmt in formats]:
            open_sphinx(layout, builder, kept=cache.sphinx, quiet=True, jobs=jobs)
        nothing_new = not composed.written and not composed.removed
        if "html" in formats and nothing_new and same_navigation(layout, composed.navigation):
            run_sphinx(
                layout,
                "html",
                quiet=True,
                jobs=jobs,
                kept=cache.sphinx,
                pages=composed.pages,
                navigation=composed.navigation,
            )


def _previous_edition_file(root: Path, spec: str | None) -> Path | None:
    """The edition.json file ``previous_edition`` names, if it names a file (else a revision or a folder, or nothing)."""
    if spec is None:
        return None
    path = Path(spec) if Path(spec).is_absolute() else root / spec
    return path.resolve() if path.is_file() else None


def _no_configuration(layout: Layout) -> BriefingError:
    where = str(layout.conf / "conf.py")
    return BriefingError(
        [
            Problem(
                where,
                1,
                1,
                (),
                "Sphinx configuration not found",
                "pass --conf DIR holding a conf.py, or leave --conf out to use briefgen's defaults",
            )
        ]
    )


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
        raise _no_configuration(layout)
    memory = cache if cache is not None else COLD
    report = BuildReport(list(formats))
    if verbose:
        for line in internals.describe():
            say(line)
    with build_lock(layout), ExitStack() as front_half:
        started_ns = time.time_ns()  # before anything is read: see stamp.record
        inputs = stamp.inputs_digest(layout.root, layout.conf, formats, memory.digests)
        if stamp.is_current(layout.root, layout.conf, formats, inputs=inputs):
            report.up_to_date = True
            return report
        stamp.clear(layout.root)
        say("checking briefing (load, references, quotes)")
        # one pause for the whole front half: no collection between its steps walks what they made
        front_half.enter_context(paused_gc())
        composed = _front_half(layout, formats, memory, report.timings)
        report.composed = composed.written
        report.article_dirs = {Path(path).parent for path in composed.files_read}
        say(
            f"composed {len(composed.pages)} pages ({len(composed.written)} changed) in {layout.src.relative_to(layout.root)}/"
        )
        if (
            memory.settled_since_last_build()
        ):  # a warm process that settles its heap after each build (as serve does):
            gc.freeze()  # what it keeps is most of the heap; frozen, no collection during Sphinx walks it
        front_half.close()
        _sphinx_and_publish(
            layout,
            formats,
            composed,
            memory.sphinx,
            verbose=verbose,
            jobs=jobs,
            say=say,
            report=report,
        )
        # last: only a complete build is ever "up to date"
        stamp.record(
            layout.root,
            layout.conf,
            formats,
            composed.files_read,
            inputs=inputs,
            started_ns=started_ns,
            volatile=composed.volatile,
            known=memory.digests,
        )
    return report


def brief_name_of(composed: _Composed) -> str:
    return brief_name(composed.pdf_name.removesuffix(".pdf"))


def _build_brief(
    layout: Layout, composed: _Composed, say: Progress, report: BuildReport
) -> Path | None:
    """Compile the brief into the work folder; more pages than BRIEF_PAGES is said, not cropped."""
    if composed.brief is None:
        return None
    t0 = time.perf_counter()
    say("building the brief (Typst)")
    data, pages = compile_brief(composed.brief)
    path = layout.work / "brief" / composed.brief.name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if pages > BRIEF_PAGES:
        report.warnings.append(
            f"the brief runs to {pages} pages (at most {BRIEF_PAGES} are meant): shorten the bottom line or the key judgments"
        )
        say(f"warning: {report.warnings[-1]}")
    report.timings["brief"] = time.perf_counter() - t0
    return path


def _build_single_file(
    layout: Layout, composed: _Composed, verbose: bool, say: Progress, report: BuildReport
) -> Staged:
    """The whole book as one HTML file: Sphinx's one-page HTML, everything it loads put inside."""
    t0 = time.perf_counter()
    say("building the single-file book (Sphinx singlehtml, every file it loads inlined)")
    run = report.sphinx["singlehtml"] = run_sphinx(layout, "singlehtml", quiet=not verbose)
    path = layout.work / "single" / single_name(composed.pdf_name.removesuffix(".pdf"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(single_file(run.outdir / "index.html"), encoding="utf-8")
    report.timings["single"] = time.perf_counter() - t0
    return stage_files({path.name: path}, layout.output("single"))


def _sphinx_and_publish(
    layout: Layout,
    formats: tuple[str, ...],
    composed: _Composed,
    kept: KeptApps | None,
    *,
    verbose: bool,
    jobs: int,
    say: Progress,
    report: BuildReport,
) -> None:
    """Run Sphinx for each format, then publish them all or none: each output is staged (every copy
    made, where a full disk shows) before any is shown, so readers never get the new PDF beside
    the old HTML."""
    staged: list[Staged] = []
    pdf = (
        layout.output("pdf") / composed.pdf_name
    )  # the PDF the HTML book offers: the published one,
    if "pdf" in formats:
        t0 = time.perf_counter()
        say(
            "building PDF: Sphinx Typst builder (compiled in-process; skipped when nothing changed)"
        )
        run = report.sphinx["typst"] = run_sphinx(
            layout,
            "typst",
            quiet=not verbose,
            kept=kept,
            pages=composed.pages,
            navigation=composed.navigation,
            say=say,
        )
        pdf = run.outdir / composed.pdf_name  # or this build's
        if not pdf.is_file():  # Sphinx's Typst builder reported success: a bug, not the briefing
            raise RuntimeError(f"the Typst builder left no {composed.pdf_name}")
        report.timings["pdf"] = time.perf_counter() - t0
    brief = _build_brief(layout, composed, say, report)
    if "pdf" in formats or brief is not None:
        # the PDF folder holds the book and its brief: what this build made, else what was published
        printed = {p.name: p for p in (pdf, brief) if p is not None and p.is_file()}
        if brief is None and composed.offers_brief:
            shown = layout.output("pdf") / brief_name_of(composed)
            printed.update({shown.name: shown} if shown.is_file() else {})
        staged.append(stage_files(printed, layout.output("pdf")))
    if "html" in formats:
        t0 = time.perf_counter()
        say("building HTML with Sphinx")
        write_all = not same_navigation(layout, composed.navigation)
        run = report.sphinx["html"] = run_sphinx(
            layout,
            "html",
            quiet=not verbose,
            jobs=jobs,
            write_all=write_all,
            kept=kept,
            pages=composed.pages,
            navigation=composed.navigation,
            say=say,
        )
        (layout.work / NAVIGATION_FILE).write_text(composed.navigation)
        # the HTML book serves its own PDF download, and the edition files
        offered = brief if brief is not None else layout.output("pdf") / brief_name_of(composed)
        extra = {
            **composed.edition_files,
            **({composed.pdf_name: pdf} if composed.offers_pdf and pdf.is_file() else {}),
            **({offered.name: offered} if composed.offers_brief and offered.is_file() else {}),
        }
        staged.append(stage(run.outdir, layout.output("html"), extra))
        report.timings["html"] = time.perf_counter() - t0
    if "single" in formats:
        staged.append(_build_single_file(layout, composed, verbose, say, report))
    for output in staged:
        output.swap()
    if "pdf" in formats:
        say(f"PDF: {(layout.output('pdf') / composed.pdf_name).relative_to(layout.root)}")
    if brief is not None:
        say(f"brief: {(layout.output('pdf') / brief.name).relative_to(layout.root)}")
    if "single" in formats:
        name = single_name(composed.pdf_name.removesuffix(".pdf"))
        say(f"single-file book: {(layout.output('single') / name).relative_to(layout.root)}")
    if "html" in formats:
        say(f"HTML book: {layout.output('html').relative_to(layout.root)}/index.html")
