"""Find an edition to compare with: an ``edition.json``, a project folder, or a git revision.

A git revision is read straight from the repository (``git archive`` of the project's
``briefing/`` and of the article files its sources name, into a temporary folder) and built into
an edition by the same Sphinx-free stages as a build: nothing is checked out, the working tree is
never touched.
"""

from __future__ import annotations

import io
import posixpath
import subprocess
import tarfile
import tempfile
from pathlib import Path

import yaml
from pydantic import ValidationError

from briefgen.core.errors import BriefingError, Problem
from briefgen.core.load import BRIEFING_DIR, Briefing
from briefgen.edition.cache import EditionCache
from briefgen.edition.changes import Changes, compare
from briefgen.edition.records import Edition, build_edition
from briefgen.trust.anchor import AnchorIndex


class EditionNotFound(Exception):
    """The named edition is neither a readable edition.json, a project, nor a git revision."""


def edition_of_project(root: Path) -> Edition:
    from briefgen.trust.prepare import prepare

    prepared = prepare(root)
    return build_edition(prepared.briefing, prepared.anchors)


def read_edition_file(path: Path) -> Edition:
    try:
        return Edition.from_file(path)
    except (OSError, ValueError, ValidationError) as exc:
        first = exc.errors()[0] if isinstance(exc, ValidationError) else None
        if first:
            detail = f"{'.'.join(map(str, first['loc']))}: {first['msg']}"
        else:
            detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise EditionNotFound(f"{path} is not a briefgen edition.json ({detail})") from None


def checked_revision(spec: str) -> str:
    """``spec`` as a git revision, or EditionNotFound: never an option (``-...``), no control
    characters, no spaces; it is also passed after ``--end-of-options``."""
    if (
        not spec
        or spec.startswith("-")
        or not spec.isprintable()
        or any(c.isspace() for c in spec)
        or len(spec) > 200
    ):
        raise EditionNotFound(
            f"{spec!r} is not a git revision, nor an edition.json or project folder"
        )
    return spec


def _git(root: Path, *args: str) -> bytes:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    if done.returncode != 0:
        raise EditionNotFound(
            done.stderr.decode("utf-8", "replace").strip() or f"git {' '.join(args)} failed"
        )
    return done.stdout


def _extract(root: Path, tree: str, paths: list[str], into: Path) -> None:
    data = _git(root, "archive", "--format=tar", tree, "--", *paths)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        # the data filter refuses links and paths leaving the folder
        try:
            tar.extractall(into, filter="data")
        except tarfile.TarError as exc:  # e.g. a link to an absolute path in that revision
            raise EditionNotFound(
                f"revision {tree!r} holds a file briefgen will not extract: {exc}"
            ) from None


def _commit_of(root: Path, revision: str) -> str:
    spec = f"{checked_revision(revision)}^{{commit}}"
    return _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", spec).decode().strip()


def edition_at_revision(root: Path, revision: str) -> Edition:
    """The edition of the project at ``root`` as it was at a git ``revision``."""
    checked_revision(revision)
    commit = _commit_of(root, revision)
    prefix = _git(root, "rev-parse", "--show-prefix").decode().strip()
    # git archive refuses an untracked working folder
    top = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip())
    tree = f"{commit}:{prefix}" if prefix else commit
    with tempfile.TemporaryDirectory(prefix="briefgen-edition-") as tmp:
        into = Path(tmp)
        _extract(top, tree, [BRIEFING_DIR], into)
        files = set()
        for path in sorted((into / BRIEFING_DIR / "sources").glob("*.yaml")):
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (yaml.YAMLError, UnicodeDecodeError):
                continue  # the build of that revision reports it
            if (
                isinstance(data, dict)
                and isinstance(data.get("file"), str)
                and not data["file"].startswith(("/", "-"))
            ):
                files.add(posixpath.normpath(data["file"]))  # as git names it: no "./", no "a/../"
        present = set(
            _git(top, "ls-tree", "-r", "--name-only", "-z", tree).decode("utf-8").split("\0")
        )
        if wanted := sorted(files & present):
            _extract(top, tree, wanted, into)
        try:
            return edition_of_project(into)
        except BriefingError as exc:
            shown = [
                Problem(f"{revision}:{p.file}", p.line, p.col, p.key_path, p.message, p.hint)
                for p in exc.problems
            ]
            raise BriefingError(shown) from None


def resolve_edition(spec: str, project: Path, base: Path | None = None) -> Edition:
    """An edition named on the command line or in ``previous_edition``: an edition.json, a project
    folder, or a git revision of ``project``. Relative paths are taken from ``base`` (default: the project)."""
    path = Path(spec) if Path(spec).is_absolute() else (base or project) / spec
    if path.is_file():
        return read_edition_file(path)
    if (path / BRIEFING_DIR / "book.yaml").is_file():
        return edition_of_project(path)
    return edition_at_revision(project, spec)


_CACHE: dict[tuple[str, ...], Edition] = {}  # a warm process (serve) reads a previous edition once


def _cache_key(spec: str, root: Path) -> tuple[str, ...]:
    """What identifies the edition ``spec`` names now: a file's size and time, a revision's commit."""
    path = Path(spec) if Path(spec).is_absolute() else root / spec
    if path.is_file():
        st = path.stat()
        return ("file", str(path.resolve()), str(st.st_size), str(st.st_mtime_ns))
    if (path / BRIEFING_DIR / "book.yaml").is_file():
        return ()  # a project folder can change at any time: never cached
    return ("git", str(root.resolve()), _commit_of(root, spec))


def previous_edition(briefing: Briefing) -> Edition | None:
    """The edition the book's ``previous_edition`` names (None if it names none), or a problem located in book.yaml."""
    spec = briefing.book.model.previous_edition
    if spec is None:
        return None
    try:
        key = _cache_key(spec, briefing.root)
        if key and key in _CACHE:
            return _CACHE[key]
        edition = resolve_edition(spec, briefing.root)
        if key:
            _CACHE.clear()  # one previous edition per process is enough
            _CACHE[key] = edition
        return edition
    except EditionNotFound as exc:
        hint = "give the path of an edition.json (from the project folder) or a git revision (tag or commit) of this project"
        raise BriefingError(
            [
                briefing.book.doc.problem(
                    ("previous_edition",), f"previous edition {spec!r} not found: {exc}", hint
                )
            ]
        ) from None


def with_previous(
    briefing: Briefing, anchors: AnchorIndex, cache: EditionCache | None = None
) -> tuple[Edition, Changes | None]:
    """This build's edition, and what changed since the previous one when the book names it.

    ``cache``: a warm process's memory of earlier editions (``build_edition``).
    """
    edition = build_edition(briefing, anchors, cache)
    previous = previous_edition(briefing)
    return edition, (compare(previous, edition) if previous is not None else None)
