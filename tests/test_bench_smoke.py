"""The benchmarks cannot rot: the generator's briefing passes check, and the harness runs at N=5."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from briefgen.trust.prepare import prepare

sys.path.insert(0, str(REPO / "benchmarks"))
from synth import generate


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


@pytest.mark.build
def test_benchmark_harness_runs_and_reports(tmp_path: Path) -> None:
    """One run of the suite at N=5 with the PDF: every column is filled and the ratios are sane."""
    results = tmp_path / "results.json"
    cmd = [
        sys.executable,
        str(REPO / "benchmarks/run.py"),
        "--sizes",
        "5",
        "--runs",
        "1",
        "--pdf-max",
        "5",
        "--jobs",
        "1",
        "--results",
        str(results),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    row = next(line for line in done.stdout.splitlines() if line.startswith("| 5 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    # PDF (no-change PDF), the brief (/ Sphinx HTML), the single file (/ Sphinx HTML)
    assert len(cells) == 20 and re.match(r"^\d+\.\d \(\d+\.\d\)$", cells[9]), cells
    assert re.match(r"^\d+\.\d\d \(\d+\.\d%\)$", cells[10]), cells
    assert re.match(r"^\d+\.\d \(\d+%\)$", cells[11]), cells
    assert re.match(r"^\d+\.\d\d \(\d+\.\d%\)$", cells[12]) and re.match(
        r"^\d+\.\d\d$", cells[13]
    ), cells  # no-op (/ Sphinx's no-change), Sphinx's no-change
    assert re.match(r"^\d+\.\d\d \(\d+\.\d%\)$", cells[14]) and re.match(
        r"^\d+\.\d\d$", cells[15]
    ), cells  # edit via the build server (/ cold), edit without
    # the build server's resident MiB
    assert re.match(r"^\d+$", cells[19]) and int(cells[19]) > 50, cells
    run = json.loads(results.read_text())["results"]["5"][0]
    assert 0 < run["load"]["s"] < run["sphinx_html"]["s"]
    assert 0 < run["brief"]["s"] < run["pdf"]["s"]  # two pages against the whole book
    # the compile is skipped when nothing changed
    assert run["pdf_no_change"]["s"] < run["pdf"]["s"]
    # the edit touched one page
    assert run["edit_warm"]["pages_composed"] == 1 and run["edit_warm"]["pages_read"] == 1
    assert run["quotes"]["n"] >= 90 and run["cold_peak"]["mib"] > 50
    assert run["edit_cli"]["s"] < run["edit_cli_fresh"]["s"]  # the build server saves the start-up
    again = subprocess.run(
        [sys.executable, str(REPO / "benchmarks/run.py"), "--report", str(results)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert row in again.stdout
