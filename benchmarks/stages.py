"""One benchmark run in its own process: time and peak memory of each stage of a build.

Usage: python benchmarks/stages.py PROJECT [--pdf] [--jobs N]
Prints one JSON object: {stage: {"s": seconds, "peak_mib": ...}, ...}.

The cold build runs stage by stage in this process (load, anchor, compose, Sphinx HTML, PDF), so
each stage has its own time. Rebuilds are measured three ways: as a user runs them (``briefgen
build`` in a fresh process, handed to the project's warm build server as every build after the
first is), the same without a server (interpreter start, imports and a cold front half included),
and warm, in this process, with the front-half cache that ``briefgen serve`` keeps. Sphinx's own no-change rebuild (``sphinx-build``
in a fresh process, same pages and environment) is measured too, to compare briefgen's no-op with. A fresh process per run means cold caches and a peak
memory figure that belongs to this run; Sphinx's worker processes count (RUSAGE_CHILDREN).
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

from briefgen.building.book import after_build, build
from briefgen.building.brief import brief_markup, compile_brief
from briefgen.building.layout import Layout
from briefgen.building.navigation import NAVIGATION_FILE, navigation_digest
from briefgen.building.publish import publish
from briefgen.building.singlefile import single_file
from briefgen.building.sphinx import run_sphinx
from briefgen.compose.book import compose_book
from briefgen.core.load import book_slug, load_briefing
from briefgen.core.validate import check_references
from briefgen.trust.anchor import anchor_briefing
from briefgen.warm.front import FrontCache

BRIEFGEN = Path(sys.executable).with_name("briefgen")


def peak_mib() -> float:
    """Largest resident set of this process or any finished child so far (Linux reports KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def edit_one_event(root: Path, tag: str) -> None:
    """Change the first event's title, as an analyst correcting a heading would."""
    path = root / "briefing" / "timeline.yaml"
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(r"(title: )(.+)", rf"\1\2 ({tag})", text, count=1)
    assert n == 1
    path.write_text(new, encoding="utf-8")


def cli_build(root: Path, jobs: int, *, server: bool = False) -> float:
    """``briefgen build html`` in a fresh process; ``server``: handed to the project's build server."""
    t0 = time.perf_counter()
    done = subprocess.run(
        [
            str(BRIEFGEN),
            "build",
            "html",
            "-p",
            str(root),
            "-j",
            str(jobs),
            "--server" if server else "--no-server",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"briefgen build failed:\n{done.stdout}\n{done.stderr}")
    if server and "started a build server" in done.stderr:
        raise SystemExit("the build was meant for a running build server, but none was running")
    return time.perf_counter() - t0


def build_server(root: Path, *args: str) -> str:
    done = subprocess.run(
        [str(BRIEFGEN), "server", *args, "-p", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"briefgen server {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def server_status(root: Path) -> dict:
    """The build server's own account, asked from a fresh process (this one's imports do not matter)."""
    code = f"import json; from pathlib import Path; from briefgen.server import status; print(json.dumps(status(Path({str(root)!r}))))"
    return json.loads(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    )


def sphinx_no_change(layout: Layout, jobs: int) -> float:
    """Sphinx's own no-change rebuild of the composed pages, as ``sphinx-build`` in a fresh process."""
    cmd = [
        sys.executable,
        "-m",
        "sphinx",
        "build",
        "-q",
        "-b",
        "html",
        "-j",
        str(jobs),
        "-c",
        str(layout.conf),
        "-d",
        str(layout.work / "doctrees" / "shared"),
        str(layout.src),
        str(layout.work / "html"),
    ]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"sphinx-build failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("project", type=Path)
    parser.add_argument("--pdf", action="store_true")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    root = args.project.resolve()
    layout = Layout(root)
    out: dict[str, dict[str, float]] = {}

    def stage(name: str, fn):
        t0 = time.perf_counter()
        result = fn()
        out[name] = {"s": time.perf_counter() - t0, "peak_mib": peak_mib()}
        return result

    def front_half() -> tuple[str, int]:
        """Load, anchor and compose; the model goes out of scope on return, as in build()."""
        briefing = stage("load", lambda: load_briefing(root))
        anchors = stage(
            "anchor", lambda: (check_references(briefing), anchor_briefing(briefing)[0])[1]
        )
        result = stage("compose", lambda: compose_book(briefing, anchors, layout.src))
        # the two-page brief: made from the model, compiled by Typst on its own
        stage(
            "brief",
            lambda: compile_brief(
                brief_markup(briefing, anchors, None, slug=book_slug(briefing), book_pdf=None)
            ),
        )
        layout.work.mkdir(parents=True, exist_ok=True)
        # as build() records it
        (layout.work / NAVIGATION_FILE).write_text(navigation_digest(result.pages))
        return book_slug(briefing), sum(len(t.anchors) for t in anchors.texts.values())

    _, quotes = front_half()
    stage(
        "sphinx_html",
        lambda: publish(run_sphinx(layout, "html", jobs=args.jobs).outdir, layout.output("html")),
    )
    if (
        args.pdf
    ):  # after the HTML, as `briefgen build all` shares the parsed pages: write + Typst compile
        stage("pdf", lambda: run_sphinx(layout, "typst"))
        stage("pdf_no_change", lambda: run_sphinx(layout, "typst"))  # the compile is skipped
        # the single-file book: a singlehtml build of every page, everything it loads inlined
        stage(
            "single",
            lambda: single_file(run_sphinx(layout, "singlehtml").outdir / "index.html"),
        )
    cold_peak = peak_mib()
    out["sphinx_no_change"] = {"s": sphinx_no_change(layout, args.jobs)}
    # The first build() of this process: it finds nothing to compose or read, records the build's
    # stamp and fills the warm cache (what `briefgen serve` holds after its first build).
    cache = FrontCache()
    stage("no_change_full", lambda: build(root, ("html",), jobs=args.jobs, cache=cache))
    # as serve does once a build is published (not timed: the book is already up)
    after_build(root, cache)
    out["no_change_cli"] = {"s": cli_build(root, args.jobs)}
    stage("no_change_warm", lambda: build(root, ("html",), jobs=args.jobs, cache=cache))
    after_build(root, cache)
    # The warm edit first, as in serve: no other build has touched the environment since this
    # process's last one, so it keeps its Sphinx application (a build by another process would
    # make it start a new one, see briefgen.warm.sphinxapp).
    edit_one_event(root, "warm")
    report = stage("edit_warm", lambda: build(root, ("html",), jobs=args.jobs, cache=cache))
    # as serve does once the book is published (the environment's file, the heap): not timed
    after_build(root, cache)
    edit_one_event(root, "cli")
    out["edit_cli_fresh"] = {"s": cli_build(root, args.jobs)}
    # As a user's second and later builds run: handed to the build server that the first one left
    # (started here explicitly, and waited for until warm, so the figure is of a warm server).
    build_server(root, "start", "-j", str(args.jobs))
    try:
        edit_one_event(root, "server")
        out["edit_cli"] = {"s": cli_build(root, args.jobs, server=True)}
        memory = server_status(root)["memory_mib"]
        out["server"] = {"resident_mib": memory["resident"], "peak_mib": memory["peak"]}
    finally:
        build_server(root, "stop")
    out["edit_warm"]["pages_composed"] = len(report.composed)
    out["edit_warm"]["pages_read"] = len(report.sphinx["html"].read)
    out["quotes"] = {"n": quotes}
    out["pages"] = {"n": len(list(layout.src.rglob("*.md")))}
    out["cold_peak"] = {"mib": cold_peak}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
