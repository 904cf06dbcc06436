"""One located problem type for every stage, so every error reads the same way.

A problem prints as ``file:line:col: key.path: message (hint: ...)``: the form compilers use,
which editors and CI annotate, and which ``briefgen check`` prints one per line.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from briefgen.core.outtext import for_terminal

KeyPath = tuple[str | int, ...]


def format_key_path(path: Sequence[str | int]) -> str:
    """Render ``("events", 3, "date")`` as ``events[3].date`` (the form users read in YAML)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(document)"


@dataclass(frozen=True, order=True)
class Problem:
    """A located, human-readable problem with an optional hint on how to fix it."""

    file: str
    line: int
    col: int
    key_path: KeyPath = field(default=())
    message: str = ""
    hint: str | None = None
    severity: str = "error"  # or "warning": reported by check, fatal only with --strict

    def __str__(self) -> str:
        """One line as printed: file names, keys and quoted text are data, so control and bidi
        characters in them are shown as escapes (``core.outtext.for_terminal``), never sent raw."""
        level = "warning: " if self.severity == "warning" else ""
        text = f"{self.file}:{self.line}:{self.col}: {format_key_path(self.key_path)}: {level}{self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return for_terminal(text)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "key_path": format_key_path(self.key_path),
            "message": self.message,
            "hint": self.hint,
            "severity": self.severity,
        }


class BriefingError(Exception):
    """Raised when input cannot be turned into a book; carries every problem found, not just one."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class ProblemCollector:
    """Gathers problems across a stage so users see all of them in one run."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise BriefingError(self.problems)


def os_problem(exc: OSError) -> str:
    """An operating-system error as one line with what to do: the last good book is unchanged."""
    where = f" ({exc.filename})" if exc.filename else ""
    what = exc.strerror or str(exc)
    hints = {
        errno.ENOSPC: "free some disk space and build again",
        errno.EDQUOT: "free some disk space and build again",
        errno.EACCES: "check the permissions of the project folder and its _build",
        errno.EPERM: "check the permissions of the project folder and its _build",
        errno.EROFS: "the folder is read-only: build a writable copy of the project",
    }
    hint = hints.get(exc.errno or 0, "the last good book is unchanged")
    return f"{what}{where} (hint: {hint})"
