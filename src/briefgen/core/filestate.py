"""What a warm process made from a file's bytes, kept while the file's state says they are unchanged.

A warm process (``briefgen serve``) reads the same thousand article texts, YAML files and composed
pages on every build; reading and hashing them is most of what an edit costs outside Sphinx. A
``FileStates`` keeps, per path, a value made from the file's bytes together with the file's state
when they were read: device, inode, size, modification time and status-change time (``ctime``).

Why that state is an honest key: every write, truncation, rename onto the path or ``chmod`` sets
``ctime`` to the current time, and no program can set it back (``touch -d`` and ``cp -p`` set only
the modification time). A file replaced by another is another inode with its own ``ctime``. The
one gap is file times being coarse (a clock tick; two seconds on FAT, which keeps no change
time at all): a change in the same tick as the read could keep every number. So, as git does for
its index, a state is remembered only when its times are older than the read by
``RACY_MARGIN_NS``: a later change then necessarily gives later times.
A state that is too recent, a missing time, or any error is simply not remembered, and the file is
read again: a stale hit is impossible short of the system clock going backwards.
"""

from __future__ import annotations

import os
import time
from typing import Generic, TypeVar

V = TypeVar("V")
State = tuple[int, int, int, int, int]

RACY_MARGIN_NS = 2_000_000_000
"""A file changed less than this before it was read may change again without its times changing
(file times are as coarse as two seconds on FAT). In a warm process an edit is seconds apart from
the last build: only the files an edit (or the last build) just wrote are read again for it."""


def state_of(st: os.stat_result) -> State:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def now_ns() -> int:
    """The moment to take before a ``stat``: what ``remember`` compares the file's times with."""
    return time.time_ns()


class FileStates(Generic[V]):
    """A value per path, made from the file's bytes, given again only for the very same file state."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[State, V]] = {}

    def get(self, path: str, st: os.stat_result) -> V | None:
        """The value remembered for ``path`` if the file (stat result ``st``, taken now) is as it was then."""
        entry = self._entries.get(path)
        if entry is not None and entry[0] == state_of(st):
            return entry[1]
        return None

    def remember(self, path: str, st: os.stat_result, value: V, before_ns: int) -> None:
        """Keep ``value``, made from bytes read after ``st`` was taken (itself after ``before_ns``).

        Kept only when the file's times are clearly older than ``before_ns``; otherwise any earlier
        entry for the path is dropped, so nothing older than the bytes just read is ever given.
        """
        if (
            0 < st.st_mtime_ns < before_ns - RACY_MARGIN_NS
            and 0 < st.st_ctime_ns < before_ns - RACY_MARGIN_NS
        ):
            self._entries[path] = (state_of(st), value)
        else:
            self._entries.pop(path, None)

    def forget(self, path: str) -> None:
        self._entries.pop(path, None)

    def keep_only(self, paths: set[str]) -> None:
        """Let go of the entries of files no longer read (a removed source, page or file)."""
        if len(paths) < len(self._entries):
            self._entries = {p: e for p, e in self._entries.items() if p in paths}

    def __len__(self) -> int:
        return len(self._entries)


def file_state(path: str | os.PathLike[str]) -> tuple[int, int, int] | None:
    """Size, modification time and inode: whether a file is still the one seen before."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)
