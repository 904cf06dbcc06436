"""Reading a project's files as data: regular files only, bounded, never blocking.

A briefing folder can come from anyone (a zip, a clone). A name in it may be a link to
``/dev/zero`` (endless), a FIFO (a read that never returns) or a socket; a file may be far larger
than any briefing file. Every file briefgen reads from a project is opened here: without waiting
for a writer (``O_NONBLOCK``), checked to be a regular file once open (``fstat``, so a name
swapped after a check cannot slip through), and read up to its limit plus one byte, whatever size
the file claims.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_CHUNK = 1 << 20


class NotARegularFile(OSError):
    """The name is a folder, a FIFO, a device or a socket, not a file."""

    def __init__(self, path: str | os.PathLike[str], kind: str) -> None:
        super().__init__(errno.EINVAL, f"{kind}, not a regular file", os.fspath(path))
        self.kind = kind


class FileTooLarge(OSError):
    """The file is larger than the limit for its kind."""

    def __init__(self, path: str | os.PathLike[str], limit: int) -> None:
        super().__init__(errno.EFBIG, f"larger than the {limit:,}-byte limit", os.fspath(path))
        self.limit = limit


def kind_of(mode: int) -> str:
    """What a file-system entry is, in words (for the one-line errors)."""
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Raises ``NotARegularFile``, ``FileTooLarge`` or the ``OSError`` of opening or reading.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotARegularFile(path, kind_of(st.st_mode))
        if st.st_size > limit:
            raise FileTooLarge(path, limit)
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, min(_CHUNK, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # grew while read, or lied about its size
                raise FileTooLarge(path, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


def is_hidden_or_built(path: Path, root: Path) -> bool:
    """Whether ``path`` (inside ``root``) lies in a hidden folder (``.git``, ``.venv``...) or in
    ``_build``: places a briefing's article files may not come from (a repository's credentials,
    a virtualenv, briefgen's own output)."""
    parts = path.relative_to(root).parts[:-1]
    return any(part.startswith(".") or part == "_build" for part in parts) or path.name.startswith(
        "."
    )
