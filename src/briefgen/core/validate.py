"""Cross-file checks: every id unique within its kind, every reference resolving.

Models validate one file each; only here are the files seen together. Each problem is located at
the referring key, with the closest existing id as a hint.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel

from briefgen.core.errors import KeyPath, Problem
from briefgen.core.load import Briefing, Part
from briefgen.core.model import Citation, Claim, Discrepancy, Judgment, Statement


def walk(value: Any, kind: Kind, path: KeyPath = ()) -> Iterator[tuple[KeyPath, Any]]:
    """Yield ``(key_path, obj)`` for every instance of ``kind`` inside a model, depth first."""
    if isinstance(value, kind):
        yield path, value
    # Only containers and matches are descended into: a generator per leaf string cost most of the walk.
    if isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            child = getattr(value, name)
            if isinstance(child, (BaseModel, list, tuple, kind)):
                yield from walk(child, kind, (*path, info.alias or name))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            if isinstance(item, (BaseModel, list, tuple, kind)):
                yield from walk(item, kind, (*path, i))


Kind = type | tuple[type, ...]


class WalkCache:
    """``walk`` results of a warm process, by identity: an unchanged file keeps its model, and an
    edited one keeps the items of its top-level lists that the edit left alone (see
    ``load._validate_again``), so only what changed is walked again. Models are frozen, and every
    entry holds the object it was made from, so an id is never taken for another object's."""

    def __init__(self) -> None:
        self._files: dict[
            str,
            tuple[
                Any,
                dict[Kind, list[tuple[KeyPath, Any]]],
                dict[int, tuple[Any, dict[Kind, list[tuple[KeyPath, Any]]]]],
            ],
        ] = {}

    def walk(self, part: Part, kind: Kind) -> list[tuple[KeyPath, Any]]:
        """``list(walk(part.model, kind))``."""
        model = part.model
        entry = self._files.get(part.doc.display)
        if entry is None or entry[0] is not model:
            items = entry[2] if entry is not None else {}
            entry = (model, {}, self._items(model, items))
            self._files[part.doc.display] = entry
        found = entry[1].get(kind)
        if found is None:
            found = entry[1][kind] = self._walk(model, kind, entry[2])
        return found

    @staticmethod
    def _items(
        model: Any, earlier: dict[int, tuple[Any, dict[Kind, list[tuple[KeyPath, Any]]]]]
    ) -> dict[int, tuple[Any, dict[Kind, list[tuple[KeyPath, Any]]]]]:
        """Per-item entries for the models in ``model``'s top-level lists, kept from ``earlier`` where the item is the same."""
        out = {}
        for name in type(model).model_fields:
            value = getattr(model, name)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, BaseModel):
                        hit = earlier.get(id(item))
                        out[id(item)] = hit if hit is not None and hit[0] is item else (item, {})
        return out

    @staticmethod
    def _walk(
        model: Any, kind: Kind, items: dict[int, tuple[Any, dict[Kind, list[tuple[KeyPath, Any]]]]]
    ) -> list[tuple[KeyPath, Any]]:
        if not isinstance(model, BaseModel):
            return list(walk(model, kind))
        found: list[tuple[KeyPath, Any]] = [((), model)] if isinstance(model, kind) else []
        for name, info in type(model).model_fields.items():
            key = info.alias or name
            child = getattr(model, name)
            if isinstance(child, list):
                for i, item in enumerate(child):
                    entry = items.get(id(item)) if isinstance(item, BaseModel) else None
                    if entry is None or entry[0] is not item:
                        found.extend(walk(item, kind, (key, i)))
                        continue
                    inner = entry[1].get(kind)
                    if inner is None:
                        inner = entry[1][kind] = list(walk(item, kind))
                    found.extend(((key, i, *path), obj) for path, obj in inner)
            elif isinstance(child, (BaseModel, tuple, kind)):
                found.extend(walk(child, kind, (key,)))
        return found


def iter_citations(briefing: Briefing) -> Iterator[tuple[Part, KeyPath, Citation]]:
    """Every citation in the briefing with the file part and key path that hold it."""
    for part in briefing.parts():
        for path, cite in walk(part.model, Citation):
            yield part, path, cite


def _unknown(part: Part, path: KeyPath, kind: str, ref: str, known: Iterable[str]) -> Problem:
    known = sorted(known)
    close = difflib.get_close_matches(ref, known, n=1)
    if close:
        hint = f"did you mean {close[0]!r}?"
    elif known:
        hint = f"known {kind} ids: " + ", ".join(known[:12]) + (" ..." if len(known) > 12 else "")
    else:
        hint = f"no {kind} is defined"
    return part.doc.problem(path, f"unknown {kind} {ref!r}", hint)


