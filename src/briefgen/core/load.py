"""Load a briefing project: YAML files into the typed model, with every problem located.

A project is a folder holding ``briefing/book.yaml``, ``briefing/sources/*.yaml``, the section
files (``background.yaml``, ``actors.yaml`` ...) and the article texts they point at. Problems from
every file are gathered before failing, so one ``check`` run shows all of them.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from briefgen.core.errors import BriefingError, KeyPath, Problem, ProblemCollector
from briefgen.core.filestate import FileStates, now_ns
from briefgen.core.gcpause import paused_gc
from briefgen.core.model import (
    SECTION_FILES,
    Actors,
    Background,
    Book,
    Method,
    Positions,
    Questions,
    Source,
    Strict,
    Timeline,
)
from briefgen.core.safefiles import is_hidden_or_built
from briefgen.core.yamlio import YamlDocument, read_text, read_yaml, read_yaml_again

M = TypeVar("M", bound=BaseModel)
BRIEFING_DIR = "briefing"
MAX_SOURCE_BYTES = 5_000_000

#: Which section needs which file (method.yaml is optional: the sources page works without it).
SECTION_NEEDS = {
    "background": "background",
    "actors": "actors",
    "positions": "positions",
    "timeline": "timeline",
    "questions": "questions",
}


@dataclass
class Part:
    """One loaded YAML file: its model and the document that locates its keys."""

    doc: YamlDocument
    model: Any


@dataclass
class Briefing:
    """Everything later stages need, read and typed, with the documents kept for locating errors."""

    root: Path
    book: Part
    sources: dict[str, Part]  # by source id, in file-name order
    texts: dict[str, str]  # article text by source id
    sections: dict[str, Part] = field(default_factory=dict)
    # real path of each article text read, by source id
    article_paths: dict[str, str] = field(default_factory=dict)

    def section(self, name: str) -> Any | None:
        part = self.sections.get(name)
        return part.model if part else None

    @property
    def background(self) -> Background | None:
        return self.section("background")

    @property
    def actors(self) -> Actors | None:
        return self.section("actors")

    @property
    def positions(self) -> Positions | None:
        return self.section("positions")

    @property
    def timeline(self) -> Timeline | None:
        return self.section("timeline")

    @property
    def questions(self) -> Questions | None:
        return self.section("questions")

    @property
    def method(self) -> Method:
        return self.section("method") or Method()

    def parts(self) -> list[Part]:
        """Every loaded YAML file, book first, then sections, then sources."""
        return [self.book, *self.sections.values(), *self.sources.values()]


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Walk a model's fields along a pydantic loc to list the keys allowed at that place."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        keys = (
            _yaml_keys(current)
            if isinstance(current, type) and issubclass(current, BaseModel)
            else {}
        )
        if part not in keys:
            return []
        current = _innermost_model(current.model_fields[keys[part]].annotation)
    return (
        sorted(_yaml_keys(current))
        if isinstance(current, type) and issubclass(current, BaseModel)
        else []
    )


def _yaml_keys(model: type[BaseModel]) -> dict[str, str]:
    """YAML key -> field name (they differ where a field has an alias, like 'from')."""
    return {(field.alias or name): name for name, field in model.model_fields.items()}


def _innermost_model(annotation: Any) -> Any:
    """Strip list[...] / Optional[...] / Annotated[...] wrappers down to a model class, if any."""
    seen = 0
    while seen < 10:
        seen += 1
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation
        args = [a for a in getattr(annotation, "__args__", ()) if a is not type(None)]
        if hasattr(annotation, "__metadata__"):
            annotation = annotation.__origin__
            continue
        if not args:
            return annotation
        models = [_innermost_model(a) for a in args]
        hits = [m for m in models if isinstance(m, type) and issubclass(m, BaseModel)]
        return hits[0] if hits else annotation
    return annotation


_FRIENDLY = {
    "string_pattern_mismatch": "must be a lowercase slug (letters, digits and single hyphens, e.g. 'nbc-news')",
    "string_too_short": "must not be empty",
    "too_short": "needs at least one item",
    "timezone_aware": "needs a time zone (e.g. 2024-05-06T10:00:00Z or +02:00): without one the time is ambiguous by up to a day",
}

# Patterns other than a slug's, in words
_PATTERNS = {r"^[0-9a-f]{64}$": "must be a SHA-256: 64 lowercase hexadecimal digits"}


# What a key with too few items (or none) is for, where its name does not say.
_KEY_HINTS = {
    "statements": "a statement is something the actor said or did: an action counts "
    "(e.g. 'Approved the training mission'), cited like any claim",
}


def problems_from_validation(
    doc: YamlDocument, model: type[BaseModel], exc: ValidationError
) -> list[Problem]:
    """Turn pydantic's errors into located problems, with the allowed keys for unknown ones."""
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc: KeyPath = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
        kind = err["type"]
        if kind == "extra_forbidden":
            bad = str(loc[-1])
            allowed = _allowed_keys(model, loc[:-1])
            close = difflib.get_close_matches(bad, allowed, n=1)
            hint = (
                (f"did you mean {close[0]!r}? " if close else "")
                + "allowed keys: "
                + ", ".join(allowed)
            )
            out.append(doc.problem(loc, f"unknown key {bad!r}", hint, key=True))
        elif kind == "missing":
            out.append(
                doc.problem(
                    loc[:-1], f"missing required key {loc[-1]!r}", _KEY_HINTS.get(str(loc[-1]))
                )
            )
        else:
            while len(loc) > 1 and loc not in doc.value_marks:
                # e.g. a plain-string date validated as {date: ...}: point at the key written
                loc = loc[:-1]
            pattern = str((err.get("ctx") or {}).get("pattern", ""))
            msg = _PATTERNS.get(pattern) or _FRIENDLY.get(kind) or err["msg"]
            msg = msg.removeprefix("Value error, ")
            given = err.get("input")
            if kind.startswith(
                ("literal_", "string_type", "int_", "list_type", "model_type", "dict_type")
            ) or kind in ("string_pattern_mismatch", "string_too_short"):
                shown = repr(given) if not isinstance(given, (dict, list)) else type(given).__name__
                msg = f"{msg} (got {shown[:80]})"
            purpose = _KEY_HINTS.get(str(loc[-1])) if kind == "too_short" and loc else None
            out.append(doc.problem(loc, msg, purpose))
    return out


