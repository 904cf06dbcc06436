"""The benchmark generator cannot rot: a synthetic briefing of 5 sources passes check."""

from __future__ import annotations

import sys
from pathlib import Path

from briefgen.pipeline import prepare
from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from synth import generate  # noqa: E402


def test_synthetic_briefing_passes_check(tmp_path: Path) -> None:
    root = generate(tmp_path / "n5", 5)
    prepared = prepare(root)
    assert len(prepared.briefing.sources) == 5
    quotes = sum(len(t.anchors) for t in prepared.anchors.texts.values())
    assert quotes >= 5 * 18  # about 20 citations a source
    assert len(prepared.briefing.timeline.events) == 5


def test_generator_is_deterministic(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", 5)
    b = generate(tmp_path / "b", 5)
    for path in sorted(a.rglob("*.*")):
        assert path.read_bytes() == (b / path.relative_to(a)).read_bytes(), path