def _unique(
    part: Part, items: list[Any], list_key: KeyPath, kind: str
) -> tuple[set[str], list[Problem]]:
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    for i, item in enumerate(items):
        if item.id in seen:
            problems.append(
                part.doc.problem(
                    (*list_key, i, "id"),
                    f"duplicate {kind} id {item.id!r}",
                    f"first used at {list_key[-1]}[{seen[item.id]}]",
                )
            )
        else:
            seen[item.id] = i
    return set(seen), problems


CLAIM_KINDS = (Claim, Judgment, Statement, Discrepancy)


def _unique_claim_ids(b: Briefing, walks: WalkCache | None = None) -> list[Problem]:
    """Claim ids (claims, key judgments, statements, discrepancies) name one claim across editions: unique in the book."""
    first: dict[str, str] = {}
    problems: list[Problem] = []
    for part in b.parts():
        for path, item in (
            walk(part.model, CLAIM_KINDS) if walks is None else walks.walk(part, CLAIM_KINDS)
        ):
            if item.id is None:
                continue
            if item.id in first:
                problems.append(
                    part.doc.problem(
                        (*path, "id"),
                        f"duplicate claim id {item.id!r}",
                        f"first used at {first[item.id]}; claim ids must be unique in the book",
                    )
                )
            else:
                first[item.id] = f"{part.doc.display}: {'.'.join(map(str, path))}"
    return problems


def check_references(
    b: Briefing,
    citations: Iterable[tuple[Part, KeyPath, Citation]] | None = None,
    walks: WalkCache | None = None,
) -> list[Problem]:
    """All problems of identity and reference across the briefing's files.

    ``citations``: ``iter_citations(b)`` if the caller has it already (a warm cache keeps it per file);
    ``walks``: a warm process's memory of walking the models.
    """
    problems: list[Problem] = []
    parties, issues = _book_ids(b, problems)
    actors = _actor_ids(b, parties, problems)
    for name, key, kind in (
        ("background", "topics", "topic"),
        ("questions", "questions", "question"),
        ("method", "discrepancies", "discrepancy"),
    ):
        if part := b.sections.get(name):
            problems += _unique(part, getattr(part.model, key), (key,), kind)[1]
    _timeline_references(b, actors, problems)
    _position_references(b, parties, issues, actors, problems)
    problems += _unique_claim_ids(b, walks)
    for part, path, cite in iter_citations(b) if citations is None else citations:
        if cite.source not in b.sources:
            problems.append(_unknown(part, (*path, "source"), "source", cite.source, b.sources))
    return problems


def _book_ids(b: Briefing, problems: list[Problem]) -> tuple[set[str], set[str]]:
    """The parties' and issues' ids (each unique), and sections listed once."""
    book = b.book.model
    parties, p = _unique(b.book, book.parties, ("parties",), "party")
    problems += p
    issues, p = _unique(b.book, book.issues, ("issues",), "issue")
    problems += p
    for i, name in enumerate(book.sections):
        if name in book.sections[:i]:
            problems.append(b.book.doc.problem(("sections", i), f"section {name!r} listed twice"))
    return parties, issues


def _actor_ids(b: Briefing, parties: set[str], problems: list[Problem]) -> set[str]:
    """The actors' ids (each unique), their parties known and their relations between actors."""
    part = b.sections.get("actors")
    if part is None:
        return set()
    actors, p = _unique(part, part.model.actors, ("actors",), "actor")
    problems += p
    for i, actor in enumerate(part.model.actors):
        if actor.party and actor.party not in parties:
            problems.append(_unknown(part, ("actors", i, "party"), "party", actor.party, parties))
    for i, rel in enumerate(part.model.relations):
        for key, ref in (("from", rel.source), ("to", rel.target)):
            if ref not in actors:
                problems.append(_unknown(part, ("relations", i, key), "actor", ref, actors))
    return actors


def _timeline_references(b: Briefing, actors: set[str], problems: list[Problem]) -> None:
    """Events' ids unique, and the actors they name known."""
    part = b.sections.get("timeline")
    if part is None:
        return
    problems += _unique(part, part.model.events, ("events",), "event")[1]
    for i, event in enumerate(part.model.events):
        for j, actor in enumerate(event.actors):
            if actor not in actors:
                problems.append(_unknown(part, ("events", i, "actors", j), "actor", actor, actors))


def _position_references(
    b: Briefing, parties: set[str], issues: set[str], actors: set[str], problems: list[Problem]
) -> None:
    """Each position's issue, party and (optional) actor known."""
    part = b.sections.get("positions")
    if part is None:
        return
    for i, pos in enumerate(part.model.positions):
        for key, ref, kind, known in (
            ("issue", pos.issue, "issue", issues),
            ("party", pos.party, "party", parties),
            ("actor", pos.actor, "actor", actors),
        ):
            if ref is not None and ref not in known:
                problems.append(_unknown(part, ("positions", i, key), kind, ref, known))
