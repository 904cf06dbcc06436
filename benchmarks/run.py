"""The benchmark suite: synthetic briefings of N sources, each stage timed in fresh processes.

Usage: python benchmarks/run.py [--sizes 5 100 1000] [--runs 3] [--pdf-max 100] [--jobs 2]
       python benchmarks/run.py --report _build/bench/results.json   # the table again, no runs

Prints a Markdown table. Every figure is the median of --runs runs, and the key ones are also
given as ratios measured in the same run: briefgen's own stages (load + anchor + compose) against
Sphinx's HTML build of the composed pages, and each rebuild against that run's cold build.
Each finished run is appended to the results file at once, so a long run can be inspected (or
reported with --report) before it ends.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synth import generate  # noqa: E402

REPO = HERE.parent
OURS = ("load", "anchor", "compose")


def one_run(project: Path, work: Path, pdf: bool, jobs: int) -> dict:
    run_dir = work / "run"
    if run_dir.exists():
        shutil.rmtree(run_dir)
    shutil.copytree(project, run_dir)
    cmd = [sys.executable, str(HERE / "stages.py"), str(run_dir), "--jobs", str(jobs)] + (
        ["--pdf"] if pdf else []
    )
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"benchmark run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def ours(run: dict) -> float:
    return sum(run[s]["s"] for s in OURS)


def cold(run: dict) -> float:
    """The cold HTML build of this run: briefgen's stages plus Sphinx (imports of Sphinx included)."""
    return ours(run) + run["sphinx_html"]["s"]


def med(values) -> float:
    return statistics.median(list(values))


