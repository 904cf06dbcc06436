"""The warm-equals-cold oracle: an analyst's edits, the warm ways of building, and a cold build.

A warm build (serve's in-process rebuild, the build server, a later ``briefgen build`` reusing what
the last one left in ``_build/``, the no-op check) must publish exactly what a cold
``briefgen build --no-server`` of the same files in a fresh folder publishes, or report the same
problems and leave the last good book in place (DESIGN.md §10). ``tests/test_oracle.py`` drives
these pieces with Hypothesis's stateful testing; this module holds them:

- ``Analyst``: one project folder and every kind of edit an analyst makes to it, each a method
  taking a ``pick`` (an integer Hypothesis draws and shrinks towards 0) that chooses what to edit;
- the ways of building: ``ServeLoop`` (``briefgen serve``'s rebuild, in this process, with its
  kept state), ``Cli`` (``briefgen build`` in a new process, with or without the build server);
- ``cold_book``: the reference, built in a new process from a copy of the files in a new folder.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from briefgen.building.book import after_build, build
from briefgen.core.errors import BriefingError
from briefgen.warm.front import FrontCache

WORDS = [
    "pier",
    "harbour",
    "council",
    "vote",
    "repairs",
    "guild",
    "quay",
    "lorries",
    "tonnes",
    "channel",
    "meeting",
    "spokesperson",
    "engineers",
    "months",
    "closure",
    "blockade",
    "notice",
    "members",
    "option",
    "families",
    "trade",
    "boats",
    "tide",
    "ferry",
    "budget",
    "inquiry",
    "survey",
    "mayor",
    "office",
    "report",
    "week",
    "statement",
    "crane",
    "dock",
    "berth",
    "levy",
]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_PROBLEM = re.compile(r"^\S[^:]*:\d+:\d+: ")


# -- the analyst's folder ------------------------------------------------------------------------


def _read(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8"
    )


def _walk(data: Any) -> Iterator[Any]:
    stack = [data]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _choose(items: list[Any], pick: int) -> Any:
    return items[pick % len(items)] if items else None


def _sentence(pick: int, n: int = 14) -> str:
    words = [WORDS[(pick * 7 + i * 13 + i * i) % len(WORDS)] for i in range(n)]
    return " ".join(words).capitalize() + "."


# Claim-carrying lists of each section file, and what an item of each needs besides its claims.
_REQUIRED_LISTS = (
    "cite",
    "claims",
    "statements",
    "summary",
    "basis",
    "bluf",
    "paragraphs",
    "topics",
    "events",
    "actors",
    "positions",
    "questions",
    "indicators",
    "parties",
)


@dataclass
class Analyst:
    """One briefing project and the edits an analyst makes to it (each one saved at once)."""

    root: Path
    # files a broken edit replaced, to repair
    broken: dict[str, bytes] = field(default_factory=dict)
    history: list[dict[str, bytes]] = field(default_factory=list)  # earlier states, to go back to

    # -- helpers --
    def path(self, name: str) -> Path:
        return self.root / "briefing" / f"{name}.yaml"

    def load(self, name: str) -> Any:
        try:
            data = _read(self.path(name))
        except (OSError, yaml.YAMLError):
            return None
        return data if isinstance(data, dict) else None

    def sources(self) -> dict[str, Path]:
        """Source id -> its article file, for sources whose YAML reads."""
        out = {}
        for path in sorted((self.root / "briefing" / "sources").glob("*.yaml")):
            data = self.load(f"sources/{path.stem}")
            if data and isinstance(data.get("file"), str) and (self.root / data["file"]).is_file():
                out[str(data.get("id", path.stem))] = self.root / data["file"]
        return out

    def quote(self, pick: int, source: str | None = None) -> dict[str, str] | None:
        """A citation of 6 to 9 consecutive words of one article line (a source by pick if none given)."""
        sources = self.sources()
        if not sources:
            return None
        sid = source if source in sources else _choose(sorted(sources), pick)
        lines = [
            line.split()
            for line in sources[sid].read_text(encoding="utf-8").splitlines()
            if len(line.split()) >= 9
        ]
        if not lines:
            return None
        words = _choose(lines, pick // 3)
        n = 6 + pick % 4
        start = (pick // 11) % (len(words) - n + 1)
        return {"source": sid, "quote": " ".join(words[start : start + n])}

    def claim(self, pick: int, what: str = "claim") -> dict[str, Any] | None:
        cite = self.quote(pick)
        return (
            {"text": f"An added {what} {pick}: {_sentence(pick, 6)}", "cite": [cite]}
            if cite
            else None
        )

    def snapshot(self) -> dict[str, bytes]:
        return {
            str(p.relative_to(self.root)): p.read_bytes()
            for p in sorted(self.root.rglob("*"))
            if p.is_file() and "_build" not in p.parts
        }

    def restore(self, snap: dict[str, bytes]) -> None:
        for p in [p for p in self.root.rglob("*") if p.is_file() and "_build" not in p.parts]:
            if str(p.relative_to(self.root)) not in snap:
                p.unlink()
        for name, data in snap.items():
            target = self.root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.is_file() or target.read_bytes() != data:
                target.write_bytes(data)
        _drop_empty_folders(self.root)

    def _edit(self, name: str, change: Callable[[Any], Any]) -> bool:
        """Apply ``change`` to a section file's data and save it; False when the file does not read."""
        data = self.load(name)
        if data is None:
            return False
        result = change(data)
        if result is False:
            return False
        _write(self.path(name), data)
        return True

    def _items(self, name: str, key: str) -> list[Any]:
        data = self.load(name)
        items = data.get(key) if data else None
        return items if isinstance(items, list) else []

    # -- sources and articles --
    def add_source(self, pick: int) -> None:
        """A new article and its source file, cited by a claim elsewhere."""
        sid = f"added-{pick}"
        article = self.root / "articles" / f"{sid}.txt"
        if article.exists():
            return
        paragraphs = [f"Added report {pick} on the harbour"] + [
            " ".join(_sentence(pick * 5 + i + k) for k in range(2)) for i in range(4)
        ]
        article.parent.mkdir(parents=True, exist_ok=True)
        article.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
        own = {"source": sid, "quote": " ".join(paragraphs[1].split()[2:9])}
        _write(
            self.path(f"sources/{sid}"),
            {
                "id": sid,
                "file": f"articles/{sid}.txt",
                "title": f"Added report {pick}",
                "outlet": _choose(["Harbour Gazette", "Coast Herald", "Quay Weekly"], pick),
                "published": f"2024-0{1 + pick % 5}-1{pick % 10}",
                "kind": _choose(["news-report", "aggregation", "opinion", "mixed"], pick),
                "grade": {
                    "reliability": "ABCDEF"[pick % 6],
                    "credibility": 1 + pick % 6,
                    "rationale": "Added by the oracle.",
                },
                "summary": [{"text": f"The added report {pick} says something.", "cite": [own]}],
            },
        )
        self._cite_somewhere(pick, own)

    def _cite_somewhere(self, pick: int, cite: dict[str, str]) -> None:
        names = ["background", "timeline", "positions", "questions", "actors"]
        name = _choose(names, pick)
        data = self.load(name)
        if not data:
            return
        claims = [n for n in _walk(data) if isinstance(n, dict) and isinstance(n.get("cite"), list)]
        target = _choose(claims, pick // 5)
        if target is not None:
            target["cite"].append(dict(cite))
            _write(self.path(name), data)

    def rename_source(self, pick: int) -> None:
        """A source's id and its article's file name change; every citation follows."""
        sources = self.sources()
        old = _choose(sorted(sources), pick)
        if old is None:
            return
        new = f"renamed-{pick}"
        if new in sources:
            return
        article = sources[old]
        moved = article.with_name(f"{new}{article.suffix}")
        article.rename(moved)
        data = self.load(f"sources/{old}") or {}
        self.path(f"sources/{old}").unlink()
        data["id"] = new
        data["file"] = str(moved.relative_to(self.root))
        _write(self.path(f"sources/{new}"), data)
        for path in sorted((self.root / "briefing").rglob("*.yaml")):
            name = str(path.relative_to(self.root / "briefing").with_suffix(""))
            self._edit(name, lambda d: _replace_source(d, old, new))

    def remove_source(self, pick: int) -> None:
        """A source, its article and every claim resting only on it go."""
        sources = self.sources()
        gone = _choose(sorted(sources), pick)
        if gone is None or len(sources) < 2:
            return
        sources[gone].unlink()
        self.path(f"sources/{gone}").unlink()
        for path in sorted((self.root / "briefing").rglob("*.yaml")):
            name = str(path.relative_to(self.root / "briefing").with_suffix(""))
            self._edit(name, lambda d: _drop_source(d, gone))

    def edit_article(self, pick: int) -> None:
        """A paragraph inserted (every later paragraph renumbers) or one word changed (may break a quote)."""
        sources = self.sources()
        sid = _choose(sorted(sources), pick)
        if sid is None:
            return
        article = sources[sid]
        lines = article.read_text(encoding="utf-8").splitlines()
        if pick % 2 == 0:
            lines.insert(
                1 + pick % max(1, len(lines)), f"An inserted paragraph {pick} about the quay."
            )
        else:
            words_at = [i for i, line in enumerate(lines) if len(line.split()) > 3]
            if not words_at:
                return
            i = _choose(words_at, pick // 2)
            words = lines[i].split(" ")
            words[(pick // 7) % len(words)] = _choose(WORDS, pick // 3)
            lines[i] = " ".join(words)
        article.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def break_quote(self, pick: int) -> None:
        """A quoted word changed in the article: the quote no longer anchors (until a repair or a revert)."""
        cites = [
            (name, n)
            for name in self._files()
            for n in _walk(self.load(name))
            if isinstance(n, dict) and "quote" in n and "source" in n
        ]
        sources = self.sources()
        cites = [c for c in cites if c[1]["source"] in sources]
        hit = _choose(cites, pick)
        if hit is None:
            return
        article = sources[hit[1]["source"]]
        text = article.read_text(encoding="utf-8")
        quote = str(hit[1]["quote"]).split()
        word = _choose([w for w in quote if len(w) > 3 and w.isalpha()], pick // 3)
        if word is None:
            return
        self.broken.setdefault(str(article.relative_to(self.root)), article.read_bytes())
        article.write_text(
            re.sub(rf"\b{re.escape(word)}\b", word[::-1] + "x", text), encoding="utf-8"
        )

    # -- sections --
    def _files(self) -> list[str]:
        return [
            str(p.relative_to(self.root / "briefing").with_suffix(""))
            for p in sorted((self.root / "briefing").rglob("*.yaml"))
        ]

    def add_event(self, pick: int) -> None:
        claim = self.claim(pick, "event claim")

        def change(d: Any) -> Any:
            events = d.setdefault("events", [])
            if not claim or not isinstance(events, list):
                return False
            day = 1 + pick % 28
            date = _choose(
                [
                    f"2024-0{1 + pick % 6}-{day:02d}",
                    f"2024-0{1 + pick % 6}",
                    "2024-04~",
                    f"2023-{10 + pick % 3}",
                ],
                pick // 3,
            )
            events.insert(
                pick % (len(events) + 1),
                {
                    "id": f"event-{pick}",
                    "date": date,
                    "title": f"Added event {pick}",
                    "actors": [],
                    "claims": [claim],
                },
            )
            return None

        self._edit("timeline", change)

    def edit_event(self, pick: int) -> None:
        """An event retitled, redated or given another actor: text edits in place, as an editor saves them."""
        path = self.path("timeline")
        if not path.is_file():
            return
        lines = path.read_text(encoding="utf-8").splitlines()
        titles = [i for i, line in enumerate(lines) if line.strip().startswith("title:")]
        dates = [i for i, line in enumerate(lines) if re.search(r"date: '?\d{4}-\d{2}", line)]
        if pick % 2 == 0 and titles:
            i = _choose(titles, pick // 2)
            lines[i] += f" (retitled {pick})"
        elif dates:
            i = _choose(dates, pick // 2)
            lines[i] = re.sub(
                r"(date: '?\d{4}-)\d{2}", rf"\g<1>{1 + pick % 12:02d}", lines[i], count=1
            )
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def remove_event(self, pick: int) -> None:
        self._edit("timeline", lambda d: _remove_from(d.get("events"), pick, keep=1))

    def add_actor(self, pick: int) -> None:
        statement = self.claim(pick, "statement")
        parties = [p.get("id") for p in self._items("book", "parties") if isinstance(p, dict)]

        def change(d: Any) -> Any:
            actors = d.setdefault("actors", [])
            if not statement or not isinstance(actors, list):
                return False
            actor = {
                "id": f"actor-{pick}",
                "name": f"Added Actor {pick}",
                "kind": _choose(["person", "organisation", "unit", "group"], pick),
                "role": f"Role {pick}",
                "statements": [statement],
            }
            if parties and pick % 3:
                actor["party"] = _choose(parties, pick // 3)
            actors.insert(pick % (len(actors) + 1), actor)
            return None

        self._edit("actors", change)

    def edit_actor(self, pick: int) -> None:
        def change(d: Any) -> Any:
            actor = _choose([a for a in d.get("actors") or [] if isinstance(a, dict)], pick)
            if actor is None:
                return False
            actor[_choose(["name", "role"], pick // 2)] = f"Edited {pick}"
            return None

        self._edit("actors", change)

    def remove_actor(self, pick: int) -> None:
        actors = [a.get("id") for a in self._items("actors", "actors") if isinstance(a, dict)]
        gone = _choose(actors, pick)
        if gone is None or len(actors) < 2:
            return
        self._edit("actors", lambda d: _drop_actor(d, gone))
        for name in ("timeline", "positions"):
            self._edit(name, lambda d: _drop_actor(d, gone))

    def edit_statements(self, pick: int) -> None:
        """A statement added to an actor, reworded, or removed."""
        statement = self.claim(pick, "statement")

        def change(d: Any) -> Any:
            actor = _choose(
                [
                    a
                    for a in d.get("actors") or []
                    if isinstance(a, dict) and isinstance(a.get("statements"), list)
                ],
                pick,
            )
            if actor is None:
                return False
            said = actor["statements"]
            if pick % 3 == 0 and statement:
                said.append(statement)
            elif pick % 3 == 1 and said:
                _choose(said, pick // 3)["text"] = f"Reworded statement {pick}."
            elif len(said) > 1:
                said.pop(pick % len(said))
            return None

        self._edit("actors", change)

    def edit_parties(self, pick: int) -> None:
        """A party added or removed (its positions go with it; its actors keep no party)."""
        parties = [p.get("id") for p in self._items("book", "parties") if isinstance(p, dict)]
        if pick % 2 == 0 or len(parties) < 2:
            self._edit(
                "book",
                lambda d: (
                    d.setdefault("parties", []).append(
                        {"id": f"party-{pick}", "name": f"Added Party {pick}"}
                    )
                    if f"party-{pick}" not in parties
                    else False
                ),
            )
            return
        gone = _choose(parties, pick // 2)
        self._edit("book", lambda d: _remove_where(d.get("parties"), lambda p: p.get("id") == gone))
        self._edit(
            "actors",
            lambda d: [
                a.pop("party", None)
                for a in d.get("actors") or []
                if isinstance(a, dict) and a.get("party") == gone
            ],
        )
        self._edit(
            "positions",
            lambda d: _remove_where(d.get("positions"), lambda p: p.get("party") == gone),
        )

    def edit_issues(self, pick: int) -> None:
        """An issue added, retitled or removed (its positions go with it)."""
        issues = [i.get("id") for i in self._items("book", "issues") if isinstance(i, dict)]
        if pick % 3 == 0 or not issues:
            self._edit(
                "book",
                lambda d: (
                    d.setdefault("issues", []).append(
                        {
                            "id": f"issue-{pick}",
                            "title": f"Added issue {pick}?",
                            "proposition": f"Proposition {pick}",
                        }
                    )
                    if f"issue-{pick}" not in issues
                    else False
                ),
            )
        elif pick % 3 == 1:
            self._edit(
                "book",
                lambda d: _choose(d["issues"], pick // 3).update(title=f"Retitled issue {pick}?"),
            )
        else:
            gone = _choose(issues, pick // 3)
            self._edit(
                "book", lambda d: _remove_where(d.get("issues"), lambda i: i.get("id") == gone)
            )
            self._edit(
                "positions",
                lambda d: _remove_where(d.get("positions"), lambda p: p.get("issue") == gone),
            )

    def edit_positions(self, pick: int) -> None:
        """A position added (party x issue), its stance or posture changed, or removed."""
        issues = [i.get("id") for i in self._items("book", "issues") if isinstance(i, dict)]
        parties = [p.get("id") for p in self._items("book", "parties") if isinstance(p, dict)]
        claim = self.claim(pick, "position claim")

        def change(d: Any) -> Any:
            positions = d.setdefault("positions", [])
            if pick % 3 == 0 and issues and parties and claim:
                positions.append(
                    {
                        "issue": _choose(issues, pick),
                        "party": _choose(parties, pick // 3),
                        "stance": f"Stance {pick}",
                        "claims": [claim],
                    }
                )
            elif pick % 3 == 1 and positions:
                position = _choose(positions, pick // 3)
                position["stance"] = f"Changed stance {pick}"
                position["posture"] = _choose(
                    ["supports", "opposes", "conditional", "mixed", "unclear"], pick // 5
                )
            else:
                return _remove_from(positions, pick // 3, keep=1)
            return None

        self._edit("positions", change)

    def edit_questions(self, pick: int) -> None:
        claim = self.claim(pick, "basis")

        def change(d: Any) -> Any:
            questions = d.setdefault("questions", [])
            if pick % 3 == 0 and claim:
                questions.append(
                    {
                        "id": f"question-{pick}",
                        "question": f"Will {pick} happen?",
                        "why": "It matters.",
                        "basis": [claim],
                        "indicators": [f"Sign {pick}"],
                    }
                )
            elif pick % 3 == 1 and questions:
                _choose(questions, pick // 3)["why"] = f"It matters for reason {pick}."
            else:
                return _remove_from(questions, pick // 3, keep=1)
            return None

        self._edit("questions", change)

    def edit_register(self, pick: int) -> None:
        """An entry of the discrepancy register (method.yaml) added, reworded or removed."""
        cite = self.quote(pick)

        def change(d: Any) -> Any:
            entries = d.setdefault("discrepancies", [])
            if pick % 3 == 0 and cite:
                entries.append(
                    {
                        "id": f"discrepancy-{pick}",
                        "kind": _choose(["factual", "framing", "title", "other"], pick),
                        "text": f"Sources differ on point {pick}.",
                        "cite": [cite],
                    }
                )
            elif pick % 3 == 1 and entries:
                _choose(entries, pick // 3)["text"] = f"Reworded discrepancy {pick}."
            else:
                return _remove_from(entries, pick // 3, keep=0)
            return None

        self._edit("method", change)

    def edit_claims(self, pick: int) -> None:
        """A claim anywhere reworded, or a citation added to it."""
        names = self._files()
        name = _choose(names, pick)
        cite = self.quote(pick // 3)

        def change(d: Any) -> Any:
            claims = [
                n
                for n in _walk(d)
                if isinstance(n, dict) and "text" in n and isinstance(n.get("cite"), list)
            ]
            claim = _choose(claims, pick // 7)
            if claim is None:
                return False
            if pick % 2 and cite:
                claim["cite"].append(cite)
            else:
                claim["text"] = f"{claim['text']} (edited {pick})"
            return None

        self._edit(name, change)

    # -- book.yaml --
    def edit_book(self, pick: int) -> None:
        """The title, subtitle, as-of date or marking changes."""
        field_, value = _choose(
            [
                (
                    "title",
                    _choose(
                        ["North Pier Closure", "Harbour Affairs", f"A Briefing {pick}"], pick // 4
                    ),
                ),
                ("subtitle", f"Subtitle {pick}"),
                ("as_of", f"2024-0{1 + pick % 9}-0{1 + pick % 9}"),
                ("marking", f"TEST {pick}"),
            ],
            pick,
        )
        self._edit("book", lambda d: d.update({field_: value}))

    def name_previous_edition(self, edition: bytes | None, pick: int) -> None:
        """``previous_edition`` named (a saved edition.json) or dropped."""
        if pick % 2 == 0 and edition is not None:
            target = self.root / "previous" / "edition.json"
            target.parent.mkdir(exist_ok=True)
            target.write_bytes(edition)
            self._edit("book", lambda d: d.update(previous_edition="previous/edition.json"))
        else:
            self._edit("book", lambda d: d.pop("previous_edition", None))

    # -- configuration --
    def edit_conf(self, pick: int) -> None:
        """conf/conf.py written (an override that changes the pages, or a stylesheet of its own
        whose content changes), changed, or removed."""
        conf = self.root / "conf" / "conf.py"
        if pick % 4 == 0 and conf.exists():
            shutil.rmtree(conf.parent)
            return
        lines = ["from briefgen.defaults.conf import *  # noqa: F403", ""]
        if pick % 4 == 3:
            lines += [
                'html_static_path = [*html_static_path, "_static"]  # noqa: F405',
                'html_css_files = [*html_css_files, "local.css"]  # noqa: F405',
            ]
            static = conf.parent / "_static" / "local.css"
            static.parent.mkdir(parents=True, exist_ok=True)
            static.write_text(
                f"/* local {pick % 3} */ h1 {{ letter-spacing: {pick % 3}px; }}\n", encoding="utf-8"
            )
        else:
            override = _choose(
                ['"show_toc_level": 1', '"show_toc_level": 3', '"use_download_button": True'],
                pick // 4,
            )
            lines.append(f"html_theme_options = {{**html_theme_options, {override}}}  # noqa: F405")
        conf.parent.mkdir(exist_ok=True)
        conf.write_text("\n".join(lines) + "\n", encoding="utf-8")

    # -- mistakes and their repair --
    def break_yaml(self, pick: int) -> None:
        """A YAML file saved with a mistake: broken syntax, an unknown key, or a bad date."""
        names = self._files()
        name = _choose(names, pick)
        path = self.path(name)
        self.broken.setdefault(str(path.relative_to(self.root)), path.read_bytes())
        text = path.read_text(encoding="utf-8")
        mistake = _choose(
            ["\nnote: [unclosed\n", "\ntitel: A misspelt key\n", "\n  - bad: indentation\n"],
            pick // 3,
        )
        path.write_text(text + mistake, encoding="utf-8")

    def repair(self) -> None:
        """Every file a mistake broke gets its last good bytes back."""
        for name, data in self.broken.items():
            (self.root / name).parent.mkdir(parents=True, exist_ok=True)
            (self.root / name).write_bytes(data)
        self.broken.clear()


def _replace_source(data: Any, old: str, new: str) -> None:
    for node in _walk(data):
        if isinstance(node, dict) and node.get("source") == old and "quote" in node:
            node["source"] = new


def _drop_source(data: Any, gone: str) -> None:
    """Citations of ``gone`` removed; claims and items left with nothing required, removed too."""
    for node in list(_walk(data)):
        if isinstance(node, dict) and isinstance(node.get("cite"), list):
            node["cite"] = [
                c for c in node["cite"] if not (isinstance(c, dict) and c.get("source") == gone)
            ]
    _prune(data)


def _prune(data: Any) -> None:
    """Drop list items that lost a required list (a claim without citations, an event without claims)."""
    changed = True
    while changed:
        changed = False
        for node in list(_walk(data)):
            if not isinstance(node, list):
                continue
            keep = [item for item in node if not _emptied(item)]
            if len(keep) != len(node):
                node[:] = keep
                changed = True


def _emptied(item: Any) -> bool:
    if isinstance(item, list):
        return not item
    return isinstance(item, dict) and any(
        key in item and item[key] == [] for key in _REQUIRED_LISTS if key != "actors"
    )


def _drop_actor(data: Any, gone: str) -> None:
    _remove_where(data.get("actors"), lambda a: isinstance(a, dict) and a.get("id") == gone)
    _remove_where(data.get("relations"), lambda r: gone in (r.get("from"), r.get("to")))
    for node in _walk(data):
        if isinstance(node, dict) and isinstance(node.get("actors"), list) and "claims" in node:
            node["actors"] = [a for a in node["actors"] if a != gone]
        if isinstance(node, dict) and node.get("actor") == gone and "issue" in node:
            del node["actor"]


def _remove_from(items: Any, pick: int, keep: int) -> Any:
    if not isinstance(items, list) or len(items) <= keep:
        return False
    items.pop(pick % len(items))
    return None


def _remove_where(items: Any, test: Callable[[Any], bool]) -> Any:
    if not isinstance(items, list):
        return False
    items[:] = [item for item in items if not (isinstance(item, dict) and test(item))]
    return None


def _drop_empty_folders(root: Path) -> None:
    for folder in sorted(
        (p for p in root.rglob("*") if p.is_dir() and "_build" not in p.parts), reverse=True
    ):
        if not any(folder.iterdir()):
            folder.rmdir()


# -- copying a project's files (never its _build) ----------------------------------------------


def sync_inputs(src: Path, dest: Path) -> None:
    """Make ``dest`` hold ``src``'s files (outside ``_build``), rewriting only those that differ."""
    dest.mkdir(parents=True, exist_ok=True)
    wanted = {
        p.relative_to(src): p
        for p in src.rglob("*")
        if p.is_file() and "_build" not in p.relative_to(src).parts
    }
    for p in [
        p for p in dest.rglob("*") if p.is_file() and "_build" not in p.relative_to(dest).parts
    ]:
        if p.relative_to(dest) not in wanted:
            p.unlink()
    for rel, path in wanted.items():
        target = dest / rel
        data = path.read_bytes()
        if not target.is_file() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    _drop_empty_folders(dest)


# -- outcomes --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a build left: its problems (none when it succeeded) and the published book's files."""

    problems: list[str]
    book: dict[str, bytes]
    exit_code: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and self.exit_code == 0


def published(root: Path, formats: tuple[str, ...]) -> dict[str, bytes]:
    """Every published file: ``html/...`` and ``pdf/...`` (the output folders are links to the real ones)."""
    out: dict[str, bytes] = {}
    for fmt in formats:
        top = root / "_build" / fmt
        if not top.exists():
            continue
        real = top.resolve()
        for folder, _, files in os.walk(real):
            for name in files:
                path = Path(folder) / name
                out[f"{fmt}/{path.relative_to(real)}"] = path.read_bytes()
    return out


def problems_of(text: str, root: Path) -> list[str]:
    """The located problem lines of a build's output, with the project folder's path taken out."""
    lines = []
    for line in _ANSI.sub("", text).splitlines():
        line = line.replace(str(root), "<project>")
        if _PROBLEM.match(line):
            lines.append(line)
    return sorted(lines)


def cli(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """``briefgen ARGS -p ROOT`` in a new process (started, not waited for)."""
    environ = {**os.environ, "BRIEFGEN_BUILD_SERVER": "0", **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-m", "briefgen", *args, "-p", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environ,
    )


def finish(
    process: subprocess.Popen[str], root: Path, formats: tuple[str, ...], timeout: float = 300
) -> Outcome:
    _out, err = process.communicate(timeout=timeout)
    if process.returncode not in (0, 1):
        raise AssertionError(
            f"briefgen exited {process.returncode} (an internal error) in {root}:\n{err}"
        )
    problems = problems_of(err, root)
    if process.returncode == 1 and not problems:
        raise AssertionError(f"briefgen failed without a located problem in {root}:\n{err}")
    return Outcome(problems, published(root, formats), process.returncode)


def build_args(formats: tuple[str, ...]) -> list[str]:
    return ["build", *formats]


@dataclass
class ServeLoop:
    """``briefgen serve``'s rebuild: in this process, with the state it keeps between builds."""

    root: Path
    jobs: int = 2
    cache: FrontCache = field(default_factory=FrontCache)

    def build(self) -> Outcome:
        try:
            build(self.root, ("html",), jobs=self.jobs, cache=self.cache)
        except BriefingError as exc:
            return Outcome(
                sorted(str(p).replace(str(self.root), "<project>") for p in exc.problems),
                published(self.root, ("html",)),
                1,
            )
        after_build(self.root, self.cache)  # as serve does once the browser reloaded
        return Outcome([], published(self.root, ("html",)))


def cold_book(files: Path, into: Path, formats: tuple[str, ...]) -> subprocess.Popen[str]:
    """Start a cold build of ``files``' project: copied to the new folder ``into``, built in a new process."""
    shutil.rmtree(into, ignore_errors=True)
    sync_inputs(files, into)
    return cli(into, *build_args(formats), "--no-server")


def differences(warm: dict[str, bytes], cold: dict[str, bytes]) -> list[str]:
    """Names of files that differ, are missing or are extra, first few lines of each."""
    out = []
    for name in sorted(warm.keys() | cold.keys()):
        if name not in warm:
            out.append(f"missing in the warm book: {name}")
        elif name not in cold:
            out.append(f"extra in the warm book: {name}")
        elif warm[name] != cold[name]:
            out.append(f"differs: {name}")
    return out


def copy_of(data: dict[str, bytes]) -> dict[str, bytes]:
    return copy.copy(data)
