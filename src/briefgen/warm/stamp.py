"""The no-op build: a record of what the last successful build read, so an unchanged project is not rebuilt.

After a build has published everything it was asked for, ``record`` writes ``_build/.stamp.json``:
a digest of every input (the briefing YAML, the configuration folder, briefgen's own files with
its packaged defaults and templates, the installed distributions, the Python version, the
requested formats and configuration path, and the environment variables a build reads), the
SHA-256 of each article text read, and what the published outputs looked like. ``is_current``
recomputes all of that; a build whose stamp still matches has nothing to do and stops before
Sphinx is even imported. Anything unexpected (no stamp, unreadable, another version, an output
moved or deleted, a missing article) counts as a change: a wrong "up to date" would leave a stale
book in place, a needless rebuild costs only time. A build removes the stamp before it starts, so
a failed or interrupted build is never taken for a finished one.

Outputs are compared by the top level of ``_build/``: the published folders are links swapped on
every publish, so a new output written by a build (in a published folder or beside it) is covered
without this module knowing it. Standard library only, so the check costs no heavy imports.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
from collections.abc import Iterable
from pathlib import Path

from briefgen.core.filestate import FileStates, now_ns
from briefgen.core.ownfolder import is_ours
from briefgen.core.safefiles import read_regular

STAMP_FILE = ".stamp.json"
MAX_HASHED_BYTES = 256 * 1024 * 1024
"""A file larger than this under briefing/ or conf/ counts as unreadable (the build says why);
what is hashed is read as a regular file only (``core.safefiles``): a FIFO there never hangs a build."""
STAMP_VERSION = 2
ENVIRONMENT = ("SOURCE_DATE_EPOCH", "LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LC_TIME", "TZ")
"""Variables that can change what a build writes (dates, language)."""
_SKIP_DIRS = {"__pycache__", ".git", ".hg", ".svn"}
PACKAGE = Path(__file__).resolve().parents[1]
"""briefgen's own files (code, packaged configuration, templates): part of every build's inputs."""


def conf_dir(root: Path, conf: Path | None) -> Path:
    """The configuration folder a build of ``root`` uses (as ``building.layout.Layout.conf`` decides)."""
    if conf is not None:
        return conf
    own = root / "conf"
    if (own / "conf.py").is_file():
        return own
    from briefgen.defaults import CONF_DIR

    return CONF_DIR


def feed_tree(
    digest: hashlib._Hash, top: Path, label: str, known: FileStates[bytes] | None = None
) -> None:
    """Feed every file below ``top`` (path and bytes, in sorted order) into ``digest``.

    ``known``: a warm process's file digests, by file state (``briefgen.core.filestate``).
    """
    digest.update(f"\0tree\0{label}\0".encode())
    if not top.is_dir():
        digest.update(b"absent")
        return
    base = str(top)
    for folder, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        prefix = "" if folder == base else folder[len(base) + 1 :].replace(os.sep, "/") + "/"
        for name in sorted(files):
            digest.update(f"\0{prefix}{name}\0".encode())
            sha = _file_digest(os.path.join(folder, name), known)
            digest.update(b"unreadable" if sha is None else sha)


def _file_digest(
    path: str,
    known: FileStates[bytes] | None = None,
    seen: tuple[int, os.stat_result] | None = None,
) -> bytes | None:
    """SHA-256 of a file's bytes (None if unreadable); ``known``: digests kept by file state;
    ``seen``: the file's stat result, taken after the ``now_ns()`` given with it."""
    try:
        if known is None:
            return hashlib.sha256(read_regular(path, MAX_HASHED_BYTES)).digest()
        before, st = seen if seen is not None else (now_ns(), None)
        if st is None:
            st = os.stat(path)
        sha = known.get(path, st)
        if sha is None:
            sha = hashlib.sha256(read_regular(path, MAX_HASHED_BYTES)).digest()
            known.remember(path, st, sha, before)
        return sha
    except OSError:
        if known is not None:
            known.forget(path)
        return None


def feed_distributions(digest: hashlib._Hash) -> None:
    """Names and versions of the installed distributions (from the names of their metadata folders)."""
    digest.update(f"\0python\0{sys.version}\0{sys.prefix}\0{platform.platform()}".encode())
    names: set[str] = set()
    for (
        entry
    ) in sys.path:  # names only: how briefgen was started (script, -m, -c) changes sys.path[0]
        try:
            names.update(
                n
                for n in os.listdir(entry or ".")
                if n.endswith((".dist-info", ".egg-info", ".egg-link", ".pth"))
            )
        except OSError:
            continue
    digest.update(f"\0distributions\0{','.join(sorted(names))}".encode())


