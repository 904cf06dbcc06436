"""Time the front half of a warm one-event edit (load + check + anchor, then compose), in-process.

Usage: python benchmarks/front_edit.py PROJECT [--profile N]
Builds the front half twice with one FrontCache (as ``briefgen serve`` holds), editing the first
event's title in between, and times the second build. Prints seconds for prepare and compose.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from stages import edit_one_event

from briefgen.compose.book import compose_book
from briefgen.trust.prepare import prepare
from briefgen.warm.front import FrontCache


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("project", type=Path)
    parser.add_argument(
        "--profile", type=int, default=0, help="print the N costliest functions of the warm edit"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--collect",
        action="store_true",
        help="collect garbage after the first build, as an idle server would have",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "p"
        shutil.copytree(args.project, root, ignore=shutil.ignore_patterns("_build"))
        out = Path(tmp) / "src"
        cache = FrontCache()
        t0 = time.perf_counter()
        p = prepare(root, cache)
        compose_book(p.briefing, p.anchors, out, cache=cache.compose)
        print(f"cold (filling the cache): {time.perf_counter() - t0:.3f} s")
        if args.collect:
            t0 = time.perf_counter()
            gc.collect()
            print(f"full collection after it: {time.perf_counter() - t0:.3f} s")
        for n in range(args.repeat):
            edit_one_event(root, f"edit{n}")
            prof = cProfile.Profile() if args.profile and n == args.repeat - 1 else None
            if prof:
                prof.enable()
            t0, c0 = time.perf_counter(), time.process_time()
            p = prepare(root, cache)
            t1, c1 = time.perf_counter(), time.process_time()
            compose_book(p.briefing, p.anchors, out, cache=cache.compose)
            t2, c2 = time.perf_counter(), time.process_time()
            if prof:
                prof.disable()
            # CPU time too: on a machine shared with other work it varies far less than wall time
            print(
                f"warm edit {n}: prepare {t1 - t0:.3f} s, compose {t2 - t1:.3f} s, total {t2 - t0:.3f} s (CPU {c1 - c0:.3f} + {c2 - c1:.3f} = {c2 - c0:.3f} s)"
            )
        if args.profile:
            pstats.Stats(prof).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
