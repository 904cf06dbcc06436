"""Cold, no-change and one-edit rebuild times of a project, HTML and PDF, as medians and ratios.

Usage: python benchmarks/rebuilds.py [PROJECT] [--runs 3] [--formats html pdf]
Each run works on a fresh copy of the project; figures are medians over the runs, and every
rebuild time is also given as a ratio to the cold build measured in the same run.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from briefgen.building.book import build
from briefgen.warm.front import FrontCache


def _edit_one_event(root: Path) -> None:
    """Change the text of the first timeline claim, as an analyst fixing a sentence would."""
    path = root / "briefing" / "timeline.yaml"
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(r"(- text: \"?)", r"\1(edited) ", text, count=1)
    assert n == 1, "no timeline claim to edit"
    path.write_text(new, encoding="utf-8")


def measure(project: Path, fmt: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "p"
        shutil.copytree(
            project, root, ignore=shutil.ignore_patterns("_build", ".venv", ".git", "tests")
        )
        times = {}
        cache = FrontCache()  # as `briefgen serve` keeps it
        for label, prepare in (
            ("cold", None),
            ("no-change", None),
            ("one-event edit", _edit_one_event),
        ):
            if prepare:
                prepare(root)
            t0 = time.perf_counter()
            report = build(root, (fmt,), cache=cache)
            times[label] = time.perf_counter() - t0
            times[f"{label} pages rewritten"] = len(report.composed)
        return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", default=".", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", nargs="+", default=["html", "pdf"])
    args = parser.parse_args()
    print(
        "| format | build | median s | ratio to cold | composed pages rewritten |\n|---|---|---|---|---|"
    )
    for fmt in args.formats:
        runs = [measure(args.project, fmt) for _ in range(args.runs)]
        cold = statistics.median(r["cold"] for r in runs)
        for label in ("cold", "no-change", "one-event edit"):
            med = statistics.median(r[label] for r in runs)
            pages = int(statistics.median(r[f"{label} pages rewritten"] for r in runs))
            print(f"| {fmt} | {label} | {med:.2f} | {med / cold:.2f} | {pages} |")


if __name__ == "__main__":
    main()