def inputs_digest(
    root: Path, conf: Path, formats: Iterable[str], known: FileStates[bytes] | None = None
) -> str:
    """One digest of everything a build reads except the article texts (those are listed in the stamp).

    ``known``: a warm process's file digests by file state, so unchanged files are not read again.
    """
    digest = hashlib.sha256(
        f"briefgen stamp {STAMP_VERSION}\0{root.resolve()}\0{sorted(formats)}\0{conf.resolve()}".encode()
    )
    for name in ENVIRONMENT:
        digest.update(f"\0env\0{name}={os.environ.get(name)}".encode())
    feed_tree(digest, root / "briefing", "briefing", known)
    feed_tree(digest, conf, "conf", known)
    feed_tree(digest, PACKAGE, "briefgen", known)
    feed_distributions(digest)
    return digest.hexdigest()


def _file_sha(
    path: str,
    known: FileStates[bytes] | None = None,
    seen: tuple[int, os.stat_result] | None = None,
) -> str | None:
    sha = _file_digest(path, known, seen)
    return None if sha is None else sha.hex()


def outputs_state(build_dir: Path) -> dict[str, object]:
    """What the top level of ``_build/`` holds: link targets, file sizes and times, folder names.

    Hidden entries (Sphinx's work folder, the lock, this stamp, the published folders behind the
    links) are left out; a link whose target is gone is recorded as missing.
    """
    state: dict[str, object] = {}
    try:
        entries = sorted(os.scandir(build_dir), key=lambda e: e.name)
    except OSError:
        return {"missing": True}
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            state[entry.name] = ["link", os.readlink(entry.path), os.path.isdir(entry.path)]
        elif entry.is_file():
            st = entry.stat()
            state[entry.name] = ["file", st.st_size, st.st_mtime_ns]
        else:
            state[entry.name] = ["dir"]
    return state


def stamp_path(root: Path) -> Path:
    return root / "_build" / STAMP_FILE


def clear(root: Path) -> None:
    """Forget the last build (called before building: an unfinished build must never look current)."""
    stamp_path(root).unlink(missing_ok=True)


MTIME_MARGIN_NS = 1_000_000_000
"""A file read by a build and modified less than this before the build started, or after, may have
been read in another state than the one hashed at the end: no stamp then (file times are coarse)."""


def record(
    root: Path,
    conf: Path,
    formats: Iterable[str],
    files_read: Iterable[Path | str],
    *,
    inputs: str,
    started_ns: int,
    volatile: bool = False,
    known: FileStates[bytes] | None = None,
) -> bool:
    """Write the stamp of a build that has just published everything it was asked for.

    ``files_read``: every other file the build read, outside ``briefing/`` and the configuration
    (the article texts, a previous edition's edition.json; any file a later feature reads belongs
    here too, or its changes go unnoticed). ``volatile``: the build read something that can change
    without a file changing (a git revision, another project): it is never taken as up to date.
    ``inputs``: ``inputs_digest`` taken before the build read anything (a file saved while it ran
    then differs from the stamp, so the next build runs); ``started_ns``: ``time.time_ns()`` then.
    ``known``: a warm process's file digests by file state (``briefgen.core.filestate``).
    Returns whether a stamp was written.
    """
    files = sorted({str(path) for path in files_read})
    before = now_ns()
    try:
        stats = {path: os.stat(path) for path in files}
    except OSError:
        return False
    if any(st.st_mtime_ns >= started_ns - MTIME_MARGIN_NS for st in stats.values()):
        return False
    stamp = {
        "version": STAMP_VERSION,
        "volatile": volatile,
        "inputs": inputs,
        "files": {path: _file_sha(path, known, (before, stats[path])) for path in files},
    }
    path = stamp_path(root)
    stamp["outputs"] = outputs_state(path.parent)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(stamp, sort_keys=True), encoding="utf-8")
    tmp.replace(path)
    return True


def is_current(
    root: Path, conf: Path, formats: Iterable[str], *, inputs: str | None = None
) -> bool:
    """True only when nothing a build reads has changed since the last successful one, and its outputs are in place.

    ``inputs``: ``inputs_digest`` of this build when the caller has it already. It is compared
    before the article texts: an edit of the briefing is found without reading every article.
    """
    if not is_ours(
        stamp_path(root).parent
    ):  # a _build of someone else's: the build empties it first
        return False
    try:
        stamp = json.loads(read_regular(stamp_path(root), MAX_HASHED_BYTES))
        if (
            stamp.get("version") != STAMP_VERSION
            or stamp.get("volatile") is not False
            or not isinstance(stamp.get("files"), dict)
        ):
            return False
        if stamp.get("outputs") != json.loads(json.dumps(outputs_state(stamp_path(root).parent))):
            return False
        if stamp.get("inputs") != (
            inputs if inputs is not None else inputs_digest(root, conf, formats)
        ):
            return False
        return not any(
            sha is None or _file_sha(path) != sha for path, sha in stamp["files"].items()
        )
    except (OSError, ValueError, TypeError, AttributeError):
        return False
