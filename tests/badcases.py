"""Apply a bad-input case (tests/fixtures/bad/<name>/case.yaml) to a copy of the harbour fixture.

A case lists edits (replace text, write content or bytes, delete, symlink) and the exact problem
lines ``briefgen check`` must print. Keeping cases as data makes the corpus easy to grow.
"""

from __future__ import annotations

from pathlib import Path

import yaml

BAD = Path(__file__).resolve().parent / "fixtures" / "bad"


def case_names() -> list[str]:
    return sorted(p.parent.name for p in BAD.glob("*/case.yaml"))


def load_case(name: str) -> dict:
    return yaml.safe_load((BAD / name / "case.yaml").read_text(encoding="utf-8"))


def apply_edits(project: Path, edits: list[dict]) -> None:
    for edit in edits:
        path = project / edit["file"]
        if "replace" in edit:
            text = path.read_text(encoding="utf-8")
            assert edit["replace"] in text, (
                f"case edit does not apply: {edit['replace']!r} not in {edit['file']}"
            )
            path.write_text(text.replace(edit["replace"], edit["with"], 1), encoding="utf-8")
        elif "repeat" in edit:  # large files are generated, not stored
            path.write_text(edit["repeat"] * edit["times"], encoding="utf-8")
        elif "content" in edit:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(edit["content"], encoding="utf-8")
        elif "bytes" in edit:
            path.write_bytes(bytes.fromhex(edit["bytes"]))
        elif edit.get("delete"):
            path.unlink()
        elif "symlink" in edit:
            path.unlink(missing_ok=True)
            path.symlink_to(edit["symlink"])
        else:
            raise AssertionError(f"unknown edit: {edit}")
