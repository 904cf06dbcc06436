"""Publishing atomically: readers see the last good book or the new one, never a mix or a gap."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from briefgen.core.ownfolder import inside


@dataclass(frozen=True)
class _LinkUnchanged:
    """copytree copier that hard-links files unchanged since the last published output.

    Files in the published folder are never written in place (a publish swaps whole folders),
    so linking to them is safe; files in Sphinx's working folder are (Sphinx rewrites them), so
    those are always copied. Unchanged means same size and modification time: copy2 keeps both.
    """

    previous: Path
    fresh: Path

    def __call__(self, src: str, dst: str) -> object:
        old = self.previous / Path(dst).relative_to(self.fresh)
        try:
            a, b = os.stat(src), os.stat(old)
            if a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns:
                os.link(old, dst)
                return dst
        except OSError:
            pass
        return shutil.copy2(src, dst)


_NOT_PUBLISHED = (".buildinfo", ".buildinfo.bak", ".doctrees")


def publish(staged: Path, final: Path, extra: dict[str, Path] | None = None) -> None:
    """Make ``final`` show a copy of ``staged`` (plus ``extra`` files), in one atomic step
    (``stage`` then ``Staged.swap``)."""
    stage(staged, final, extra).swap()


@dataclass(frozen=True)
class Staged:
    """A new output folder filled and waiting to be shown: ``swap`` points the output's link at it.

    Staging does all the copying (where a full disk or a permission shows), swapping only renames,
    so a build of several formats stages all of them first and swaps them together: readers get
    every format of the new book or every format of the old one (``building.book.build``)."""

    final: Path
    fresh: Path
    previous: Path | None

    def swap(self) -> None:
        final, fresh, previous = self.final, self.fresh, self.previous
        if (
            final.is_dir() and not final.is_symlink()
        ):  # a plain folder from an older layout: moved aside once
            final.rename(final.with_name(f".{final.name}-{time.time_ns()}-old"))
            previous = None
        link = final.with_name(f".{final.name}.link")
        link.unlink(missing_ok=True)
        link.symlink_to(fresh.name)
        os.replace(link, final)
        for stale in final.parent.glob(f".{final.name}-*"):
            # the previous folder is the next publish's spare
            if stale != fresh and stale != previous and inside(stale, final.parent):
                shutil.rmtree(stale, ignore_errors=True)


def stage(staged: Path, final: Path, extra: dict[str, Path] | None = None) -> Staged:
    """Fill a new hidden sibling of ``final`` with a copy of ``staged`` (plus ``extra`` files).

    ``final`` is a symbolic link to a hidden sibling folder; the new folder is filled completely
    before ``swap`` replaces the link (``os.replace``), so readers see the old book or the new one,
    never a gap. Unchanged files are hard links to the previous output, so publishing costs what
    changed, not the size of the book.

    The folder the link pointed at before the last publish (no reader is sent there any more) is
    kept as a spare: the next publish renames it and brings it up to date (``_sync``) rather than
    making and later deleting a thousand links and a hundred folders; it ends holding the same
    files, and the same hard links, as a fresh copy would.
    """
    previous = final.resolve() if final.is_symlink() else (final if final.is_dir() else None)
    if previous is not None and not previous.is_dir():
        previous = None
    fresh = final.with_name(f".{final.name}-{time.time_ns()}")
    copier = _LinkUnchanged(previous, fresh) if previous is not None else shutil.copy2
    spares = sorted(
        p
        for p in final.parent.glob(f".{final.name}-*")
        if p != previous and not p.name.endswith("-old") and p.is_dir() and not p.is_symlink()
    )
    if spares:
        spares[-1].rename(fresh)
        _sync(
            str(staged),
            str(fresh),
            str(previous) if previous is not None else None,
            {name: str(path) for name, path in (extra or {}).items()},
        )
        shutil.copystat(staged, fresh)
    else:
        shutil.copytree(
            staged, fresh, ignore=shutil.ignore_patterns(*_NOT_PUBLISHED), copy_function=copier
        )
        for name, path in (extra or {}).items():
            # linked when unchanged: the edition files are rewritten only when their bytes change
            copier(str(path), str(fresh / name))
    return Staged(final, fresh, previous)


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    """Unchanged, as ``_LinkUnchanged`` decides it: same size and modification time (copy2 keeps both)."""
    return a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns


def _sync(src: str, dst: str, previous: str | None, extra: dict[str, str] | None = None) -> None:
    """Make folder ``dst`` (not visible to readers) hold what ``copytree(src, dst)`` would give.

    What ``dst`` already holds unchanged stays; every other file is linked from ``previous`` when
    unchanged there, else copied (``_LinkUnchanged``); what ``src`` no longer holds goes. ``extra``
    (top level only): files by name, published over ``src``'s of the same name.
    """
    wanted: dict[str, os.DirEntry[str] | str] = {}
    with os.scandir(src) as entries:
        for entry in entries:
            if entry.name not in _NOT_PUBLISHED:
                wanted[entry.name] = entry
    wanted.update(extra or {})
    with os.scandir(dst) as entries:
        held = {entry.name: entry for entry in entries}
    for name, entry in held.items():
        if name not in wanted:
            _remove(entry)
    for name, source in wanted.items():
        target = os.path.join(dst, name)
        old = held.get(name)
        old_stat = old.stat(follow_symlinks=False) if old is not None else None
        if (
            isinstance(source, os.DirEntry) and source.is_dir()
        ):  # followed, as copytree follows links in the staged folder
            if old_stat is None or not stat.S_ISDIR(old_stat.st_mode):
                if old is not None:
                    _remove(old)
                os.mkdir(target)
            _sync(
                source.path, target, os.path.join(previous, name) if previous is not None else None
            )
            shutil.copystat(source.path, target)
            continue
        path = source.path if isinstance(source, os.DirEntry) else source
        st = source.stat() if isinstance(source, os.DirEntry) else os.stat(source)
        if old_stat is not None and stat.S_ISREG(old_stat.st_mode) and _same_file(st, old_stat):
            continue
        if old is not None:
            _remove(old)
        if previous is not None:
            try:
                if _same_file(st, os.stat(os.path.join(previous, name))):
                    os.link(os.path.join(previous, name), target)
                    continue
            except OSError:
                pass
        shutil.copy2(path, target)


def _remove(entry: os.DirEntry[str]) -> None:
    if entry.is_dir(follow_symlinks=False):
        shutil.rmtree(entry.path)
    else:
        os.unlink(entry.path)


def stage_files(built: dict[str, Path], final_dir: Path) -> Staged:
    """Stage built files (by name) as the only content of their output folder (``stage``)."""
    with tempfile.TemporaryDirectory(dir=final_dir.parent) as empty:
        return stage(Path(empty), final_dir, extra=built)
