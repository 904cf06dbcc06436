"""The Sphinx-free front half of a build: load, cross-check, anchor. ``check`` runs exactly this."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .anchor import AnchorIndex, anchor_briefing
from .errors import BriefingError
from .gcpause import paused_gc
from .load import Briefing, load_briefing
from .validate import check_references

if TYPE_CHECKING:
    from .incremental import FrontCache


@dataclass
class Prepared:
    briefing: Briefing
    anchors: AnchorIndex


@paused_gc()  # a warm cache makes the heap large: a full collection mid-check would walk all of it
def prepare(root: Path, cache: FrontCache | None = None) -> Prepared:
    """Load and verify a project; raise BriefingError listing every problem found.

    ``cache`` (a warm process's memory of earlier builds) skips parsing unchanged files and
    anchoring unchanged sources; the result is the same.
    """
    briefing = load_briefing(Path(root), cache=cache.files if cache else None, known=cache.known if cache else None)
    problems = check_references(briefing, cache.citations(briefing) if cache else None, cache.walks if cache else None)
    anchors, anchor_problems = cache.anchor(briefing) if cache else anchor_briefing(briefing)
    problems += anchor_problems
    if problems:
        raise BriefingError(problems)
    return Prepared(briefing, anchors)
