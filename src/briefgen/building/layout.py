"""Where a project's build puts things, and the lock that keeps two builds of one project apart."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from briefgen.core.ownfolder import claim
from briefgen.defaults import CONF_DIR as DEFAULT_CONF

Progress = Callable[[str], None]
"""Where a build reports what it is doing (one line per step)."""


@dataclass(frozen=True)
class Layout:
    """Where a project's build puts things."""

    root: Path
    conf_dir: Path | None = None  # default: <root>/conf

    @property
    def build(self) -> Path:
        return self.root / "_build"

    @property
    def src(self) -> Path:
        return self.build / "src"

    @property
    def work(self) -> Path:
        return self.build / ".work"

    @property
    def conf(self) -> Path:
        """The Sphinx configuration: ``--conf``, else the project's ``conf/``, else briefgen's defaults."""
        if self.conf_dir is not None:
            return self.conf_dir
        own = self.root / "conf"
        return own if (own / "conf.py").is_file() else DEFAULT_CONF

    def output(self, fmt: str) -> Path:
        return self.build / fmt


class BuildLocked(Exception):
    """Another build of the same project is running."""


@contextmanager
def build_lock(layout: Layout) -> Iterator[None]:
    """Hold the project's build lock, in a ``_build`` briefgen may trust (``core.ownfolder.claim``:
    a link or a foreign folder is refused, an unmarked one emptied first). Every build, warm-up
    and composing run takes it before it reads or writes anything under ``_build``."""
    claim(layout.build)
    fd = os.open(
        layout.build / ".lock", os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644
    )
    with os.fdopen(fd, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(
                f"another briefgen build is running in {layout.root} (lock: {layout.build / '.lock'})"
            ) from None
        yield
