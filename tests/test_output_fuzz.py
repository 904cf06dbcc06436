"""Random bytes, control characters and bidi marks through the briefing's text fields and file
names never reach the terminal, the review sheet's CSV or its HTML raw.

Each channel is reached by a path that prints the data as it is, not as a ``repr``: a source
file's name in a located problem, a claim's words in ``briefgen diff``, every text field in the
review sheet.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import yaml
from conftest import HARBOUR, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.core.outtext import BIDI

UNSAFE_CHARS = "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) != "\n") + BIDI
UNSAFE = re.compile("[" + re.escape(UNSAFE_CHARS) + "]")
PIECES = [
    "\x1b",
    "\x07",
    "\x9b",
    "\r",
    "\t",
    "\u202e",
    "\u2066",
    "\u200f",
    "\x1b[2J",
    "=",
    "+",
    "-",
    "@",
    "a",
    "b",
    " ",
    "é",
]
HOSTILE = st.lists(st.sampled_from(PIECES), min_size=1, max_size=10).map(
    lambda parts: "x" + "".join(parts) + "y"
)
NAME = st.lists(
    st.sampled_from(["\x1b", "\u202e", "\r", "\x07", "\t", "a", "=", "-"]), min_size=1, max_size=8
).map(lambda parts: "n" + "".join(parts))


def _set(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=False, sort_keys=False), encoding="utf-8")


def _clean(output: str) -> bool:
    return not UNSAFE.search(output)


@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(claim=HOSTILE, outlet=HOSTILE, name=NAME)
def test_hostile_text_and_names_come_out_clean(
    claim: str, outlet: str, name: str, tmp_path_factory
) -> None:
    root = tmp_path_factory.mktemp("fuzz") / "p"
    shutil.copytree(HARBOUR, root)
    before = tmp_path_factory.mktemp("fuzz") / "before"
    shutil.copytree(HARBOUR, before)
    # a claim's text and an outlet with hostile characters
    _set(
        root / "briefing/background.yaml",
        lambda d: d["topics"][0]["paragraphs"][0][0].update(text=f"The vote: {claim}"),
    )
    _set(root / "briefing/sources/herald.yaml", lambda d: d.update(outlet=f"Herald {outlet}"))
    # the terminal, through `diff` (claims as written) and the review sheet's summary line
    diffed = run_cli("diff", str(before), "-p", str(root))
    assert diffed.exit_code == 0, diffed.output
    assert _clean(diffed.output), repr(diffed.output)
    assert (
        UNSAFE.search(claim) is None or "\\x" in diffed.output or "\\u" in diffed.output
    )  # it did reach the terminal
    reviewed = run_cli("review", "-p", str(root))
    assert reviewed.exit_code == 0, reviewed.output
    sheet = root / "_build/review"
    cells = [
        cell
        for row in csv.reader((sheet / "review.csv").open(encoding="utf-8", newline=""))
        for cell in row
    ]
    assert any("The vote" in c for c in cells) and any("Herald" in c for c in cells)
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], cells
    assert not [c for c in cells if UNSAFE.search(c)], cells
    html = (sheet / "review.html").read_text(encoding="utf-8")
    assert "The vote" in html and _clean(html.replace("\n", ""))
    # a source file's name in a located problem (its id no longer matches it)
    (root / "briefing/sources/herald.yaml").rename(root / f"briefing/sources/{name}.yaml")
    checked = run_cli("check", "-p", str(root))
    assert checked.exit_code == 1
    assert _clean(checked.output), repr(checked.output)
    assert "briefing/sources/n" in checked.output
