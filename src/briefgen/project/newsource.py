"""Add an article to a project: copy its text into seeds/ and write a source stub to fill in.

The article is a file (a .txt, or a saved .html page) or a web address: a page is retrieved
(``project.fetch``) and kept as served in seeds/originals/, with its SHA-256, final address and
retrieval time in the stub's ``snapshot``, so the source outlives its URL changing or vanishing.
HTML goes through trafilatura (main text and metadata: title, author, date, site); plain text is
read as it is, with a few cautious guesses (first line as title, a 'By ...' line, a written date).
Lines at the top that are the headline, byline or dateline become ``non_article`` passages (the
text stays as extracted, so paragraph numbers match the page). Every detected value says how it
was found, and every value not to be trusted as found is a ``TODO`` that ``briefgen check``
reports by file, line and key; what a reader sees never names the tool.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from briefgen.core.errors import BriefingError, Problem
from briefgen.core.load import MAX_SOURCE_BYTES
from briefgen.core.outtext import for_terminal
from briefgen.core.yamlio import read_text
from briefgen.project.fetch import Retrieved

TODO = "TODO"
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
HEADER_NOTE = {"headline": "the headline", "byline": "the byline", "dateline": "the dateline"}
"""Printed in the book beside the passage: what it is, in a reader's words."""


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
    header: list[tuple[str, str]] = field(default_factory=list)  # (kind, line) atop the text
    snapshot: dict[str, str] | None = None  # the page as retrieved (set once written)


def slugify(text: str, max_words: int = 6) -> str:
    text = re.sub(r"['\u2019]", "", text)  # "We're" is one word: 'were', not 'we-re'
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    return "-".join(words[:max_words]) or "source"


def _is_html(raw: str, path: Path) -> bool:
    return path.suffix.lower() in {".html", ".htm"} or bool(
        re.match(r"\s*(<!doctype html|<html)", raw, re.I)
    )


