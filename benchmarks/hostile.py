"""Hostile sizes: a 19,900-character quote that is not in a 4.9 MB article (issue 26's case).

The closest-passage hint was quadratic (333 s for this case); it must stay linear in the
article (goal: under 2 s). Prints the time of ``prepare`` (load, check, anchor, with the hint)
against the same project with the quote fixed, measured in the same run.

Usage: python benchmarks/hostile.py
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from pathlib import Path

from briefgen.core.errors import BriefingError
from briefgen.trust.prepare import prepare

HARBOUR = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "good" / "harbour"
WORDS = [
    "pier",
    "harbour",
    "council",
    "vote",
    "repairs",
    "guild",
    "quay",
    "lorries",
    "tonnes",
    "channel",
    "meeting",
    "spokesperson",
    "engineers",
    "months",
]


def _timed(root: Path) -> tuple[float, str]:
    t0 = time.perf_counter()
    try:
        prepare(root)
        outcome = "ok"
    except BriefingError as exc:
        outcome = f"{len(exc.problems)} problem(s)"
    return time.perf_counter() - t0, outcome


def main() -> None:
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "p"
        shutil.copytree(HARBOUR, root)
        article = root / "articles/herald.txt"
        paragraphs = (" ".join(rng.choice(WORDS) for _ in range(80)) for _ in range(8000))
        article.write_text(article.read_text() + "\n\n" + "\n\n".join(paragraphs) + "\n")
        baseline, _ = _timed(root)
        quote = " ".join(rng.choice(WORDS) for _ in range(2600))[:19_900]
        background = root / "briefing/background.yaml"
        background.write_text(
            background.read_text().replace('"will take about eight months"', f'"{quote}"')
        )
        hostile, outcome = _timed(root)
    print("| case | seconds | / baseline |\n|---|---|---|")
    print(f"| 4.9 MB article, every quote found (baseline) | {baseline:.2f} | 1.0 |")
    print(
        f"| the same, plus a 19,900-character quote not in it ({outcome}) | {hostile:.2f} | {hostile / baseline:.1f} |"
    )


if __name__ == "__main__":
    main()
