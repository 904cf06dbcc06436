"""The benchmark suite: synthetic briefings of N sources, each stage timed in fresh processes.

Usage: python benchmarks/run.py [--sizes 5 100 1000] [--runs 3] [--pdf-max 100] [--jobs 1]
Prints a Markdown table. Every figure is the median of --runs runs, and the key ones are also
given as ratios measured in the same run: briefgen's own stages (load + anchor + compose) against
Sphinx's HTML build of the composed pages, and each rebuild against the cold build.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
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
    cmd = [sys.executable, str(HERE / "stages.py"), str(run_dir), "--jobs", str(jobs)] + (["--pdf"] if pdf else [])
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"benchmark run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def median(runs: list[dict], stage: str, key: str = "s") -> float:
    return statistics.median(r[stage][key] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 100, 1000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pdf-max", type=int, default=100, help="build the PDF only up to this N")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="Sphinx processes (default: all cores)")
    args = parser.parse_args()
    results: dict[int, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            project = generate(Path(tmp) / f"n{n}", n)
            shutil.copytree(REPO / "conf", project / "conf")
            print(f"N={n}: {args.runs} runs ...", file=sys.stderr, flush=True)
            runs = [one_run(project, Path(tmp), n <= args.pdf_max, args.jobs) for _ in range(args.runs)]
            results[n] = {"runs": runs}

    print(f"Sphinx jobs: {args.jobs}; medians of {args.runs} runs; times in seconds; memory is the peak RSS of the run (MiB)\n")
    print("| N | quotes | load | anchor | compose | ours | Sphinx HTML | ours / Sphinx | PDF | no-change rebuild (/ cold) | one-event edit (/ cold) | pages re-read | peak MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n, data in results.items():
        runs = data["runs"]
        ours_runs = [sum(r[s]["s"] for s in OURS) for r in runs]
        ratio_runs = [sum(r[s]["s"] for s in OURS) / r["sphinx_html"]["s"] for r in runs]
        cold_runs = [sum(r[s]["s"] for s in (*OURS, "sphinx_html")) for r in runs]
        nochange = [r["rebuild_no_change"]["s"] / c for r, c in zip(runs, cold_runs)]
        edit = [r["rebuild_one_event"]["s"] / c for r, c in zip(runs, cold_runs)]
        pdf = f"{median(runs, 'pdf'):.1f}" if "pdf" in runs[0] else "-"
        peak = max(max(stage["peak_mib"] for k, stage in r.items() if isinstance(stage, dict) and "peak_mib" in stage) for r in runs)
        print(
            f"| {n} | {runs[0]['quotes']['n']} | {median(runs, 'load'):.2f} | {median(runs, 'anchor'):.2f} | {median(runs, 'compose'):.2f} "
            f"| {statistics.median(ours_runs):.2f} | {median(runs, 'sphinx_html'):.1f} | {statistics.median(ratio_runs):.1%} | {pdf} "
            f"| {median(runs, 'rebuild_no_change'):.2f} ({statistics.median(nochange):.1%}) | {median(runs, 'rebuild_one_event'):.2f} ({statistics.median(edit):.1%}) "
            f"| {int(median(runs, 'rebuild_one_event', 'pages_read'))} | {peak:.0f} |"
        )
    sizes = sorted(results)
    for small, large in zip(sizes, sizes[1:]):
        a, b = results[small]["runs"], results[large]["runs"]
        ours = statistics.median([sum(r[s]["s"] for s in OURS) for r in b]) / statistics.median([sum(r[s]["s"] for s in OURS) for r in a])
        sphinx = median(b, "sphinx_html") / median(a, "sphinx_html")
        per_quote_a = median(a, "anchor") / a[0]["quotes"]["n"] * 1e6
        per_quote_b = median(b, "anchor") / b[0]["quotes"]["n"] * 1e6
        print(f"\nN={small} -> N={large} ({large / small:.0f}x sources): ours x{ours:.1f}, Sphinx HTML x{sphinx:.1f}; anchoring {per_quote_a:.0f} -> {per_quote_b:.0f} us per quote")


if __name__ == "__main__":
    main()
