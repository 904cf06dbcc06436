"""JSON Schemas: in step with the models, accept every shipped file, reject what check rejects."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import HARBOUR, REPO, run_cli

from briefgen.core.model import FILE_KINDS
from briefgen.core.yamlio import read_yaml
from briefgen.project.schema import kind_of, schema_for, schema_text

YAML_FILES = sorted((REPO / "briefing").rglob("*.yaml")) + sorted(
    (HARBOUR / "briefing").rglob("*.yaml")
)


@pytest.mark.parametrize("kind", sorted(FILE_KINDS))
def test_committed_schemas_are_current(kind: str) -> None:
    assert (REPO / "schemas" / f"{kind}.schema.json").read_text() == schema_text(kind), (
        "run: briefgen schema"
    )


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_schema_accepts_every_good_file(path: Path) -> None:
    kind = kind_of(path)
    assert kind, path
    jsonschema.validate(read_yaml(path, path.name).data, schema_for(kind))


def test_shipped_files_name_their_schema() -> None:
    for path in (REPO / "briefing").rglob("*.yaml"):
        first = path.read_text().splitlines()[0]
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target == REPO / "schemas" / f"{kind_of(path)}.schema.json", path


@pytest.mark.parametrize(
    "kind, data, complaint",
    [
        (
            "timeline",
            {"events": [{"id": "a", "date": "2025", "title": "t", "claim": []}]},
            "Additional properties",
        ),
        ("source", {"id": "x"}, "is a required property"),
        (
            "book",
            {
                "title": "t",
                "as_of": 2025,
                "marking": "m",
                "parties": [{"id": "a", "name": "A"}],
                "bluf": [{"text": "x", "cite": [{"source": "s", "quote": "q"}]}],
            },
            "2025 is not of type 'string'",
        ),
    ],
)
def test_schema_rejects_bad_files(kind: str, data: dict, complaint: str) -> None:
    with pytest.raises(jsonschema.ValidationError, match=complaint):
        jsonschema.validate(data, schema_for(kind))


def test_schema_command_writes_files(tmp_path: Path) -> None:
    result = run_cli("schema", "--out", str(tmp_path))
    assert result.exit_code == 0
    assert json.loads((tmp_path / "book.schema.json").read_text())["title"] == "briefgen book file"
    assert (
        json.loads((tmp_path / "edition.schema.json").read_text())["title"]
        == "briefgen edition (edition.json)"
    )
    assert "wrote 9 schemas" in result.output


def test_a_discrepancy_of_an_embedded_post_has_the_non_article_kind_spelling() -> None:
    """One spelling for one thing: 'social-embed' in the register as in non_article passages;
    'embed', the register's first spelling, is still read (as 'social-embed')."""
    from briefgen.core.model import Discrepancy

    cite = [{"source": "s", "quote": "q"}]
    for written in ("social-embed", "embed"):
        entry = Discrepancy.model_validate({"id": "d", "kind": written, "text": "t", "cite": cite})
        assert entry.kind == "social-embed"
