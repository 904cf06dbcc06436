"""Add an article to a project: copy its text into seeds/ and write a source stub to fill in.

HTML pages go through trafilatura (main text and metadata: title, author, date, site); plain
text is read as it is, with a few cautious guesses (first line as title, a 'By ...' line, a
written date). Every detected value says how it was found, and everything left for the analyst
is a ``TODO`` that ``briefgen check`` reports by file, line and key.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from briefgen.core.errors import BriefingError, Problem
from briefgen.core.load import MAX_SOURCE_BYTES
from briefgen.core.outtext import for_terminal
from briefgen.core.yamlio import read_text

TODO = "TODO"
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


@dataclass
class Detected:
    """What could be read off an article, each value with how it was found."""

    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    outlet: str | None = None
    url: str | None = None
    how: dict[str, str] = field(default_factory=dict)  # for the analyst (a comment in the YAML)
    date_note: str | None = None  # for the reader: how the date was established, in their words


def slugify(text: str, max_words: int = 6) -> str:
    text = re.sub(r"['\u2019]", "", text)  # "We're" is one word: 'were', not 'we-re'
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    return "-".join(words[:max_words]) or "source"


def _is_html(raw: str, path: Path) -> bool:
    return path.suffix.lower() in {".html", ".htm"} or bool(
        re.match(r"\s*(<!doctype html|<html)", raw, re.I)
    )


def _from_html(raw: str) -> Detected:
    import trafilatura

    extracted = trafilatura.bare_extraction(
        raw, with_metadata=True, include_comments=False, include_tables=False
    )
    doc = extracted if isinstance(extracted, dict) or extracted is None else extracted.as_dict()
    if not doc or not (doc.get("text") or "").strip():
        raise BriefingError(
            [
                Problem(
                    "new-source",
                    0,
                    0,
                    (),
                    "no article text could be extracted from this HTML",
                    "save the article text as a .txt file and add that instead",
                )
            ]
        )
    found = Detected(
        text="\n".join(line.strip() for line in doc["text"].splitlines() if line.strip()) + "\n"
    )
    for key, name in (
        ("title", "title"),
        ("author", "author"),
        ("date", "date"),
        ("sitename", "outlet"),
        ("url", "url"),
    ):
        value = doc.get(key)
        if value:
            setattr(found, name, str(value).strip())
            found.how[name] = f"page metadata ({key}), read by trafilatura"
    if found.outlet and _named_by_address(found.outlet, str(doc.get("hostname") or "")):
        # "nj.com" or "Nj": the address, not the outlet's name; the analyst writes the name
        found.how["outlet"] = f"only the page's address ({found.outlet!r}); write the outlet's name"
        found.outlet = None
    if found.date:
        found.date_note = "as given in the page's metadata"
    return found


def _named_by_address(sitename: str, hostname: str) -> bool:
    """Whether a page's 'site name' is only its address ('nj.com', 'Nj' for www.nj.com)."""
    name = re.sub(r"[^a-z0-9]", "", sitename.lower())
    host = hostname.lower().removeprefix("www.")
    return bool(host) and name in {re.sub(r"[^a-z0-9]", "", host), host.split(".")[0]}


def default_id(found: Detected, stem: str) -> str:
    """'nbc-news-2025-11-03': the outlet and the date when both are known (short, and what an
    analyst calls an article), else the headline's first words."""
    if found.outlet and found.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", found.date):
        outlet = re.sub(r"^the\s+", "", found.outlet.strip(), flags=re.I)
        return f"{slugify(outlet, 3)}-{found.date}"
    return slugify(found.title or stem, 5)


def _from_text(raw: str) -> Detected:
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    found = Detected(text=raw if raw.endswith("\n") else raw + "\n")
    if lines and len(lines[0]) <= 200:
        found.title = lines[0]
        found.how["title"] = "first line of the text; check it is the headline"
    for line in lines[:15]:
        m = re.match(r"^By\s+([A-Z][^|,\n]{2,60}?)\s*(?:[|,].*)?$", line)
        if m:
            found.author = m.group(1).strip()
            found.how["author"] = f"a 'By ...' line: {line[:80]!r}"
            break
    head = "\n".join(lines[:15])
    patterns = [
        (r"\b(\d{4})-(\d{2})-(\d{2})\b", "%Y-%m-%d", lambda m: m.group(0)),
        (rf"\b({_MONTHS}) (\d{{1,2}}), (\d{{4}})\b", "%B %d, %Y", lambda m: m.group(0)),
        (rf"\b(\d{{1,2}}) ({_MONTHS}) (\d{{4}})\b", "%d %B %Y", lambda m: m.group(0)),
    ]
    for rx, fmt, pick in patterns:
        m = re.search(rx, head)
        if not m:
            continue
        try:
            day = _dt.datetime.strptime(pick(m), fmt).date()
        except ValueError:
            continue  # e.g. '2025-30-03' is not a date
        found.date = day.isoformat()
        found.how["date"] = f"written in the text: {m.group(0)!r}; check it is the publication date"
        found.date_note = f"stated in the text: {m.group(0)!r}"
        break
    return found


