"""The ``typst`` builder: the whole book as one Typst document, compiled to PDF in-process.

Like Sphinx's LaTeX builder it inlines every toctree into one doctree and resolves references
against itself (``%docname#id`` URIs). Unlike LaTeX it needs no TeX: the ``typst`` package ships
the compiler. The compile is confined to the output folder (its root), reads only the files the
builder put there, and is skipped when the markup, metadata and images are byte-identical to the
last successful compile.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
from collections.abc import Set as AbstractSet
from importlib.metadata import version
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from sphinx import addnodes
from sphinx.builders import Builder
from sphinx.errors import ConfigError, SphinxError
from sphinx.locale import __
from sphinx.util import logging

from briefgen.compose.markup import METADATA_FILE, clean
from briefgen.sphinxext.typst.writer import TypstTranslator

logger = logging.getLogger(__name__)

TEMPLATE = Path(__file__).with_name("briefgen.typ")
_TYPST_VERSION = version("typst")  # the compiler in the wheel: part of the unchanged-PDF check
MAIN = "book.typ"
STAMP = ".compiled"  # the last successful compile: hash of its inputs, the pages, the PDF's name
_FONT_FAMILY = re.compile(r'font-family="[^"]*"')


class TypstBuildError(SphinxError):
    """Typst refused the document: its messages, for the user."""

    category = "Typst error"


class TypstBuilder(Builder):
    name = "typst"
    format = "typst"
    epilog = __("The PDF is in %(outdir)s.")
    supported_image_types: ClassVar[list[str]] = ["image/svg+xml", "image/png", "image/jpeg"]
    supported_remote_images = False
    default_translator_class = TypstTranslator
    imgpath = ""  # graphviz's render_dot writes beside the markup

    def init(self) -> None:
        self.compiled: Path | None = None

    def get_outdated_docs(self) -> str | list[str]:
        """Pages read since the last PDF; none means Sphinx skips writing (a no-change rebuild).

        The book is one output, so any outdated page rewrites all of it; the compile itself is
        skipped again when the Typst input turns out byte-identical. A different set of pages, a
        newer template, other book metadata (title, date, ``SOURCE_DATE_EPOCH``) or no previous
        PDF means everything.
        """
        stamp = self.outdir / STAMP
        recorded = _read_stamp(stamp)
        if not recorded:
            return "all documents"
        built = stamp.stat().st_mtime
        changed_setup = recorded.get("meta") != self.book_meta() or recorded.get("docs") != sorted(
            self.env.found_docs
        )
        if (
            changed_setup
            or TEMPLATE.stat().st_mtime > built
            or not (self.outdir / recorded.get("pdf", "")).is_file()
        ):
            return "all documents"
        doctrees = Path(self.doctreedir)
        return [
            doc
            for doc in sorted(self.env.found_docs)
            if not (doctrees / f"{doc}.doctree").is_file()
            or (doctrees / f"{doc}.doctree").stat().st_mtime > built
        ]

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        return "%" + docname

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        return self.get_target_uri(to, typ)

    def prepare_writing(self, docnames: AbstractSet[str]) -> None:
        pass

    def write_documents(self, _docnames: AbstractSet[str]) -> None:
        root = self.config.root_doc
        book = self.assemble(root, [root])
        book["docname"] = root
        self.env.resolve_references(book, root, self)
        self.post_process_images(book)
        translator = TypstTranslator(book, self)
        book.walkabout(translator)
        self.outdir.mkdir(parents=True, exist_ok=True)
        files = {
            MAIN: '#import "briefgen.typ": *\n#show: book.with(json("meta.json"))\n\n'
            + translator.astext(),
            "meta.json": json.dumps(self.book_meta(), indent=1, sort_keys=True, ensure_ascii=False)
            + "\n",
            "briefgen.typ": TEMPLATE.read_text(encoding="utf-8"),
        }
        for name, text in files.items():
            _write_if_changed(self.outdir / name, text.encode("utf-8"))
        self.copy_images(translator.images)
        self.compile(files, translator.images)

    def assemble(self, docname: str, seen: list[str]) -> nodes.document:
        """The page with its toctrees replaced by the pages they list, recursively.

        Sphinx's ``inline_all_toctrees`` does the same but deep-copies every page first, which
        costs more than the whole Typst compile on a large book; ``get_doctree`` already returns
        a fresh, private copy of each page.
        """
        tree = self.env.get_doctree(docname)
        for toctree in list(tree.findall(addnodes.toctree)):
            included = []
            for name in map(str, toctree["includefiles"]):
                if name in seen:
                    continue
                seen.append(name)
                page = addnodes.start_of_file(docname=name)
                page.children = self.assemble(
                    name, seen
                ).children  # as inline_all_toctrees does: parents stay the page
                included.append(page)
            toctree.parent.replace(toctree, included)
        return tree

    def book_meta(self) -> dict[str, Any]:
        """The cover and document metadata, from the composer's metadata file (plain data)."""
        path = Path(self.srcdir) / METADATA_FILE
        meta = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        title = clean(meta.get("title") or self.config.project)
        as_of = _as_of_date(meta.get("as_of"))
        sources = int(meta.get("sources", 0))
        return {
            "title": title,
            "subtitle": clean(meta["subtitle"]) if meta.get("subtitle") else None,
            "marking": clean(meta.get("marking", "")),
            "as_of_display": clean(meta.get("as_of_display", "")),
            "authors": [clean(a) for a in meta.get("authors", [])],
            "keywords": [clean(k) for k in meta.get("keywords", [])],
            "date": [as_of.year, as_of.month, as_of.day],
            "lang": self.config.language or "en",
            "paper": meta.get("paper") if meta.get("paper") in ("a4", "us-letter") else "a4",
            "contents_title": "Contents",
            "cover_note": f"{sources} source{'s' if sources != 1 else ''}. Every claim is cited to an exact passage, reproduced and highlighted in the appendices.",
        }

    def appendix_names(self) -> dict[str, str]:
        """Source page -> the name print references give it (its outlet): its appendix's title
        starts with it, and its pages' running head shows it, so a reader finds "Gazette ¶6"."""
        path = Path(self.srcdir) / METADATA_FILE
        meta = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        names = meta.get("appendix_names", {})
        return (
            {str(doc): clean(str(name)) for doc, name in names.items()}
            if isinstance(names, dict)
            else {}
        )

    def copy_images(self, images: dict[str, str]) -> None:
        """Images into the output folder; SVG text is set in the book's own type family."""
        for src, dest in self.images.items():
            data = (Path(self.srcdir) / src).read_bytes()
            _write_if_changed(self.outdir / dest, _book_fonts(dest, data))
        for name in images:  # graphviz renders straight into the output folder
            path = self.outdir / name
            path.write_bytes(_book_fonts(name, path.read_bytes()))

    def compile(self, files: dict[str, str], images: dict[str, str]) -> None:
        import typst

        digest = hashlib.sha256()
        for name in sorted(files):
            digest.update(name.encode() + b"\0" + files[name].encode("utf-8") + b"\0")
        for name in sorted(images):
            digest.update(name.encode() + b"\0" + (self.outdir / name).read_bytes() + b"\0")
        options = {
            "standards": list(self.config.typst_pdf_standards),
            "fonts": [str(p) for p in self.config.typst_font_paths],
        }
        digest.update(_TYPST_VERSION.encode() + json.dumps(options).encode())
        pdf = self.outdir / f"{self.pdf_stem()}.pdf"
        stamp = self.outdir / STAMP
        record = json.dumps(
            {
                "digest": digest.hexdigest(),
                "docs": sorted(self.env.found_docs),
                "pdf": pdf.name,
                "meta": json.loads(files["meta.json"]),
            },
            indent=1,
        )
        if pdf.is_file() and _read_stamp(stamp).get("digest") == digest.hexdigest():
            logger.info(__("PDF unchanged: %s"), pdf.name)
            stamp.write_text(record)  # newer than the pages just checked
            self.compiled = pdf
            return
        stamp.unlink(missing_ok=True)
        logger.info(__("compiling PDF with Typst %s"), _TYPST_VERSION)
        try:
            data, warnings = typst.compile_with_warnings(
                str(self.outdir / MAIN),
                root=str(self.outdir),
                font_paths=[str(Path(self.confdir) / p) for p in self.config.typst_font_paths],
                pdf_standards=list(self.config.typst_pdf_standards),
                package_path=str(self.outdir / ".no-packages"),
                package_cache_path=str(self.outdir / ".no-packages"),
            )
        except typst.TypstError as exc:
            raise TypstBuildError(_typst_message(exc)) from None
        except ValueError as exc:  # an option the compiler refuses: the project's configuration
            raise ConfigError(f"typst_pdf_standards / typst_font_paths: {exc}") from None
        for warning in warnings:
            logger.warning(__("Typst: %s"), _typst_message(warning), type="typst")
        pdf.write_bytes(data)
        stamp.write_text(record)
        self.compiled = pdf

    def pdf_stem(self) -> str:
        path = Path(self.srcdir) / METADATA_FILE
        slug = json.loads(path.read_text(encoding="utf-8")).get("slug") if path.is_file() else None
        return slug if slug and re.match(r"^[A-Za-z0-9._-]+$", slug) else "book"

    def finish(self) -> None:
        pass


def _read_stamp(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _write_if_changed(path: Path, data: bytes) -> None:
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _book_fonts(name: str, data: bytes) -> bytes:
    """Set an SVG's text in the book's family (charts are drawn for browsers' sans fonts)."""
    if not name.endswith(".svg"):
        return data
    text = data.decode("utf-8")
    return _FONT_FAMILY.sub('font-family="Libertinus Serif"', text).encode("utf-8")


def _as_of_date(value: object) -> datetime.date:
    """The PDF's date: ``SOURCE_DATE_EPOCH`` when set (reproducible-builds convention), else the
    book's as-of date, never the day of the build."""
    from briefgen.core.dates import parse_date

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC).date()
    try:
        return parse_date(str(value)).earliest
    except (
        Exception
    ):  # no metadata (a plain sphinx-build of other pages): a fixed date keeps builds reproducible
        return datetime.date(1970, 1, 1)


def _typst_message(exc: object) -> str:
    for attr in ("message", "diagnostic"):
        value = getattr(exc, attr, None)
        if isinstance(value, str) and value:
            hints = getattr(exc, "hints", None) or []
            return value + "".join(f" (hint: {h})" for h in hints)
    return str(exc)
