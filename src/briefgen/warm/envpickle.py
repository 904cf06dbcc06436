"""A warm process writes Sphinx's pickled environment after the book is published, not during the build.

Sphinx pickles its whole environment after reading any page (0.12 to 0.2 s at 1000 sources), for
the next process that opens the project. A warm process (``briefgen serve``, the build server)
builds again with the environment it holds in memory (``briefgen.warm.sphinxapp``), so the file only
matters to another process: a kept application's build leaves it for ``write_pending``, which
the warm process calls once the book is published (``briefgen.building.book.after_build``), as it settles
its heap then. (The build server replies first; ``briefgen serve`` reloads the browser once its
rebuild returns, after it.)

A file one build behind is never wrong, only slower to start from: Sphinx re-reads every page
newer than the environment's record of it, which includes every page read since. So a process
killed before it wrote the file leaves a correct one; another process's build that takes the
project's lock first makes the pending file obsolete (its own is newer, and the kept
application is dropped as the file changed: ``KeptApps.take``).

Sphinx opens the file and pickles into it inside ``Builder.build``; both names are looked up in
``sphinx.builders``' globals, where ``install`` puts stand-ins that pass everything through
except, while ``deferring`` is in effect, that one file.
"""

from __future__ import annotations

import builtins
import os
import pickle
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

ENV_PICKLE = "environment.pickle"  # sphinx.application.ENV_PICKLE_FILENAME


class _Pending:
    """Stands for the environment file while a deferring build runs; records what was to be written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.env: Any = None

    def __enter__(self) -> _Pending:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def write(
        self, data: bytes
    ) -> int:  # pickle.dump into it is intercepted; nothing else writes here
        raise OSError(f"{self.path} is written after the build (briefgen.warm.envpickle)")


_deferring: ContextVar[list[_Pending] | None] = ContextVar(
    "briefgen_env_pickle_deferring", default=None
)


def _open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
    pending = _deferring.get()
    if pending is not None and mode == "wb" and os.path.basename(os.fspath(file)) == ENV_PICKLE:
        stand_in = _Pending(Path(os.fspath(file)))
        pending.append(stand_in)
        return stand_in
    return builtins.open(file, mode, *args, **kwargs)


class _PickleModule:
    """``pickle`` as ``sphinx.builders`` sees it: ``dump`` into a stand-in only records the object."""

    def __getattr__(self, name: str) -> Any:
        return getattr(pickle, name)

    @staticmethod
    def dump(obj: Any, file: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(file, _Pending):
            file.env = obj
            return
        pickle.dump(obj, file, *args, **kwargs)


def install() -> None:
    """Put the stand-ins in ``sphinx.builders`` (once per process; they pass through unless deferring)."""
    import sphinx.builders as builders

    if not isinstance(getattr(builders, "pickle", None), _PickleModule):
        builders.pickle = _PickleModule()  # type: ignore[assignment]  # a stand-in module in Sphinx's globals (see the module docstring)
        builders.open = _open  # type: ignore[attr-defined]  # shadows the builtin for sphinx.builders only


@contextmanager
def deferring() -> Iterator[list[_Pending]]:
    """Within: Sphinx's environment pickle is not written but listed (path and environment)."""
    install()
    pending: list[_Pending] = []
    token = _deferring.set(pending)
    try:
        yield pending
    finally:
        _deferring.reset(token)


def write(path: Path, env: Any) -> None:
    """Pickle ``env`` to ``path`` as Sphinx does, through a temporary file: a reader (or a kill
    midway) never meets a half-written environment."""
    for stale in path.parent.glob(f".{ENV_PICKLE}.*"):  # left by a process killed while writing
        stale.unlink(missing_ok=True)
    # What Sphinx pickles is the environment after reading; this one has also been written from,
    # which leaves the root doctree remembered (a cached property): a process loading it would
    # draw every page's navigation from that old doctree. Asked for again, it is read anew.
    env.__dict__.pop("master_doctree", None)
    fd, tmp = tempfile.mkstemp(prefix=f".{ENV_PICKLE}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # as Sphinx's own open() leaves it (mkstemp makes it 0600)
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(env, handle, pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