MAX_PAGE_BYTES = 4 * MAX_SOURCE_BYTES
"""A saved page holds markup, scripts and styles besides its text; the text is held to ``check``'s limit."""


def detect(path: Path) -> Detected:
    """What can be read off the article at ``path``: a regular file only (a FIFO or a device is
    refused at once), with the same limit on its text as ``briefgen check`` applies."""
    shown = for_terminal(str(path))
    raw, problems = read_text(path, shown, max_bytes=MAX_PAGE_BYTES)
    if raw is None:
        raise BriefingError(problems)
    if not raw.strip():
        raise BriefingError([Problem(shown, 1, 1, (), "the file is empty")])
    found = _from_html(raw) if _is_html(raw, path) else _from_text(raw)
    size = len(found.text.encode("utf-8"))
    if size > MAX_SOURCE_BYTES:
        raise BriefingError(
            [
                Problem(
                    shown,
                    1,
                    1,
                    (),
                    f"the article text is {size:,} bytes, over the {MAX_SOURCE_BYTES:,}-byte limit of an article",
                    "split it, or keep only the article's own text",
                )
            ]
        )
    return found


def stub(source_id: str, seed: str, found: Detected, original: Path) -> str:
    """The YAML of a new source, with what was found and TODOs for the rest."""

    def value(name: str, fallback: str) -> str:
        return getattr(found, name) or f"{TODO}: {fallback}"

    published = {
        "date": found.date or f"{TODO}: EDTF date, e.g. 2025-02-17",
        "basis": "metadata" if found.date and "metadata" in found.how.get("date", "") else "stated",
    }
    # printed in the book: says how the date was found, never which tool found it
    published["note"] = found.date_note or f"{TODO}: how the date was established"
    data: dict[str, object] = {
        "id": source_id,
        "file": seed,
        "title": value("title", "the article's headline"),
        "outlet": value("outlet", "the outlet that published it"),
    }
    if found.url:
        data["url"] = found.url
    data["author"] = value("author", "the byline, or delete this key if there is none")
    data["published"] = published
    data["kind"] = f"{TODO}: news-report, aggregation, opinion or mixed"
    data["relays"] = []
    data["grade"] = {
        "reliability": f"{TODO}: A-F (Admiralty scale)",
        "credibility": f"{TODO}: 1-6 (Admiralty scale)",
        "rationale": f"{TODO}: why this grade",
    }
    data["non_article"] = []
    data["summary"] = [
        {
            "text": f"{TODO}: the article's first key point",
            "cite": [{"source": source_id, "quote": f"{TODO}: exact words from the article"}],
        }
    ]
    # comments hold the article's file name and what was found: shown as one line each, escaped,
    # so a name holding a line break cannot add keys to the file
    how = (
        "\n".join(f"#   {for_terminal(k)}: {for_terminal(v)}" for k, v in sorted(found.how.items()))
        or "#   nothing could be detected"
    )
    header = (
        "# yaml-language-server: $schema=../../schemas/source.schema.json\n"
        f"# Added by 'briefgen new-source' from {for_terminal(original.name)}. Detected:\n{how}\n"
        "# Fill in every TODO, then run 'briefgen check'.\n"
    )
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def add_source(
    project: Path, article: Path, source_id: str | None = None
) -> tuple[Path, Path, Detected]:
    """Copy ``article`` into seeds/ and write its stub; refuse to overwrite anything."""
    found = detect(article)
    sid = source_id or default_id(found, article.stem)
    if not re.match(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", sid):
        raise BriefingError(
            [
                Problem(
                    "new-source",
                    0,
                    0,
                    (),
                    f"id {sid!r} is not a lowercase slug",
                    "pass --id like 'outlet-topic-2025'",
                )
            ]
        )
    seed = project / "seeds" / f"{sid}.txt"
    yaml_path = project / "briefing" / "sources" / f"{sid}.yaml"
    for path in (seed, yaml_path):
        if path.exists():
            raise BriefingError(
                [
                    Problem(
                        str(path.relative_to(project)),
                        1,
                        1,
                        (),
                        "already exists; nothing was written",
                        "pass --id to choose another id",
                    )
                ]
            )
    seed.parent.mkdir(parents=True, exist_ok=True)
    yaml_path.parent.mkdir(parents=True, exist_ok=True)
    seed.write_text(found.text, encoding="utf-8")
    yaml_path.write_text(stub(sid, f"seeds/{sid}.txt", found, article), encoding="utf-8")
    return seed, yaml_path, found
