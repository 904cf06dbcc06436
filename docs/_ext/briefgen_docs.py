"""Directives that write briefgen's reference pages from the code, so they cannot drift from it.

- ``briefgen-yaml``: every YAML file kind, from the pydantic models that validate it (the same
  models ``briefgen schema`` exports as JSON Schema): each key, its type, whether it is required,
  and its description.
- ``briefgen-check-codes``: every warning code ``briefgen check`` gives, with an example taken
  from the bad-input corpus the tests run (``tests/fixtures/bad/<case>/case.yaml``): the edit of
  the test fixture, the YAML around the reported line, the exact line ``check`` prints (with its
  hint, the fix).
"""

from __future__ import annotations

import tempfile
import typing
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive
from pydantic import BaseModel
from sphinx.application import Sphinx

REPO = Path(__file__).resolve().parents[2]
BAD = REPO / "tests" / "fixtures" / "bad"
HARBOUR = REPO / "tests" / "fixtures" / "good" / "harbour"


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return " or ".join(_type_name(a) for a in args)
    if origin is list:
        return f"list of {_type_name(args[0])}" if args else "list"
    if origin is typing.Literal:
        return "one of " + ", ".join(str(a) for a in typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__
    names = {str: "text", int: "integer", bool: "true or false", float: "number"}
    return names.get(
        annotation, getattr(annotation, "__name__", str(annotation)).replace("typing.", "")
    )


def _models_of(model: type[BaseModel], seen: dict[str, type[BaseModel]]) -> None:
    """``model`` and every model its fields use, in the order they are met."""
    if model.__name__ in seen:
        return
    seen[model.__name__] = model
    for field in model.model_fields.values():
        for inner in _inner_models(field.annotation):
            _models_of(inner, seen)


def _inner_models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _inner_models(arg)]


def _table(rows: list[list[nodes.Node | str]], header: list[str]) -> nodes.table:
    table = nodes.table()
    group = nodes.tgroup(cols=len(header))
    table += group
    for _ in header:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    group += head
    head += _row(header)
    body = nodes.tbody()
    group += body
    for row in rows:
        body += _row(row)
    return table


def _row(cells: list[nodes.Node | str]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        entry += nodes.paragraph("", "", cell if isinstance(cell, nodes.Node) else nodes.Text(cell))
        row += entry
    return row


def _section(title: str, ident: str) -> nodes.section:
    section = nodes.section(ids=[ident], names=[nodes.fully_normalize_name(title)])
    section += nodes.title(title, title)
    return section


class YamlReference(Directive):
    """Every file kind and the models its keys take."""

    def run(self) -> list[nodes.Node]:
        from briefgen.core.model import FILE_KINDS

        out: list[nodes.Node] = []
        seen: dict[str, type[BaseModel]] = {}
        for kind, model in FILE_KINDS.items():
            where = "briefing/sources/<id>.yaml" if kind == "source" else f"briefing/{kind}.yaml"
            section = _section(f"{where}", f"file-{kind}")
            section += nodes.paragraph(
                "", (model.__doc__ or "").strip().splitlines()[0].split(": ", 1)[-1].capitalize()
            )
            section += self._fields(model)
            out.append(section)
            for inner in model.model_fields.values():
                for nested in _inner_models(inner.annotation):
                    _models_of(nested, seen)
        shared = _section("Shapes used in several files", "shapes")
        for name, model in seen.items():
            if name in {m.__name__ for m in FILE_KINDS.values()}:
                continue
            sub = _section(name, f"shape-{name.lower()}")
            if model.__doc__:
                sub += nodes.paragraph("", model.__doc__.strip().splitlines()[0])
            sub += self._fields(model)
            shared += sub
        out.append(shared)
        return out

    def _fields(self, model: type[BaseModel]) -> nodes.table:
        rows: list[list[nodes.Node | str]] = []
        for name, field in model.model_fields.items():
            key = field.alias or name
            rows.append(
                [
                    nodes.literal(key, key),
                    _type_name(field.annotation),
                    "yes" if field.is_required() else "no",
                    field.description or "",
                ]
            )
        return _table(rows, ["key", "type", "required", "description"])


class CheckCodes(Directive):
    """Every warning code, with the bad-input case that shows it."""

    def run(self) -> list[nodes.Node]:
        from badcases import apply_edits, case_names, load_case  # tests/ is on sys.path (conf.py)

        from briefgen.trust.lint import CODES

        cases: dict[str, tuple[str, dict[str, Any]]] = {}
        for name in case_names():
            case = load_case(name)
            for code in case.get("only", []):
                cases.setdefault(code, (name, case))
        out: list[nodes.Node] = []
        for code, meaning in CODES.items():
            section = _section(code, f"code-{code}")
            section += nodes.paragraph("", meaning[0].upper() + meaning[1:] + ".")
            name, case = cases[code]  # tests/test_bad_inputs.py makes sure every code has one
            section += nodes.paragraph("", f"Example ({name}): {case['description']}")
            with tempfile.TemporaryDirectory() as tmp:
                import shutil

                project = Path(tmp) / "p"
                shutil.copytree(HARBOUR, project)
                apply_edits(project, case["edits"])
                lines = [line for line in case["expect"] if f" [{code}]" in line]
                file, line_no = lines[0].split(":")[:2]
                text = (project / file).read_text(encoding="utf-8").splitlines()
                first = max(0, int(line_no) - 2)
                snippet = "\n".join(text[first : first + 5])
            section += nodes.paragraph(
                "", "", nodes.Text("In "), nodes.literal(file, file), nodes.Text(":")
            )
            section += nodes.literal_block(snippet, snippet, language="yaml")
            section += nodes.paragraph("", "briefgen check prints:")
            shown = "\n".join(lines)
            section += nodes.literal_block(shown, shown, language="text")
            hint = lines[0].rsplit("(hint: ", 1)[-1].rstrip(")") if "(hint: " in lines[0] else ""
            if hint:
                section += nodes.paragraph("", f"Fix: {hint}.")
            out.append(section)
        return out


def setup(app: Sphinx) -> dict[str, Any]:
    import sys

    sys.path.insert(0, str(REPO / "tests"))
    app.add_directive("briefgen-yaml", YamlReference)
    app.add_directive("briefgen-check-codes", CheckCodes)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
