"""What a PDF reader receives: its text, where its links land, what its pages hold.

Text comes from poppler's ``pdftotext`` (what a reader copying text or a search tool gets);
positions and links from pypdf.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel
from pypdf import PdfReader

from briefgen.core.load import Briefing

# Free-text fields of the model that the book prints (ids, quotes, dates, paths and enums excluded).
ANALYTIC_FIELDS = {
    "text",
    "stance",
    "question",
    "why",
    "indicators",
    "proposition",
    "role",
    "name",
    "title",
    "rationale",
    "note",
    "venue",
    "subtitle",
    "outlet",
    "author",
}
_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "\u00a0": " "})
_DROP = re.compile(r"[\s\-\u00ad\u2010\u2011]+")


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run(
        [*args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_ua_errors(pdf: Path) -> list[dict]:
    """The PDF/UA checker's errors and warnings for ``pdf`` (none for a well-tagged file)."""
    import json
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "pdfua", "check", "--format", "json", str(pdf)],
        capture_output=True,
        text=True,
    )
    report = json.loads(done.stdout)
    findings = [f for file in report.get("files", [report]) for f in file.get("findings", [])]
    return [f for f in findings if str(f.get("severity", "")).lower() in ("error", "warning")]


def normalise(text: str) -> str:
    """Compare text across line breaks, hyphenation and typographic quotes."""
    return _DROP.sub("", unicodedata.normalize("NFC", text).translate(_FOLD))


def analytic_texts(briefing: Briefing) -> list[tuple[str, str]]:
    """``(where, text)`` for every free text the book prints, from every file of the briefing."""
    found: list[tuple[str, str]] = []

    def walk(value: object, where: str, key: str | None) -> None:
        if isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name), f"{where}.{name}", name)
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                walk(item, f"{where}[{i}]", key)
        elif isinstance(value, str) and key in ANALYTIC_FIELDS and value.strip():
            found.append((where, value))

    parts = [
        ("book", briefing.book),
        *((f"sources/{sid}", p) for sid, p in briefing.sources.items()),
    ]
    parts += list(briefing.sections.items())
    for where, part in parts:
        walk(part.model, where, None)
    return found


def body_text(briefing: Briefing, pdf: Path) -> str:
    """The PDF's text without its running heads and feet (marking lines and page numbers), which
    stand between the halves of a sentence that runs over a page break."""
    marking = " ".join(briefing.book.model.marking.split())
    lines = [
        line
        for line in pdf_text(pdf).splitlines()
        if line.strip() != marking and not line.strip().isdigit()
    ]
    return "\n".join(lines)


def found(needle: str, text: str, gap: int = 80) -> bool:
    """``needle`` in ``text``, whole or in two parts with at most ``gap`` characters between them:
    where a sentence runs over a page break, a table's repeated header row or a label set apart
    from the line (a posture badge) comes between its halves in the extracted text."""
    if needle in text:
        return True
    for cut in range(8, len(needle) - 7):
        head, tail = needle[:cut], needle[cut:]
        start = text.find(head)
        while start >= 0:
            after = start + len(head)
            if (
                tail in text[after : after + gap + len(tail)]
                and text.find(tail, after) - after <= gap
            ):
                return True
            start = text.find(head, start + 1)
    return False


def missing_texts(briefing: Briefing, pdf: Path) -> list[tuple[str, str]]:
    text = normalise(body_text(briefing, pdf))
    return [
        (where, value)
        for where, value in analytic_texts(briefing)
        if not found(normalise(value), text)
    ]


@dataclass(frozen=True)
class Fragment:
    x: float
    y: float
    text: str


def page_fragments(reader: PdfReader, index: int) -> list[Fragment]:
    frags: list[Fragment] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            frags.append(Fragment(x, y, text))

    reader.pages[index].extract_text(visitor_text=visit)
    return frags


@dataclass(frozen=True)
class Landing:
    from_page: int
    page: int
    x: float
    y: float


def internal_links(reader: PdfReader, pages: range) -> Iterator[Landing]:
    for index in pages:
        for annot in reader.pages[index].get("/Annots") or []:
            obj = annot.get_object()
            dest = obj.get("/Dest")
            if obj.get("/Subtype") != "/Link" or dest is None:
                continue
            dest = dest.get_object()
            if isinstance(dest, (str, bytes)) or not isinstance(dest, list):
                dest = reader.named_destinations[str(dest)]
                yield Landing(
                    index,
                    reader.get_destination_page_number(dest),
                    float(dest.left or 0),
                    float(dest.top or 0),
                )
                continue
            page = (
                reader.get_page_number(dest[0].get_object())
                if hasattr(dest[0], "get_object")
                else int(dest[0])
            )
            yield Landing(index, page, float(dest[2]), float(dest[3]))


def outline_pages(reader: PdfReader) -> list[tuple[str, int]]:
    """Top-level bookmarks with the page each opens, in order."""
    return [
        (item.title, reader.get_destination_page_number(item))
        for item in reader.outline
        if not isinstance(item, list)
    ]


def lines_at(frags: list[Fragment], y: float, count: int = 2, height: float = 16) -> str:
    """The text of ``count`` lines starting with the one just below ``y`` (a link destination's top)."""
    below = sorted({round(f.y, 1) for f in frags if f.y <= y + 1}, reverse=True)
    rows = [row for row in below if row >= y - height] + [row for row in below if row < y - height]
    chosen = rows[:count]
    return " ".join(
        "".join(f.text for f in sorted(frags, key=lambda f: f.x) if round(f.y, 1) == row)
        for row in chosen
    )


@dataclass(frozen=True)
class Line:
    """One printed line: its baseline height, its text, its largest type size, whether all bold."""

    y: float
    text: str
    size: float
    bold: bool


def page_lines(reader: PdfReader, index: int) -> list[Line]:
    """The lines of a page from top to bottom (fragments sharing a baseline, read left to right)."""
    rows: dict[int, list[tuple[float, str, float, bool]]] = {}

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs(tm[3] * cm[3]) or 1.0
        name = str(font.get("/BaseFont", "")) if isinstance(font, dict) else ""
        rows.setdefault(round(y), []).append((x, text, size * scale, "Bold" in name))

    reader.pages[index].extract_text(visitor_text=visit)
    lines = []
    for y in sorted(rows, reverse=True):
        frags = sorted(rows[y])
        lines.append(
            Line(
                y,
                "".join(f[1] for f in frags).strip(),
                max(f[2] for f in frags),
                all(f[3] for f in frags),
            )
        )
    return lines


def outline_entries(reader: PdfReader) -> list[tuple[str, int, float]]:
    """Every bookmark at any depth: its title, the page it opens, and the top of its destination."""
    found: list[tuple[str, int, float]] = []

    def walk(items: list[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append(
                    (item.title, reader.get_destination_page_number(item), float(item.top or 0))  # type: ignore[attr-defined]
                )

    walk(reader.outline)
    return found


def text_sizes(reader: PdfReader, index: int) -> list[tuple[str, float]]:
    """Every piece of text on a page with the size it is printed at (points)."""
    found: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            found.append((text, size * (abs(tm[3] * cm[3]) or 1.0)))

    reader.pages[index].extract_text(visitor_text=visit)
    return found
