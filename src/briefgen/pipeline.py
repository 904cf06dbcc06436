"""The Sphinx-free front half of a build: load, cross-check, anchor. ``check`` runs exactly this."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .anchor import AnchorIndex, anchor_briefing
from .errors import BriefingError
from .load import Briefing, load_briefing
from .validate import check_references


@dataclass
class Prepared:
    briefing: Briefing
    anchors: AnchorIndex


def prepare(root: Path) -> Prepared:
    """Load and verify a project; raise BriefingError listing every problem found."""
    briefing = load_briefing(Path(root))
    problems = check_references(briefing)
    anchors, anchor_problems = anchor_briefing(briefing)
    problems += anchor_problems
    if problems:
        raise BriefingError(problems)
    return Prepared(briefing, anchors)