def validate_document(doc: YamlDocument, model: type[M]) -> M:
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise BriefingError(problems_from_validation(doc, model, exc)) from None


def _relative(root: Path, path: Path | str) -> str:
    inside, whole = str(root).rstrip(os.sep) + os.sep, str(path)
    if (
        whole.startswith(inside) and whole != inside
    ):  # the common case, without pathlib's parsing (a thousand files)
        return whole[len(inside) :]
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return str(path)


def todo_problems(
    doc: YamlDocument, only: list[tuple[KeyPath, Any]] | None = None
) -> list[Problem]:
    """Placeholders left by 'briefgen new-source' (values starting with TODO), one problem each.

    ``only``: look in these values (key path, value) alone, e.g. the items an edit re-read.
    """
    found: list[Problem] = []

    def scan(value: Any, path: KeyPath) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                scan(v, (*path, k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                scan(v, (*path, i))
        elif isinstance(value, str) and value.startswith("TODO"):
            found.append(
                doc.problem(
                    path, f"still to fill in: {value}", "replace the TODO with the real value"
                )
            )

    for path, value in [((), doc.data)] if only is None else only:
        scan(value, path)
    return found


PartCache = dict[tuple[str, str, type], tuple[bytes, Part]]
"""Parts loaded before, by file, displayed name and model, with the bytes they were parsed from."""


def _validate_again(doc: YamlDocument, model: type[M], previous: Part | None) -> M:
    """``validate_document``, taking the items of top-level lists that an edit left as they were
    (the very same data) from ``previous`` already validated: an edit validates what it changed.

    On any problem the whole document is validated again, for a cold build's messages.
    """
    if previous is None or doc.layout is None or previous.doc.layout is None:
        return validate_document(doc, model)
    keys = _yaml_keys(model)
    known: dict[int, tuple[Any, BaseModel]] = {}
    for key, seq in previous.doc.layout.seqs.items():
        values = getattr(previous.model, keys[key], None) if key in keys else None
        if (
            isinstance(values, list)
            and len(values) == len(seq.items)
            and all(isinstance(v, BaseModel) for v in values)
        ):
            known.update(
                (id(item.data), (item.data, value))
                for item, value in zip(seq.items, values, strict=False)
            )
    if not known:
        return validate_document(doc, model)
    data = dict(doc.data)
    for key in doc.layout.seqs:
        data[key] = [
            hit[1] if (hit := known.get(id(x))) is not None and hit[0] is x else x
            for x in data[key]
        ]
    try:
        # validated items pass as they are (pydantic does not revalidate instances)
        return model.model_validate(data)
    except ValidationError:
        return validate_document(doc, model)


def _read_bytes(name: str, known: FileStates[bytes] | None) -> bytes | None:
    """The file's bytes, or None if unreadable; ``known``: bytes read before, given again while the file's state is unchanged."""
    if known is None:
        try:
            with open(name, "rb") as f:
                return f.read()
        except OSError:
            return None
    try:
        before = now_ns()
        st = os.stat(name)
        data = known.get(name, st)
        if data is None:
            with open(name, "rb") as f:
                data = f.read()
            known.remember(name, st, data, before)
        return data
    except OSError:
        known.forget(name)
        return None


def _load_part(
    root: Path,
    where: Path | str,
    model: type[Strict],
    problems: ProblemCollector,
    cache: PartCache | None = None,
    known: FileStates[bytes] | None = None,
) -> Part | None:
    name = str(where)
    display = _relative(root, name)
    data: bytes | None = None
    hit = None
    if (
        cache is not None
    ):  # unchanged bytes: the same Part (parsing and validating is most of loading)
        data = _read_bytes(name, known)
        hit = cache.get((name, display, model))
        if data is not None and hit is not None and hit[0] == data:
            return hit[1]
    path = Path(where)
    try:
        if cache is None:
            doc, fresh = read_yaml(path, display), None
        else:  # an edited file: parse and validate only the list items the edit touched
            doc, fresh = read_yaml_again(path, display, hit[1].doc if hit is not None else None)
        if todos := todo_problems(
            doc, fresh
        ):  # a stub: list what is left, not every type error it causes
            problems.extend(todo_problems(doc) if fresh is not None else todos)
            return None
        part = Part(
            doc,
            _validate_again(doc, model, hit[1] if fresh is not None and hit is not None else None),
        )
    except BriefingError as exc:
        problems.extend(exc.problems)
        return None
    if (
        cache is not None and data is not None
    ):  # bytes read before parsing: a later change never hides behind this entry
        cache[(name, display, model)] = (data, part)
    return part


def resolve_inside(
    root: Path,
    relative: str,
    real_root: Path | None = None,
    real_dirs: dict[str, str] | None = None,
) -> Path | None:
    """The real path of ``relative`` under ``root``, or None if it escapes (``..``, absolute, symlink).

    ``real_root``: ``root.resolve()``; ``real_dirs``: real paths of folders resolved before, by
    path. Both for a caller resolving many paths at one moment (a thousand articles in one folder).
    """
    target = _real_inside(root, relative, real_root, real_dirs)
    return None if target is None else Path(target)


def _real_inside(
    root: Path,
    relative: str,
    real_root: Path | None = None,
    real_dirs: dict[str, str] | None = None,
) -> str | None:
    """``resolve_inside`` as a string (no Path made: a thousand of them cost more than the check)."""
    if os.path.isabs(relative) or "\x00" in relative:
        return None
    real_root = root.resolve() if real_root is None else real_root
    base = str(real_root)
    folder, name = os.path.split(os.path.join(root, relative))
    if real_dirs is None:
        real_dirs = {}
    if (real_folder := real_dirs.get(folder)) is None:
        real_folder = real_dirs[folder] = os.path.realpath(folder)
    joined = os.path.join(real_folder, name)
    try:  # a plain name (no link) in a real folder is its own real path: no walk over every component
        plain = name not in ("", ".", "..") and not stat.S_ISLNK(os.lstat(joined).st_mode)
    except OSError:
        plain = False
    # as Path.resolve(): a real folder then the name in it
    target = joined if plain else os.path.realpath(joined)
    if target != base and not target.startswith(base.rstrip(os.sep) + os.sep):
        return None
    return target


def _load_source_text(
    root: Path,
    part: Part,
    problems: ProblemCollector,
    real_root: Path,
    real_dirs: dict[str, str],
    known: FileStates[str] | None = None,
) -> tuple[str, str] | None:
    """The article text of a source and its real path, or None with the problem recorded.

    ``known``: texts read before by a warm process, given again while their file's state is
    unchanged (``briefgen.core.filestate``); anything else takes the path below, with its messages.
    """
    source: Source = part.model
    name = _real_inside(root, source.file, real_root, real_dirs)
    if name is None:
        problems.add(
            part.doc.problem(
                ("file",),
                f"path {source.file!r} leaves the project folder",
                "article files must live inside the project, e.g. seeds/article.txt",
            )
        )
        return None
    if is_hidden_or_built(Path(name), real_root):
        problems.add(
            part.doc.problem(
                ("file",),
                f"article file {source.file!r} is in a hidden folder or in _build",
                "keep article texts in a visible folder of the project, e.g. seeds/; hidden folders (.git, .venv) and _build are not briefing material",
            )
        )
        return None
    before, st = 0, None
    if known is not None:
        try:
            before = now_ns()
            st = os.stat(name)
        except OSError:
            known.forget(name)
        else:
            if stat.S_ISREG(st.st_mode) and (text := known.get(name, st)) is not None:
                return text, name
    target = Path(name)
    try:
        exists = target.is_file()
    except OSError as exc:  # e.g. a name too long for the file system
        problems.add(
            part.doc.problem(
                ("file",), f"cannot use article path {source.file[:80]!r}: {exc.strerror}"
            )
        )
        return None
    if not exists:
        hint = None
        inside = target.parent == real_root or real_root in target.parent.parents
        if inside and target.parent.is_dir():  # hints only ever name files inside the project
            close = difflib.get_close_matches(
                target.name, sorted(p.name for p in target.parent.iterdir()), n=1
            )
            hint = f"did you mean {close[0]!r}?" if close else None
        problems.add(
            part.doc.problem(("file",), f"article file {source.file!r} does not exist", hint)
        )
        return None
    text, file_problems = read_text(target, source.file, max_bytes=MAX_SOURCE_BYTES)
    if text is None:
        if known is not None:
            known.forget(name)
        for p in file_problems:
            problems.add(
                part.doc.problem(("file",), f"article file {source.file!r}: {p.message}", p.hint)
            )
        return None
    if not text.strip():
        problems.add(part.doc.problem(("file",), f"article file {source.file!r} is empty"))
        return None
    if known is not None and st is not None:
        known.remember(name, st, text, before)
    return text, name


@dataclass
class KnownFiles:
    """What a warm process read before, by file state (``briefgen.core.filestate``): YAML bytes and article texts."""

    yaml: FileStates[bytes] = field(default_factory=FileStates)
    articles: FileStates[str] = field(default_factory=FileStates)


@paused_gc()
def load_briefing(
    root: Path, *, cache: PartCache | None = None, known: KnownFiles | None = None
) -> Briefing:
    """Read and type every file of the project at ``root``; raise BriefingError listing all problems.

    With ``cache``, files whose bytes are unchanged since they were cached give their earlier Part.
    With ``known`` too, files whose state is unchanged since they were read are not read again.
    """
    root = Path(root)
    problems = ProblemCollector()
    bdir = root / BRIEFING_DIR
    book_path = bdir / "book.yaml"
    try:
        has_book = book_path.is_file()
    except OSError as exc:
        raise BriefingError(
            [Problem(str(root)[:80], 1, 1, (), f"cannot use this project folder: {exc.strerror}")]
        ) from None
    if not has_book:
        raise BriefingError(
            [
                Problem(
                    _relative(root, book_path),
                    1,
                    1,
                    (),
                    "book.yaml not found",
                    f"run briefgen in the project folder (the one holding {BRIEFING_DIR}/), or pass --project",
                )
            ]
        )
    book = _load_part(root, book_path, Book, problems, cache, known.yaml if known else None)
    wanted = set(book.model.sections) if book else set(SECTION_NEEDS)

    sections: dict[str, Part] = {}
    for name, model in SECTION_FILES.items():
        path = bdir / f"{name}.yaml"
        if not path.is_file():
            if name in SECTION_NEEDS and name in wanted:
                problems.add(
                    Problem(
                        _relative(root, path),
                        1,
                        1,
                        (),
                        f"{name}.yaml is missing but book.yaml lists the {name!r} section",
                        f"create it, or remove {name!r} from sections in book.yaml",
                    )
                )
            continue
        part = _load_part(root, path, model, problems, cache, known.yaml if known else None)
        if part:
            sections[name] = part

    sources: dict[str, Part] = {}
    texts: dict[str, str] = {}
    article_paths: dict[str, str] = {}
    source_dir = str(bdir / "sources")
    try:  # one folder, by name (strings: a thousand Path objects cost more than loading unchanged files)
        source_files = (
            sorted(name for name in os.listdir(source_dir) if name.endswith(".yaml"))
            if os.path.isdir(source_dir)
            else []
        )
    except OSError:
        source_files = []
    real_root = root.resolve()
    real_dirs: dict[str, str] = {}
    if not source_files:
        problems.add(
            Problem(
                _relative(root, bdir / "sources"),
                1,
                1,
                (),
                "no source files found",
                "add one YAML file per article in briefing/sources/ (see 'briefgen --help')",
            )
        )
    for file_name in source_files:
        part = _load_part(
            root,
            os.path.join(source_dir, file_name),
            Source,
            problems,
            cache,
            known.yaml if known else None,
        )
        if not part:
            continue
        sid = part.model.id
        if (stem := os.path.splitext(file_name)[0]) != sid:  # as Path.stem
            problems.add(
                part.doc.problem(
                    ("id",),
                    f"id {sid!r} does not match the file name {file_name!r}",
                    f"rename the file to {sid}.yaml or set id: {stem}",
                )
            )
        if sid in sources:
            problems.add(
                part.doc.problem(
                    ("id",),
                    f"duplicate source id {sid!r}",
                    f"also used in {sources[sid].doc.display}",
                )
            )
            continue
        sources[sid] = part
        found = _load_source_text(
            root, part, problems, real_root, real_dirs, known.articles if known else None
        )
        if found is not None:
            texts[sid], article_paths[sid] = found

    problems.raise_if_any()
    assert book is not None
    if known is not None:  # let go of what no longer belongs to the project
        known.yaml.keep_only(
            {str(p) for p in (book_path, *(bdir / f"{n}.yaml" for n in SECTION_FILES))}
            | {os.path.join(source_dir, n) for n in source_files}
        )
        known.articles.keep_only(set(article_paths.values()))
    return Briefing(
        root=root,
        book=book,
        sources=sources,
        texts=texts,
        sections=sections,
        article_paths=article_paths,
    )


def book_slug(briefing: Briefing) -> str:
    """File-name stem of the PDF: the book's ``slug``, else an ASCII slug of its title."""
    book: Book = briefing.book.model
    if book.slug:
        return book.slug
    ascii_title = unicodedata.normalize("NFKD", book.title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-") or "briefing"