class _Publisher(HTMLParser):
    """og:site_name and JSON-LD publisher.name: what a newsroom calls itself, when it says so."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[tuple[str, str]] = []  # (where, name)
        self._in_ld = False
        self._ld: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta" and (a.get("property") or a.get("name")) == "og:site_name":
            self.names.append(("og:site_name", (a.get("content") or "").strip()))
        self._in_ld = tag == "script" and (a.get("type") or "").lower() == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self._ld.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_ld:
            self._in_ld = False
            self.names.extend(("JSON-LD publisher", n) for n in _ld_publishers("".join(self._ld)))
            self._ld = []


def _ld_publishers(text: str) -> list[str]:
    try:
        data = json.loads(text)
    except ValueError:
        return []
    items = data if isinstance(data, list) else [data]
    items += [g for d in list(items) if isinstance(d, dict) for g in d.get("@graph", [])]
    names = []
    for item in items:
        publisher = item.get("publisher") if isinstance(item, dict) else None
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            names.append(publisher["name"].strip())
    return names


def _publisher_name(raw: str, hostname: str) -> tuple[str, str] | None:
    """The first real name the page gives itself (not its address), and where it was found."""
    parser = _Publisher()
    try:
        parser.feed(raw)
    except Exception:  # malformed markup: fall back to trafilatura's sitename
        return None
    for where, name in parser.names:
        if name and not _named_by_address(name, hostname):
            return where, name
    return None


_CARD_CLASSES = (
    "link-preview",
    "linkpreview",
    "link-card",
    "hover-card",
    "hovercard",
    "preview-card",
    "inline-related",
    "related-inline",
)
PREVIEW_CARDS = (
    "//*["
    + " or ".join(f"contains(@class, '{c}')" for c in _CARD_CLASSES)
    + " or @data-link-preview or @data-hovercard]"
)
"""Link previews and hover cards: another article's headline set inside a paragraph, which text
extraction would run into the sentence around it ("met on Wednesday Related: Fishers protest at
city hall to plan..."), making a quote that spans it fail and misleading a reader."""


class _PreviewCards(HTMLParser):
    """Counts the elements PREVIEW_CARDS matches (the standard library's parser: no lxml here)."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        classes = given.get("class") or ""
        if (
            any(c in classes for c in _CARD_CLASSES)
            or {
                "data-link-preview",
                "data-hovercard",
            }
            & given.keys()
        ):
            self.count += 1


def _count_preview_cards(raw: str) -> int:
    parser = _PreviewCards()
    try:
        parser.feed(raw)
    except Exception:  # malformed markup: trafilatura has read what it could
        return parser.count
    return parser.count


def _from_html(raw: str, url: str | None = None) -> Detected:
    import trafilatura

    extracted = trafilatura.bare_extraction(
        raw,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        prune_xpath=[PREVIEW_CARDS],
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
    hostname = str(doc.get("hostname") or "")
    if publisher := _publisher_name(raw, hostname):
        found.outlet = publisher[1]
        found.how["outlet"] = f"page metadata ({publisher[0]})"
    elif found.outlet and _named_by_address(found.outlet, hostname):
        # "nj.com" or "Nj": the address, not the outlet's name; the analyst writes the name
        found.how["outlet"] = f"only the page's address ({found.outlet!r}); write the outlet's name"
        found.outlet = None
    if cards := _count_preview_cards(raw):
        found.how["link previews"] = (
            f"{cards} link-preview card(s) left out of the text (the page as retrieved keeps them)"
        )
    found.header = _header_lines(found.text, found.title)
    byline = next((line for kind, line in found.header if kind == "byline"), None)
    if not found.author and byline and (m := _BYLINE.match(byline)):
        found.author = m.group(1).strip()
        found.how["author"] = f"a 'By ...' line atop the text: {byline[:80]!r}"
    _settle_date(found)
    return found


def _named_by_address(sitename: str, hostname: str) -> bool:
    """Whether a page's 'site name' is only its address ('nj.com', 'Nj' for www.nj.com)."""
    if re.fullmatch(r"(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+", sitename.strip().lower()):
        return True  # 'valleyledger.com', whatever the page's own address
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


_BYLINE = re.compile(r"^By\s+([A-Z][^|,\n]{2,60}?)\s*(?:[|,].*)?$")


def _written_date(text: str) -> tuple[str, str] | None:
    """The first date written out in ``text``: (ISO date, the words as written)."""
    patterns = [
        (r"\b\d{4}-\d{2}-\d{2}\b", "%Y-%m-%d"),
        (rf"\b(?:{_MONTHS}) \d{{1,2}}, \d{{4}}\b", "%B %d, %Y"),
        (rf"\b\d{{1,2}} (?:{_MONTHS}) \d{{4}}\b", "%d %B %Y"),
    ]
    for rx, fmt in patterns:
        for m in re.finditer(rx, text):
            try:
                return _dt.datetime.strptime(m.group(0), fmt).date().isoformat(), m.group(0)
            except ValueError:
                continue  # e.g. '2025-30-03' is not a date
    return None


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _header_kind(line: str, title: str | None) -> str | None:
    """'headline', 'byline' or 'dateline' for a line that is only that, else None."""
    if title and _words(line) == _words(title):
        return "headline"
    if len(line) <= 120 and _BYLINE.match(line):
        return "byline"
    date = _written_date(line) if len(line) <= 80 else None
    # 'Portsmouth, 4 May 2024 —', 'Monday, 03 November 2025 11:30 AM EST'; not a short sentence
    if (
        date
        and len(line.replace(date[1], "").strip()) <= 40
        and not re.search(r"[a-z]{3}\.$", line)
    ):
        return "dateline"
    return None


def _header_lines(text: str, title: str | None) -> list[tuple[str, str]]:
    """The run of headline, byline and dateline lines the text starts with (at most four)."""
    found: list[tuple[str, str]] = []
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            continue
        kind = _header_kind(line, title)
        if kind is None or len(found) == 4:
            break
        found.append((kind, line))
    return found


def _settle_date(found: Detected) -> None:
    """A date in a dateline is stated in the text; a date only in the page's metadata, or one the
    dateline contradicts, is kept but left for the analyst to confirm (a TODO in the note)."""
    dateline = next(
        (_written_date(line) for kind, line in found.header if kind == "dateline"), None
    )
    if dateline and found.date in (None, dateline[0]):
        found.date = dateline[0]
        found.how["date"] = f"the dateline: {dateline[1]!r}; check it is the publication date"
        found.date_note = f"stated in the text: {dateline[1]!r}"
    elif dateline and found.date:
        found.how["date"] += f"; the dateline says {dateline[1]!r}"
        found.date_note = (
            f"{TODO}: the page's metadata gives {found.date}, the dateline {dateline[1]!r}: "
            "confirm the publication date, then say how it was established"
        )
    elif found.date:
        found.date_note = (
            f"{TODO}: the date is only in the page's metadata: check it against the page, then say "
            "how it was established (e.g. 'as given in the page's metadata')"
        )


def _from_text(raw: str) -> Detected:
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    found = Detected(text=raw if raw.endswith("\n") else raw + "\n")
    if lines and len(lines[0]) <= 200:
        found.title = lines[0]
        found.how["title"] = "first line of the text; check it is the headline"
    for line in lines[:15]:
        m = _BYLINE.match(line)
        if m:
            found.author = m.group(1).strip()
            found.how["author"] = f"a 'By ...' line: {line[:80]!r}"
            break
    date = _written_date("\n".join(lines[:15]))
    if date:
        found.date = date[0]
        found.how["date"] = f"written in the text: {date[1]!r}; check it is the publication date"
        found.date_note = f"stated in the text: {date[1]!r}"
    if cards := _count_preview_cards(raw):
        found.how["link previews"] = (
            f"{cards} link-preview card(s) left out of the text (the page as retrieved keeps them)"
        )
    found.header = _header_lines(found.text, found.title)
    return found


MAX_PAGE_BYTES = 4 * MAX_SOURCE_BYTES
"""A saved page holds markup, scripts and styles besides its text; the text is held to ``check``'s limit."""


def _detected(raw: str, html: bool, shown: str, url: str | None = None) -> Detected:
    """What can be read off an article's text, held to the limit ``briefgen check`` applies."""
    if not raw.strip():
        raise BriefingError([Problem(shown, 1, 1, (), "the file is empty")])
    found = _from_html(raw, url) if html else _from_text(raw)
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


def detect(path: Path) -> Detected:
    """What can be read off the article at ``path``: a regular file only (a FIFO or a device is
    refused at once), with the same limit on its text as ``briefgen check`` applies."""
    shown = for_terminal(str(path))
    raw, problems = read_text(path, shown, max_bytes=MAX_PAGE_BYTES)
    if raw is None:
        raise BriefingError(problems)
    return _detected(raw, _is_html(raw, path), shown)


def _page_text(page: Retrieved) -> str:
    """The page's characters: in the charset its server named, else as trafilatura guesses."""
    if page.charset:
        try:
            return page.body.decode(page.charset)
        except (LookupError, UnicodeDecodeError):
            pass
    from trafilatura.utils import decode_file

    return str(decode_file(page.body))


def detect_page(page: Retrieved) -> Detected:
    """What can be read off a retrieved page; its address is the one it was retrieved from."""
    found = _detected(_page_text(page), True, for_terminal(page.url), page.url)
    found.url = page.url
    found.how["url"] = "the address it was retrieved from, after any redirects"
    if found.outlet is None and "outlet" not in found.how:
        found.how["outlet"] = "no site name in the page's metadata"
    return found


def _non_article(found: Detected) -> list[dict[str, str]]:
    return [
        {"kind": "metadata", "quote": line, "note": HEADER_NOTE[kind]}
        for kind, line in found.header
    ]


ARCHIVE_HINT = (
    "# archive_url: TODO-optional: an archived copy you made (https://web.archive.org/save/ or\n"
    "#   https://perma.cc), shown beside the live link; the page as retrieved is in 'snapshot'\n"
)


def stub(
    source_id: str,
    seed: str,
    found: Detected,
    original: str,
    snapshot: dict[str, str] | None = None,
) -> str:
    """The YAML of a new source, with what was found and TODOs for the rest."""

    def value(name: str, fallback: str) -> str:
        return getattr(found, name) or f"{TODO}: {fallback}"

    published = {
        "date": found.date or f"{TODO}: EDTF date, e.g. 2025-02-17",
        "basis": "metadata" if found.date and "metadata" in found.how.get("date", "") else "stated",
    }
    # printed in the book: says how the date was found, never which tool found it
    published["note"] = found.date_note or f"{TODO}: how the date was established"
    head: dict[str, object] = {
        "id": source_id,
        "file": seed,
        "title": value("title", "the article's headline"),
        "outlet": value("outlet", "the outlet that published it"),
    }
    if found.url:
        head["url"] = found.url
    data: dict[str, object] = {"snapshot": snapshot} if snapshot else {}
    data["author"] = value("author", "the byline, or delete this key if there is none")
    data["published"] = published
    data["kind"] = f"{TODO}: news-report, aggregation, opinion or mixed"
    data["relays"] = []
    data["grade"] = {
        "reliability": f"{TODO}: A-F (Admiralty scale)",
        "credibility": f"{TODO}: 1-6 (Admiralty scale)",
        "rationale": f"{TODO}: why this grade",
    }
    data["non_article"] = _non_article(found)
    data["summary"] = [
        {
            "text": f"{TODO}: the article's first key point",
            "cite": [{"source": source_id, "quote": f"{TODO}: exact words from the article"}],
        }
    ]
    how = dict(found.how)
    if found.header:
        how["non_article"] = (
            f"the first {len(found.header)} line(s) of the text look like "
            + ", ".join(kind for kind, _ in found.header)
            + "; confirm, or delete those entries"
        )
    # comments hold the article's file name and what was found: shown as one line each, escaped,
    # so a name holding a line break cannot add keys to the file
    shown_how = (
        "\n".join(f"#   {for_terminal(k)}: {for_terminal(v)}" for k, v in sorted(how.items()))
        or "#   nothing could be detected"
    )
    header = (
        "# yaml-language-server: $schema=../../schemas/source.schema.json\n"
        f"# Added by 'briefgen new-source' from {for_terminal(original)}. Detected:\n{shown_how}\n"
        "# Fill in every TODO, then run 'briefgen check'.\n"
    )

    def dump(part: dict[str, object]) -> str:
        return yaml.safe_dump(part, sort_keys=False, allow_unicode=True, width=100)

    hint = ARCHIVE_HINT if found.url else ""
    return header + dump(head) + hint + dump(data)


def _refuse(project: Path, path: Path, outside: bool = False) -> BriefingError:
    message, hint = (
        ("is a link out of the project; nothing was written", "make it a folder of the project")
        if outside
        else ("already exists; nothing was written", "pass --id to choose another id")
    )
    return BriefingError([Problem(str(path.relative_to(project)), 1, 1, (), message, hint)])


def _user_agent() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"briefgen/{version('briefgen')} (+https://pypi.org/project/briefgen/)"
    except PackageNotFoundError:
        return "briefgen"


def add_source(
    project: Path,
    article: Path | str,
    source_id: str | None = None,
    *,
    timeout: float | None = None,
) -> tuple[Path, Path, Detected]:
    """Add ``article`` (a file, or a web address to retrieve): copy its text into seeds/ (and a
    retrieved page's bytes into seeds/originals/) and write its stub; refuse to overwrite anything.
    Everything is checked before the first file is written, so a failure leaves nothing behind."""
    from briefgen.project.fetch import default_timeout, fetch, is_web_address

    page: Retrieved | None = None
    if isinstance(article, str) and is_web_address(article):
        page = fetch(
            article,
            timeout=default_timeout() if timeout is None else timeout,
            max_bytes=MAX_PAGE_BYTES,
            user_agent=_user_agent(),
        )
        found, stem, original = (
            detect_page(page),
            urlsplit(page.url).path.rsplit("/", 1)[-1],
            page.url,
        )
    else:
        path = Path(article)
        found, stem, original = detect(path), path.stem, path.name
    sid = source_id or default_id(found, stem)
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
    kept = project / "seeds" / "originals" / f"{sid}.html"
    for path in (seed, yaml_path, *([kept] if page else [])):
        if os.path.lexists(path):  # a dangling link too: writing through it would leave the project
            raise _refuse(project, path)
        if not path.parent.resolve().is_relative_to(project.resolve()) and path.parent.exists():
            raise _refuse(project, path.parent, outside=True)
    snapshot = None
    if page is not None:
        snapshot = {
            "file": kept.relative_to(project).as_posix(),
            "sha256": hashlib.sha256(page.body).hexdigest(),
            "retrieved": page.retrieved.isoformat().replace("+00:00", "Z"),
            "url": page.url,
        }
        found.snapshot = snapshot
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_bytes(page.body)
    seed.parent.mkdir(parents=True, exist_ok=True)
    yaml_path.parent.mkdir(parents=True, exist_ok=True)
    seed.write_text(found.text, encoding="utf-8")
    yaml_path.write_text(
        stub(sid, seed.relative_to(project).as_posix(), found, original, snapshot),
        encoding="utf-8",
    )
    return seed, yaml_path, found
