"""One benchmark run in its own process: time and peak memory of each stage of a build.

Usage: python benchmarks/stages.py PROJECT [--pdf] [--jobs N]
Prints one JSON object: {stage: {"s": seconds, "peak_mib": peak RSS of the process after it}}.
A fresh process per run means cold caches and a peak-memory figure that belongs to this run.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import time
from pathlib import Path

from briefgen.anchor import anchor_briefing
from briefgen.build import Layout, build, publish, run_latexmk, run_sphinx
from briefgen.compose import book_slug, compose_book
from briefgen.load import load_briefing
from briefgen.validate import check_references


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def edit_one_event(root: Path) -> None:
    path = root / "briefing" / "timeline.yaml"
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(r"(title: )(.+)", r"\1\2 (edited)", text, count=1)
    assert n == 1
    path.write_text(new, encoding="utf-8")


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

    briefing = stage("load", lambda: load_briefing(root))
    anchors = stage("anchor", lambda: (check_references(briefing), anchor_briefing(briefing)[0])[1])
    stage("compose", lambda: compose_book(briefing, anchors, layout.src))
    stage("sphinx_html", lambda: publish(run_sphinx(layout, "html", jobs=args.jobs).outdir, layout.output("html")))
    if args.pdf:
        stage("pdf", lambda: (run_sphinx(layout, "latex"), run_latexmk(layout, book_slug(briefing))))
    stage("rebuild_no_change", lambda: build(root, ("html",), jobs=args.jobs))
    edit_one_event(root)
    report = stage("rebuild_one_event", lambda: build(root, ("html",), jobs=args.jobs))
    out["rebuild_one_event"]["pages_composed"] = len(report.composed)
    out["rebuild_one_event"]["pages_read"] = len(report.sphinx["html"].read)
    out["quotes"] = {"n": sum(len(t.anchors) for t in anchors.texts.values())}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
