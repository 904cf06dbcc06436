"""JSON Schema for every kind of briefing file, so editors validate and complete the YAML.

The schemas come from the same pydantic models that validate at build time, so they cannot drift
from what ``check`` accepts. Editors pick them up from a first-line comment, e.g.
``# yaml-language-server: $schema=../schemas/timeline.schema.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

from briefgen.compose.book import write_if_changed
from briefgen.core.model import FILE_KINDS

SCHEMA_DIR = "schemas"


def schema_for(kind: str) -> dict[str, object]:
    model = FILE_KINDS[kind]
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"briefgen {kind} file"
    return schema


def schema_text(kind: str) -> str:
    return json.dumps(schema_for(kind), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


#: Files briefgen writes (not YAML an editor fills in), with their schemas, for tools that read them.
OUTPUT_KINDS = ("edition",)


def output_schema_text(kind: str) -> str:
    from briefgen.edition.records import edition_schema

    schemas = {"edition": edition_schema}
    return json.dumps(schemas[kind](), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(out: Path) -> list[Path]:
    """Write ``<kind>.schema.json`` for every file kind, and ``edition.schema.json`` for the
    ``edition.json`` a build writes; return the files that changed."""
    texts = {kind: schema_text(kind) for kind in FILE_KINDS} | {
        kind: output_schema_text(kind) for kind in OUTPUT_KINDS
    }
    changed = []
    for kind, text in texts.items():
        path = out / f"{kind}.schema.json"
        if write_if_changed(path, text):
            changed.append(path)
    return changed


def kind_of(path: Path) -> str | None:
    """Which schema a YAML file of a project follows, from where it sits."""
    if path.parent.name == "sources" and path.parent.parent.name == "briefing":
        return "source"
    if path.parent.name == "briefing" and path.stem in FILE_KINDS and path.stem != "source":
        return path.stem
    return None
