"""The Sphinx-free front half of a build: load, cross-check, anchor. ``check`` runs exactly this."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from briefgen.core.errors import BriefingError, KeyPath, Problem
from briefgen.core.gcpause import paused_gc
from briefgen.core.load import Briefing, KnownFiles, Part, PartCache, load_briefing
from briefgen.core.model import Citation
from briefgen.core.validate import WalkCache, check_references, iter_citations
from briefgen.trust.anchor import AnchorIndex, anchor_briefing


@dataclass
class Prepared:
    briefing: Briefing
    anchors: AnchorIndex


class FrontMemory(Protocol):
    """What a warm process remembers of earlier front halves (``briefgen.warm.front.FrontCache``);
    ``NO_MEMORY`` is the cold one: every answer worked out afresh."""

    @property
    def files(self) -> PartCache | None: ...
    @property
    def known(self) -> KnownFiles | None: ...
    @property
    def walks(self) -> WalkCache | None: ...
    def citations(self, b: Briefing) -> list[tuple[Part, KeyPath, Citation]]: ...
    def anchor(self, b: Briefing) -> tuple[AnchorIndex, list[Problem]]: ...


class _NoMemory:
    """The cold front half: nothing remembered, every answer worked out from the files."""

    files: PartCache | None = None
    known: KnownFiles | None = None
    walks: WalkCache | None = None

    def citations(self, b: Briefing) -> list[tuple[Part, KeyPath, Citation]]:
        return list(iter_citations(b))

    def anchor(self, b: Briefing) -> tuple[AnchorIndex, list[Problem]]:
        return anchor_briefing(b)


NO_MEMORY: FrontMemory = _NoMemory()


@paused_gc()  # a warm cache makes the heap large: a full collection mid-check would walk all of it
def prepare(root: Path, memory: FrontMemory | None = None) -> Prepared:
    """Load and verify a project; raise BriefingError listing every problem found.

    ``memory`` (a warm process's memory of earlier builds) skips parsing unchanged files and
    anchoring unchanged sources; the result is the same. None is the cold front half (``NO_MEMORY``).
    """
    memory = memory if memory is not None else NO_MEMORY
    briefing = load_briefing(Path(root), cache=memory.files, known=memory.known)
    problems = check_references(briefing, memory.citations(briefing), memory.walks)
    anchors, anchor_problems = memory.anchor(briefing)
    problems += anchor_problems
    if problems:
        raise BriefingError(problems)
    return Prepared(briefing, anchors)
