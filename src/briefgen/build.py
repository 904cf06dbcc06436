"""Build the book: prepare, compose, run Sphinx, publish atomically.

Sphinx works in ``_build/.work`` (kept between runs so its incremental build works); the result
is copied next to ``_build/html`` and swapped in only when the whole build succeeded, so a failed
build never touches the last good book. A lock file stops two builds of one project colliding.
"""

from __future__ import annotations

import fcntl
import io
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .compose import compose_book
from .errors import BriefingError, Problem
from .pipeline import prepare

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
        return self.conf_dir or self.root / "conf"

    def output(self, fmt: str) -> Path:
        return self.build / fmt


@dataclass
class BuildReport:
    formats: list[str]
    composed: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


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


def publish(staged: Path, final: Path) -> None:
    """Swap a finished output directory into place; the old one is removed only afterwards."""
    fresh = final.with_name(f".{final.name}.new")
    old = final.with_name(f".{final.name}.old")
    for leftover in (fresh, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    shutil.copytree(staged, fresh, ignore=shutil.ignore_patterns(".buildinfo", ".doctrees"))
    if final.exists():
        final.rename(old)
    fresh.rename(final)
    if old.exists():
        shutil.rmtree(old)


def run_sphinx(layout: Layout, builder: str, *, quiet: bool = True, jobs: int = 1) -> Path:
    """Run one Sphinx builder over the composed pages; warnings fail the build with their text."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    outdir = layout.work / builder
    warnings = io.StringIO()
    status = None if quiet else sys.stderr
    with patch_docutils(layout.conf), docutils_namespace():
        try:
            app = Sphinx(
                srcdir=layout.src,
                confdir=layout.conf,
                outdir=outdir,
                doctreedir=layout.work / "doctrees" / builder,
                buildername=builder,
                status=status,
                warning=warnings,
                freshenv=False,
                warningiserror=True,
                parallel=jobs,
            )
            app.build()
        except Exception as exc:  # Sphinx, its extensions and conf.py raise all kinds of errors
            text = warnings.getvalue().strip() or f"{type(exc).__name__}: {exc}"
            raise BriefingError(_sphinx_problems(layout, text)) from None
    if app.statuscode or warnings.getvalue().strip():
        raise BriefingError(_sphinx_problems(layout, warnings.getvalue().strip() or "Sphinx failed"))
    return outdir


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


def build(
    root: Path,
    formats: tuple[str, ...] = ("html",),
    *,
    conf: Path | None = None,
    progress: Progress | None = None,
    verbose: bool = False,
    jobs: int = 1,
) -> BuildReport:
    """Build the requested formats of the project at ``root``; raise BriefingError on any problem."""
    say = progress or (lambda message: None)
    layout = Layout(Path(root).resolve(), Path(conf).resolve() if conf else None)
    if not (layout.conf / "conf.py").is_file():
        raise BriefingError([Problem(str(layout.conf / "conf.py"), 1, 1, (), "Sphinx configuration not found", "pass --conf DIR, or add conf/conf.py to the project")])
    report = BuildReport(list(formats))
    with build_lock(layout):
        t0 = time.perf_counter()
        say("checking briefing (load, references, quotes)")
        prepared = prepare(layout.root)
        report.timings["prepare"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = compose_book(prepared.briefing, prepared.anchors, layout.src)
        report.composed = result.written
        report.timings["compose"] = time.perf_counter() - t0
        say(f"composed {len(result.pages)} pages ({len(result.written)} changed) in {layout.src.relative_to(layout.root)}/")
        for fmt in formats:
            if fmt == "html":
                t0 = time.perf_counter()
                say("building HTML with Sphinx")
                staged = run_sphinx(layout, "html", quiet=not verbose, jobs=jobs)
                publish(staged, layout.output("html"))
                report.timings["html"] = time.perf_counter() - t0
                say(f"HTML book: {layout.output('html').relative_to(layout.root)}/index.html")
            else:
                raise BriefingError([Problem("briefgen", 0, 0, (), f"the {fmt!r} format is not available yet", "build 'html'")])
    return report
