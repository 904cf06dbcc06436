"""``briefgen init``: start a briefing that passes ``check`` and builds at once.

The files come from ``template/`` beside this module (package data), so what a new analyst gets
is plain YAML and text that can be read and edited here. Hidden files are stored under visible
names (wheels and globs skip dot-files) and renamed on the way out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefgen.core.errors import BriefingError, Problem

TEMPLATE = Path(__file__).resolve().parent / "template"
RENAMED = {
    "gitignore": ".gitignore",
    "github-workflow.yml": ".github/workflows/book.yml",
    "readthedocs.yaml": ".readthedocs.yaml",
}
SECTION_FILES = ("background", "actors", "positions", "timeline", "questions", "method")
BARE_SECTIONS = {
    "background": "topics: []\n",
    "actors": "actors: []\nrelations: []\n",
    "positions": "positions: []\n",
    "timeline": "events: []\n",
    "questions": "questions: []\n",
    "method": "notes: []\ndiscrepancies: []\n",
}
NEXT_STEPS = (
    "briefgen check              # load, cross-check and anchor every quote",
    "briefgen serve --open       # live preview while you edit the YAML",
    "briefgen build all          # HTML book and PDF in _build/",
)


@dataclass(frozen=True)
class Scaffolded:
    root: Path
    files: list[Path]


def _template_files() -> list[tuple[Path, Path]]:
    """``(template file, path in the new project)`` for every file of the full scaffold."""
    out = []
    for path in sorted(TEMPLATE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            rel = path.relative_to(TEMPLATE).as_posix()
            out.append((path, Path(RENAMED.get(rel, rel))))
    return out


def _bare_files() -> dict[Path, str]:
    """The skeleton: book.yaml with the example's settings, empty sections, no source yet."""
    schema = "# yaml-language-server: $schema=../schemas/{}.schema.json\n"
    book = (TEMPLATE / "briefing/book.yaml").read_text(encoding="utf-8")
    book = book[: book.index("bluf:")] + "bluf: []\nkey_judgments: []\n"
    files = {Path("briefing/book.yaml"): book}
    files.update(
        {
            Path(f"briefing/{name}.yaml"): schema.format(name) + BARE_SECTIONS[name]
            for name in SECTION_FILES
        }
    )
    files[Path("briefing/sources/.keep")] = ""
    files[Path("seeds/.keep")] = ""  # where new-source puts articles
    for src, dest in _template_files():
        if dest.parts[0] not in ("briefing", "seeds"):
            files[dest] = src.read_text(encoding="utf-8")
    return files


def init_project(root: Path, *, bare: bool = False) -> Scaffolded:
    """Write a new briefing project into ``root`` (created if missing); never overwrite one."""
    root = Path(root)
    existing = [p for p in (root / "briefing", root / "briefing" / "book.yaml") if p.exists()]
    if existing:
        raise BriefingError(
            [
                Problem(
                    str(existing[-1]),
                    0,
                    0,
                    (),
                    "a briefing already exists here; init never overwrites one",
                    "choose a new folder: briefgen init NEW-FOLDER",
                )
            ]
        )
    if root.exists() and not root.is_dir():
        raise BriefingError(
            [
                Problem(
                    str(root),
                    0,
                    0,
                    (),
                    "not a folder",
                    "choose a new folder: briefgen init NEW-FOLDER",
                )
            ]
        )
    files = (
        _bare_files()
        if bare
        else {dest: src.read_text(encoding="utf-8") for src, dest in _template_files()}
    )
    clashes = [root / rel for rel in files if (root / rel).exists()]
    if clashes:
        raise BriefingError(
            [
                Problem(
                    str(clashes[0]),
                    0,
                    0,
                    (),
                    f"would overwrite {len(clashes)} existing file(s); init never overwrites",
                    "move them away or choose a new folder",
                )
            ]
        )
    written = []
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace("{title}", root.resolve().name), encoding="utf-8")
        written.append(path)
    from briefgen.project.schema import (
        write_schemas,  # the `# yaml-language-server` lines point at these
    )

    write_schemas(root / "schemas")
    return Scaffolded(root, written)
