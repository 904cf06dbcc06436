"""``_build`` is briefgen's: a folder this user's briefgen made and marked, or one it does not trust.

Sphinx keeps its environment and doctrees in ``_build`` as pickles, and Jinja's template cache as
bytecode: loading either runs code. A project folder received from someone else (a zip, a
clone) may carry a crafted ``_build``, or links in it that lead outside the project, where the
build's clean-ups would delete. So:

- ``_build`` must be a real folder owned by the user: a link, or someone else's folder, is
  refused with one line (``UntrustedBuildFolder``);
- briefgen marks the ``_build`` it makes with an HMAC of the folder's identity (its device and
  inode) under a per-user key kept outside every project (``$XDG_STATE_HOME/briefgen/key``,
  mode 0600). A ``_build`` without a valid mark, whoever made it, is emptied before anything in
  it is read (links inside are removed, never followed), then marked. A copied or extracted
  folder is a new inode, so its mark is never valid.

The price: a ``_build`` left by an older briefgen (no mark) is rebuilt from nothing once.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import shutil
import stat
import tempfile
from pathlib import Path

MARK = ".briefgen-owner"
_KEY_BYTES = 32


class UntrustedBuildFolder(Exception):
    """The project's ``_build`` is a link or belongs to someone else: briefgen will not use it."""


def _key_file() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "briefgen" / "key"


def _read_or_make_key(path: Path) -> bytes:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = path.parent.lstat()
    if stat.S_ISLNK(folder.st_mode) or folder.st_uid != os.getuid() or folder.st_mode & 0o022:
        raise PermissionError(f"{path.parent} is not a private folder of this user")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
                raise PermissionError(f"{path} is not a private file of this user") from None
            key = os.read(fd, _KEY_BYTES + 1)
        finally:
            os.close(fd)
        if len(key) != _KEY_BYTES:
            raise PermissionError(f"{path} is not a briefgen key") from None
        return key
    key = secrets.token_bytes(_KEY_BYTES)
    try:
        os.write(fd, key)
    finally:
        os.close(fd)
    return key


_cached_key: bytes | None = None


def user_key() -> bytes:
    """This user's key (made on first use): in the state folder, else in a private temporary one."""
    global _cached_key
    if _cached_key is None:
        fallback = Path(tempfile.gettempdir()) / f"briefgen-{os.getuid()}" / "key"
        for path in (_key_file(), fallback):
            try:
                _cached_key = _read_or_make_key(path)
                break
            except OSError:
                continue
        else:
            raise UntrustedBuildFolder(
                "no private place to keep briefgen's key: set XDG_STATE_HOME to a folder of yours"
            )
    return _cached_key


def _mark_of(st: os.stat_result) -> str:
    return hmac.new(
        user_key(), f"briefgen _build {st.st_dev}:{st.st_ino}".encode(), hashlib.sha256
    ).hexdigest()


def _checked(build: Path) -> os.stat_result | None:
    """``build``'s stat result if it is a usable folder, None if it does not exist."""
    try:
        st = build.lstat()
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode):
        raise UntrustedBuildFolder(
            f"{build} is a symbolic link; briefgen builds only into a real _build folder of the project (remove the link)"
        )
    if not stat.S_ISDIR(st.st_mode):
        raise UntrustedBuildFolder(f"{build} is not a folder (remove it: briefgen makes its own)")
    if st.st_uid != os.getuid():
        raise UntrustedBuildFolder(
            f"{build} belongs to another user; briefgen will not use it (remove it, or build a copy of the project)"
        )
    return st


def is_ours(build: Path) -> bool:
    """Whether ``build`` is a folder this user's briefgen made and marked (nothing is changed)."""
    try:
        st = _checked(build)
        if st is None:
            return False
        fd = os.open(build / MARK, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return False
            mark = os.read(fd, 128).decode("ascii", "replace")
        finally:
            os.close(fd)
    except (OSError, UntrustedBuildFolder):
        return False
    return hmac.compare_digest(mark, _mark_of(st))


def claim(build: Path) -> None:
    """Make sure ``build`` (a project's ``_build``) may be trusted: make and mark it if missing;
    empty and mark it if it is not marked as ours; refuse a link or a foreign folder.

    The project folder itself must exist: nothing is created above ``build``."""
    if not build.parent.is_dir():
        raise UntrustedBuildFolder(f"the project folder {build.parent} does not exist")
    st = _checked(build)
    if st is not None and is_ours(build):
        return
    if st is None:
        build.mkdir(mode=0o777)
        st = _checked(build)
        assert st is not None
    else:
        _empty(build)
    fd = os.open(build / MARK, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    try:
        os.write(fd, _mark_of(st).encode("ascii"))
    finally:
        os.close(fd)


def _empty(folder: Path) -> None:
    """Remove everything inside ``folder``, following no link (a link is removed, not its target)."""
    with os.scandir(folder) as entries:
        for entry in list(entries):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)  # removes links inside, never what they point to
            else:
                os.unlink(entry.path)


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path``, once resolved (links followed), lies inside ``folder`` (resolved too): what
    every removal under ``_build`` asks first."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return False