def table(results: dict[str, list[dict]], jobs: int) -> str:
    runs_n = min(len(r) for r in results.values())
    lines = [
        f"Sphinx jobs: {jobs}; medians of {runs_n} runs; times in seconds; ratios are medians of per-run ratios.",
        "Rebuilds: 'CLI' is `briefgen build html` in a fresh process (as a user runs it), handed to the project's",
        "warm build server (as every build after the first is); 'CLI, no server' is the same with --no-server (fresh",
        "imports, environment and front half); 'warm' is the same build in an already running process (as `briefgen serve`",
        "rebuilds after a save). Peak memory: largest resident set of the cold HTML build, Sphinx's worker processes",
        "included; in brackets with the PDF (Sphinx's Typst builder and the in-process Typst compile). Server MiB: the",
        "build server's resident memory after the edit (what it holds between builds).",
        "PDF: after the HTML build (the pages are parsed once for both): assemble, write Typst, compile; in brackets a no-change rebuild (compile skipped).",
        "Brief: the two-page brief made from the model and compiled, in brackets its ratio to Sphinx's HTML build of the same run.",
        "Single file: Sphinx's singlehtml build of every page with everything it loads inlined (with the PDF), in brackets its ratio to Sphinx's HTML build.",
        "",
        "No-change CLI: `briefgen build` with nothing changed (the no-op), in brackets its ratio to Sphinx's own no-change rebuild",
        "(`sphinx-build` of the same pages in a fresh process, measured in the same run, next column).",
        "",
        "| N | pages | quotes | load | anchor | compose | ours | Sphinx HTML | ours / Sphinx | PDF (no change) | brief (/ Sphinx HTML) | single file (/ Sphinx HTML) | no-change CLI (/ Sphinx no-change) | Sphinx no-change | edit CLI (/ cold) | edit CLI, no server | edit warm (/ cold) | pages re-read | peak MiB | server MiB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n in sorted(results, key=int):
        runs = results[n]
        pdf = (
            f"{med(r['pdf']['s'] for r in runs):.1f} ({med(r['pdf_no_change']['s'] for r in runs):.1f})"
            if "pdf" in runs[0]
            else "-"
        )
        pdf_peak = f" ({max(r['pdf']['peak_mib'] for r in runs):.0f})" if "pdf" in runs[0] else ""
        single = (
            f"{med(r['single']['s'] for r in runs):.1f} ({med(r['single']['s'] / r['sphinx_html']['s'] for r in runs):.0%})"
            if "single" in runs[0]
            else "-"
        )

        def rebuild(key: str, runs: list[dict] = runs) -> str:
            return f"{med(r[key]['s'] for r in runs):.2f} ({med(r[key]['s'] / cold(r) for r in runs):.1%})"

        lines.append(
            f"| {n} | {runs[0]['pages']['n']} | {runs[0]['quotes']['n']} "
            + "".join(f"| {med(r[s]['s'] for r in runs):.2f} " for s in OURS)
            + f"| {med(ours(r) for r in runs):.2f} | {med(r['sphinx_html']['s'] for r in runs):.1f} "
            f"| {med(ours(r) / r['sphinx_html']['s'] for r in runs):.1%} | {pdf} "
            f"| {med(r['brief']['s'] for r in runs):.2f} ({med(r['brief']['s'] / r['sphinx_html']['s'] for r in runs):.1%}) "
            f"| {single} "
            f"| {med(r['no_change_cli']['s'] for r in runs):.2f} ({med(r['no_change_cli']['s'] / r['sphinx_no_change']['s'] for r in runs):.1%}) "
            f"| {med(r['sphinx_no_change']['s'] for r in runs):.2f} | {rebuild('edit_cli')} | {med(r['edit_cli_fresh']['s'] for r in runs):.2f} | {rebuild('edit_warm')} "
            f"| {int(med(r['edit_warm']['pages_read'] for r in runs))} | {max(r['sphinx_html']['peak_mib'] for r in runs):.0f}{pdf_peak} "
            f"| {max(r['server']['resident_mib'] for r in runs):.0f} |"
        )
    sizes = sorted(results, key=int)
    for small, large in itertools.pairwise(sizes):
        a, b = results[small], results[large]
        factor = int(large) / int(small)
        ours_x = med(ours(r) for r in b) / med(ours(r) for r in a)
        sphinx_x = med(r["sphinx_html"]["s"] for r in b) / med(r["sphinx_html"]["s"] for r in a)
        us = [med(r["anchor"]["s"] for r in x) / x[0]["quotes"]["n"] * 1e6 for x in (a, b)]
        lines.append(
            f"\nN={small} -> N={large} ({factor:.0f}x sources): ours x{ours_x:.1f}, Sphinx HTML x{sphinx_x:.1f}; "
            f"anchoring {us[0]:.0f} -> {us[1]:.0f} us per quote"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 100, 1000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pdf-max", type=int, default=1000, help="build the PDF only up to this N")
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="Sphinx processes (default: all cores)",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=REPO / "_build" / "bench" / "results.json",
        help="where each finished run is recorded",
    )
    parser.add_argument("--report", type=Path, help="print the table of a results file and stop")
    args = parser.parse_args()
    if args.report:
        saved = json.loads(args.report.read_text())
        print(table(saved["results"], saved["jobs"]))
        return
    results: dict[str, list[dict]] = {}
    args.results.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            project = generate(Path(tmp) / f"n{n}", n)
            shutil.copytree(REPO / "conf", project / "conf")
            for i in range(args.runs):
                t0 = time.perf_counter()
                run = one_run(project, Path(tmp), n <= args.pdf_max, args.jobs)
                results.setdefault(str(n), []).append(run)
                args.results.write_text(
                    json.dumps({"jobs": args.jobs, "results": results}, indent=1)
                )
                print(
                    f"N={n} run {i + 1}/{args.runs}: {time.perf_counter() - t0:.0f} s "
                    f"(Sphinx HTML {run['sphinx_html']['s']:.1f} s, edit CLI {run['edit_cli']['s']:.2f} s, without server {run['edit_cli_fresh']['s']:.2f} s)",
                    file=sys.stderr,
                    flush=True,
                )
    print(table(results, args.jobs))


if __name__ == "__main__":
    main()
