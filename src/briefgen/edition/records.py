"""The machine-readable edition: every claim, citation and source of a build, as data others can use.

``edition.json`` lists the book's metadata, every claim with a stable id, its section and text,
each citation with the exact passage (paragraph and character span in the article text), and each
source with its grade, relay chain and the SHA-256 of its article text, so anyone can check that
the text the book quotes is the text they hold. ``annotations.jsonld`` gives each citation as a W3C
Web Annotation. Both are written beside the HTML on every build; the "What's new" page compares
two editions (``briefgen.edition.changes``).

Claim ids: the YAML ``id`` where the claim has one; otherwise ``<section>/<scope>/<hash>``, where
the scope is the nearest id around the claim (the event, topic, actor, question, source, or the
issue and party of a position) and the hash is of the claim's text. Reordering or inserting claims
renames nothing; rewording a claim without a YAML id changes its id (``briefgen.edition.changes`` then
matches it by its citations and wording).

Sphinx-free. The bytes are deterministic: the same briefing gives the same files.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from briefgen.core.errors import KeyPath, format_key_path
from briefgen.core.filestate import now_ns
from briefgen.core.gcpause import paused_gc
from briefgen.core.load import Briefing, Part, book_slug
from briefgen.core.model import Citation, Credibility, Dating, Reliability, Source
from briefgen.core.safefiles import read_regular
from briefgen.core.scales import LIKELIHOOD
from briefgen.edition.cache import EditionCache, Scope, Segments, interleave, spaced
from briefgen.edition.textfragment import Article, link
from briefgen.trust.anchor import AnchorIndex, SourceText
from briefgen.trust.estimative import likelihood_terms

FORMAT: Final = "briefgen-edition/1"
MAX_EDITION_BYTES = 200_000_000
"""An edition.json larger than this is refused before it is read (1000 sources: about 25 MB)."""
EDITION_FILE = "edition.json"
ANNOTATIONS_FILE = "annotations.jsonld"
CONTEXT_WIDTH = (
    32  # characters of prefix and suffix in a citation (as Web Annotation selectors use)
)
ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"

Section = Literal[
    "summary", "background", "actors", "positions", "timeline", "questions", "sources"
]
Kind = Literal[
    "bluf",
    "key-judgment",
    "background",
    "statement",
    "relation",
    "position",
    "event",
    "question-basis",
    "method-note",
    "discrepancy",
    "key-point",
]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EditionCitation(_Data):
    source: str = Field(description="source id")
    quote: str = Field(description="the quote as the briefing gives it")
    exact: str = Field(
        description="the article's own text at [start, end): what the quote matched (typography may differ from 'quote')"
    )
    prefix: str = Field(
        description=f"up to {CONTEXT_WIDTH} characters of article text before the passage"
    )
    suffix: str = Field(
        description=f"up to {CONTEXT_WIDTH} characters of article text after the passage"
    )
    paragraph: int = Field(
        ge=1, description="paragraph number (¶) in the article, as the book cites it"
    )
    start: int = Field(
        ge=0, description="offset of the passage in the article text, in Unicode code points"
    )
    end: int = Field(ge=0, description="offset just after the passage")
    page: str = Field(
        description="the highlighted passage in the HTML book, relative to edition.json"
    )
    original: str | None = Field(
        None,
        description="the passage on the original site (a URL text fragment), when the source has a url",
    )
    note: str | None = None


class Likelihood(_Data):
    term: str = Field(description="the estimative term the judgment uses (ICD 203)")
    range: str = Field(description="the probability range that term conveys")


class EditionClaim(_Data):
    id: str = Field(description="stable id: the YAML id, or <section>/<scope>/<hash of the text>")
    id_from: Literal["yaml", "derived"]
    section: Section
    kind: Kind
    scope: str = Field(
        description="what the claim belongs to: an event, topic, actor, question, source id, or issue/party"
    )
    where: str = Field(description="file and key path of the claim in the briefing")
    text: str
    confidence: Literal["low", "moderate", "high"] | None = Field(
        None, description="key judgments only"
    )
    likelihood: Likelihood | None = Field(
        None, description="key judgments only: the estimative term found in the text"
    )
    cite: list[EditionCitation]


class EditionDating(_Data):
    date: str = Field(description="EDTF date")
    basis: str
    note: str | None = None


class EditionRelay(_Data):
    outlet: str
    origin: str | None = None
    note: str | None = None


class EditionGrade(_Data):
    reliability: Reliability
    credibility: Credibility
    rationale: str


class EditionSource(_Data):
    id: str
    title: str
    outlet: str
    url: str | None = None
    author: str | None = None
    published: EditionDating
    kind: str
    relays: list[EditionRelay]
    grade: EditionGrade
    file: str = Field(description="the article text, relative to the project root")
    page: str = Field(description="the source's page in the HTML book, relative to edition.json")
    sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 of the article text as UTF-8 (the file's bytes, less a byte-order mark if it had one)",
    )
    characters: int = Field(ge=0, description="length of the article text in Unicode code points")


class EditionPosition(_Data):
    issue: str
    party: str
    actor: str | None = None
    stance: str
    posture: Literal["supports", "opposes", "conditional", "mixed", "unclear"] | None = None


class EditionEvent(_Data):
    id: str
    date: str
    title: str


class EditionQuestion(_Data):
    id: str
    question: str


class EditionParty(_Data):
    id: str
    name: str


class EditionIssue(_Data):
    id: str
    title: str


class EditionBook(_Data):
    title: str
    subtitle: str | None = None
    slug: str
    as_of: str = Field(description="EDTF date the book is current to")
    marking: str
    authors: list[str]
    parties: list[EditionParty]
    issues: list[EditionIssue]


class Edition(_Data):
    """One edition of a briefing book, as data (``edition.json``)."""

    format: Literal["briefgen-edition/1"] = FORMAT
    book: EditionBook
    claims: list[EditionClaim]
    sources: list[EditionSource]
    positions: list[EditionPosition]
    events: list[EditionEvent]
    questions: list[EditionQuestion]

    def to_json(self) -> str:
        """Deterministic text: fields in model order, one claim (source, ...) per line."""
        return self.to_bytes().decode("utf-8")

    def to_bytes(self, joined: Callable[[str, list[Any]], list[bytes]] | None = None) -> bytes:
        """``to_json()`` as UTF-8, the bytes of ``edition.json``.

        Each item is serialised by pydantic's compiled serialiser (``model_dump_json``): a
        Python-level dump of 11,000 claims takes 0.5 s, this a tenth of it. ``joined(name, items)``
        gives pieces that make a list's lines joined by ",\\n" (``EditionCache.joined`` reuses
        those of unchanged items). Bytes joined once: the text is not ASCII, and each copy of
        it costs a good part of a warm rebuild's whole edition.
        """
        return b"".join(self.to_pieces(joined))

    def to_pieces(
        self, joined: Callable[[str, list[Any]], list[bytes]] | None = None
    ) -> list[bytes]:
        """The pieces ``to_bytes`` joins (those of unchanged items the very objects of the last build, with ``joined``)."""
        join = joined or _joined
        pieces = [
            b'{\n"format": ',
            _compact(self.format).encode(),
            b',\n"book": ',
            self.book.model_dump_json().encode(),
        ]
        for name in ("claims", "sources", "positions", "events", "questions"):
            items: list[BaseModel] = getattr(self, name)
            pieces.append(f',\n"{name}": ['.encode())
            if items:
                pieces += (b"\n", *join(name, items), b"\n")
            pieces.append(b"]")
        pieces.append(b"\n}\n")
        return pieces

    @classmethod
    def from_file(cls, path: Path) -> Edition:
        """An edition read back: a regular file of at most ``MAX_EDITION_BYTES`` (``core.safefiles``)."""
        return cls.model_validate_json(read_regular(path, MAX_EDITION_BYTES))


def _joined(name: str, items: list[BaseModel]) -> list[bytes]:
    return [b",\n".join(m.model_dump_json().encode() for m in items)]


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _compact(value: object) -> str:
    return _ENCODER.encode(value)


class JsonItems(list):
    """A list of objects already serialised, for ``json_lines``: pieces of UTF-8 compact JSON whose
    concatenation is the objects' lines joined by ",\\n" (see ``edition_cache.interleave``)."""


def json_lines(obj: dict[str, Any]) -> str:
    """JSON with each key on its line and each object of a list on its own line.

    Readable, friendly to line diffs (a changed claim is a changed line), and written by json's C
    encoder (an indented dump goes through the pure-Python one: 0.7 s for 11,000 claims, against 0.1 s).
    """
    return json_lines_bytes(obj).decode("utf-8")


def json_lines_bytes(obj: dict[str, Any]) -> bytes:
    """``json_lines`` as UTF-8; a ``JsonItems`` list is written as a list of objects whose lines are given."""
    return b"".join(json_lines_pieces(obj))


def json_lines_pieces(obj: dict[str, Any]) -> list[bytes]:
    """The pieces ``json_lines_bytes`` joins."""
    pieces: list[bytes] = []
    _json_lines(obj, pieces)
    pieces.append(b"\n")
    return pieces


def _json_lines(obj: dict[str, Any], pieces: list[bytes]) -> None:
    """Add the pieces of ``obj`` (up to its closing brace) to ``pieces``: joined once, at the end."""
    for n, (key, value) in enumerate(obj.items()):
        pieces += (b"{\n" if n == 0 else b",\n", _compact(key).encode(), b": ")
        if isinstance(value, JsonItems):
            pieces += (b"[\n", *value, b"\n]") if value else (b"[]",)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            pieces += (b"[\n", b",\n".join(_compact(v).encode() for v in value), b"\n]")
        elif isinstance(value, dict) and any(isinstance(v, list) for v in value.values()):
            _json_lines(value, pieces)
        else:
            pieces.append(_compact(value).encode())
    pieces.append(b"\n}" if obj else b"{\n\n}")


def edition_schema() -> dict[str, object]:
    schema = Edition.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "briefgen edition (edition.json)"
    return schema


# -- building an edition from the model ----------------------------------------------------------


@dataclass(frozen=True)
class ClaimSite:
    """Where a claim sits in the briefing, before ids are given."""

    section: Section
    kind: Kind
    scope: str
    where: str
    text: str
    cite: Sequence[Citation]
    yaml_id: str | None = None
    confidence: Literal["low", "moderate", "high"] | None = None


def _path(path: KeyPath) -> str:
    return format_key_path(path)


SiteGroup = tuple[str, Part, Callable[[Part], Iterator[ClaimSite]]]


class _Claimed(Protocol):
    """A claim, a statement or a register entry: a text with its citations and optional id."""

    @property
    def text(self) -> str: ...
    @property
    def cite(self) -> Sequence[Citation]: ...
    @property
    def id(self) -> str | None: ...


def _claim_site(
    part: Part, path: KeyPath, section: Section, kind: Kind, scope: str, claim: _Claimed
) -> ClaimSite:
    """The site of ``claim``, found at ``path`` of ``part``'s file."""
    where = f"{part.doc.display}: {_path(path)}"
    return ClaimSite(section, kind, scope, where, claim.text, claim.cite, claim.id)


def _book_sites(part: Part) -> Iterator[ClaimSite]:
    book, where = part.model, part.doc.display
    for i, c in enumerate(book.bluf):
        yield ClaimSite(
            "summary", "bluf", "bluf", f"{where}: {_path(('bluf', i))}", c.text, c.cite, c.id
        )
    for i, j in enumerate(book.key_judgments):
        yield ClaimSite(
            "summary",
            "key-judgment",
            "key-judgments",
            f"{where}: {_path(('key_judgments', i))}",
            j.text,
            j.cite,
            j.id,
            j.confidence,
        )


def _background_sites(part: Part) -> Iterator[ClaimSite]:
    for t, topic in enumerate(part.model.topics):
        for p, paragraph in enumerate(topic.paragraphs):
            for k, c in enumerate(paragraph):
                yield _claim_site(
                    part, ("topics", t, "paragraphs", p, k), "background", "background", topic.id, c
                )


def _actors_sites(part: Part) -> Iterator[ClaimSite]:
    names = {a.id: a.name for a in part.model.actors}
    for a, actor in enumerate(part.model.actors):
        for k, s in enumerate(actor.statements):
            yield _claim_site(
                part, ("actors", a, "statements", k), "actors", "statement", actor.id, s
            )
    for r, rel in enumerate(part.model.relations):
        text = f"{names.get(rel.source, rel.source)} → {rel.kind} → {names.get(rel.target, rel.target)}"  # as the actors page words it
        yield ClaimSite(
            "actors",
            "relation",
            f"{rel.source}/{rel.target}",
            f"{part.doc.display}: {_path(('relations', r))}",
            text,
            rel.cite,
        )


def _positions_sites(part: Part) -> Iterator[ClaimSite]:
    for p, pos in enumerate(part.model.positions):
        scope = f"{pos.issue}/{pos.party}" + (f"/{pos.actor}" if pos.actor else "")
        for k, c in enumerate(pos.claims):
            yield _claim_site(
                part, ("positions", p, "claims", k), "positions", "position", scope, c
            )


def _timeline_sites(part: Part) -> Iterator[ClaimSite]:
    for e, event in enumerate(part.model.events):
        for k, c in enumerate(event.claims):
            yield _claim_site(part, ("events", e, "claims", k), "timeline", "event", event.id, c)


def _questions_sites(part: Part) -> Iterator[ClaimSite]:
    for q, question in enumerate(part.model.questions):
        for k, c in enumerate(question.basis):
            yield _claim_site(
                part, ("questions", q, "basis", k), "questions", "question-basis", question.id, c
            )


def _method_sites(part: Part) -> Iterator[ClaimSite]:
    for k, c in enumerate(part.model.notes):
        yield _claim_site(part, ("notes", k), "sources", "method-note", "method-notes", c)
    for k, d in enumerate(part.model.discrepancies):
        yield _claim_site(part, ("discrepancies", k), "sources", "discrepancy", "discrepancies", d)


def _source_sites(sid: str) -> Callable[[Part], Iterator[ClaimSite]]:
    def sites(part: Part) -> Iterator[ClaimSite]:
        for k, c in enumerate(part.model.summary):
            yield _claim_site(part, ("summary", k), "sources", "key-point", sid, c)

    return sites


_SECTION_SITES = {
    "background": _background_sites,
    "actors": _actors_sites,
    "positions": _positions_sites,
    "timeline": _timeline_sites,
    "questions": _questions_sites,
    "method": _method_sites,
}


def site_groups(b: Briefing) -> Iterator[SiteGroup]:
    """The claims of the briefing by the file they sit in, in book order: (name, part, its sites).

    A group's sites depend on its part alone (and its name), so a warm build reuses those of unchanged files.
    """
    yield "book", b.book, _book_sites
    for name, sites in _SECTION_SITES.items():
        if (part := b.sections.get(name)) is not None:
            yield f"section:{name}", part, sites
    for sid, part in b.sources.items():
        yield f"source:{sid}", part, _source_sites(sid)


def claim_sites(b: Briefing) -> Iterator[ClaimSite]:
    """Every claim of the briefing in book order, with its section and scope."""
    for _, part, sites in site_groups(b):
        yield from sites(part)


def derived_id(site: ClaimSite) -> str:
    """``<section>/<scope>/<10 hex digits of the SHA-256 of the whitespace-normalised text>``."""
    digest = hashlib.sha256(" ".join(site.text.split()).encode("utf-8")).hexdigest()[:10]
    return f"{site.section}/{site.scope}/{digest}"


def likelihood_of(text: str) -> Likelihood | None:
    """The first estimative term of a judgment's text (ICD 203, read as ``briefgen check`` reads it)."""
    terms = likelihood_terms(text)
    if not terms:
        return None
    term, level = terms[0]
    return Likelihood(term=term, range=LIKELIHOOD[level][1])


def _paragraph_spans(st: SourceText) -> list[tuple[int, int]]:
    return [(p.start, p.end) for p in st.paragraphs]


class _Citer:
    """Citations as edition data, each passage worked out once per build (a quote may be cited many times)."""

    def __init__(self, b: Briefing, anchors: AnchorIndex) -> None:
        self.b, self.anchors = b, anchors
        self.cache: dict[tuple[str, str, str | None], EditionCitation] = {}
        self.articles: dict[str, Article] = {}  # folded once per source, for text fragments
        # all a citation reads besides its own fields
        self.reads = {sid: (anchors.texts[sid], part.model.url) for sid, part in b.sources.items()}

    def __call__(self, cite: Citation) -> EditionCitation:
        key = (cite.source, cite.quote, cite.note)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = self._make(cite, *self.reads[cite.source])
        return found

    def _make(self, cite: Citation, st: SourceText, url: str | None) -> EditionCitation:
        a = self.anchors.get(cite.source, cite.quote)
        original = None
        if url:
            if cite.source not in self.articles:
                self.articles[cite.source] = Article(st.text, _paragraph_spans(st))
            directive = self.articles[cite.source].choose(a.start, a.end)
            original = link(url, directive) if directive is not None else None
        return EditionCitation(
            source=cite.source,
            quote=cite.quote,
            exact=st.text[a.start : a.end],
            prefix=st.text[max(0, a.start - CONTEXT_WIDTH) : a.start],
            suffix=st.text[a.end : a.end + CONTEXT_WIDTH],
            paragraph=a.paragraph,
            start=a.start,
            end=a.end,
            page=f"sources/{cite.source}.html#{a.anchor_id}",
            original=original,
            note=cite.note,
        )


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _dating(d: Dating) -> EditionDating:
    return EditionDating(date=d.date, basis=d.basis, note=d.note)


@dataclass(frozen=True)
class _FileSites:
    """One file's claim sites, each with its id before duplicates are told apart, and the sources they cite."""

    sites: list[ClaimSite]
    ids: list[str]
    cited: list[str]  # source ids, each once

    @classmethod
    def of(cls, part: Part, sites: Callable[[Part], Iterator[ClaimSite]]) -> _FileSites:
        found = list(sites(part))
        return cls(
            found,
            [site.yaml_id or derived_id(site) for site in found],
            list(dict.fromkeys(c.source for site in found for c in site.cite)),
        )

    def final_ids(self, taken: set[str]) -> tuple[str, ...]:
        """The claims' ids, telling apart the same sentence twice in one scope (``taken``: ids given so far)."""
        out = []
        for base in self.ids:
            cid, n = base, 2
            while cid in taken:
                cid = f"{base}-{n}"
                n += 1
            taken.add(cid)
            out.append(cid)
        return tuple(out)


def _file_claims(
    memo: Scope[EditionClaim], file: _FileSites, ids: tuple[str, ...], cite: _Citer
) -> tuple[EditionClaim, ...]:
    """The claims of one file: each made again only if its site, id, quotes or cited sources changed."""
    claims = []
    reads = cite.reads
    for site, cid in zip(file.sites, ids, strict=True):
        key = (
            cid,
            site.section,
            site.kind,
            site.scope,
            site.where,
            site.text,
            site.yaml_id,
            site.confidence,
            *[x for c in site.cite for x in (c.source, c.quote, c.note)],
        )
        inputs = tuple([x for c in site.cite for x in reads[c.source]])
        claims.append(memo.get(key, inputs, _claim, cid, site, cite))
    return tuple(claims)


def _claim(cid: str, site: ClaimSite, cite: _Citer) -> EditionClaim:
    return EditionClaim(
        id=cid,
        id_from="yaml" if site.yaml_id else "derived",
        section=site.section,
        kind=site.kind,
        scope=site.scope,
        where=site.where,
        text=site.text,
        confidence=site.confidence,
        likelihood=likelihood_of(site.text) if site.kind == "key-judgment" else None,
        cite=[cite(c) for c in site.cite],
    )


def _source(sid: str, s: Source, text: str) -> EditionSource:
    return EditionSource(
        id=sid,
        title=s.title,
        outlet=s.outlet,
        url=s.url,
        author=s.author,
        published=_dating(s.published),
        kind=s.kind,
        relays=[EditionRelay(outlet=r.outlet, origin=r.origin, note=r.note) for r in s.relays],
        grade=EditionGrade(
            reliability=s.grade.reliability,
            credibility=s.grade.credibility,
            rationale=s.grade.rationale,
        ),
        file=s.file,
        page=f"sources/{sid}.html",
        sha256=text_sha256(text),
        characters=len(text),
    )


def _sources(memo: Scope[EditionSource], b: Briefing) -> tuple[EditionSource, ...]:
    return tuple(
        memo.get(sid, (part, b.texts[sid]), _source, sid, part.model, b.texts[sid])
        for sid, part in b.sources.items()
    )


def _positions(part: Part) -> tuple[EditionPosition, ...]:
    return tuple(
        EditionPosition(
            issue=p.issue, party=p.party, actor=p.actor, stance=p.stance, posture=p.posture
        )
        for p in part.model.positions
    )


def _events(part: Part) -> tuple[EditionEvent, ...]:
    return tuple(EditionEvent(id=e.id, date=e.date.date, title=e.title) for e in part.model.events)


def _questions(part: Part) -> tuple[EditionQuestion, ...]:
    return tuple(EditionQuestion(id=q.id, question=q.question) for q in part.model.questions)


_LISTS = {"positions": _positions, "events": _events, "questions": _questions}
_LIST_SECTION = {"positions": "positions", "events": "timeline", "questions": "questions"}


@paused_gc()
def build_edition(b: Briefing, anchors: AnchorIndex, cache: EditionCache | None = None) -> Edition:
    """The edition of a prepared (loaded, checked, anchored) briefing.

    ``cache``: kept by a process that builds the same project again; an edit then remakes only
    the claims, citations and sources it can change (the result is the same).
    """
    book = b.book.model
    memo = cache or EditionCache()
    memo.turn()
    cite = _Citer(b, anchors)
    claims: Segments = []  # one segment per file
    taken: set[str] = set()
    for name, part, sites in site_groups(b):
        file: _FileSites = memo.sites.get(name, (part,), _FileSites.of, part, sites)
        ids = file.final_ids(taken)
        cited = [x for sid in file.cited for x in cite.reads[sid]]
        claims.append(
            (
                name,
                memo.files.nested(
                    name, (file, ids, *cited), "claims", _file_claims, file, ids, cite
                ),
            )
        )
    inputs = [x for sid, part in b.sources.items() for x in (sid, part, b.texts[sid])]
    lists: dict[str, Segments] = {
        "claims": claims,
        "sources": [
            ("sources", memo.lists.nested("sources", tuple(inputs), "sources", _sources, b))
        ],
    }
    for name, make in _LISTS.items():
        section = b.sections.get(_LIST_SECTION[name])
        lists[name] = [
            (name, memo.lists.get(name, (section,), make, section) if section is not None else ())
        ]
    edition = Edition(
        book=EditionBook(
            title=book.title,
            subtitle=book.subtitle,
            slug=book_slug(b),
            as_of=book.as_of,
            marking=book.marking,
            authors=list(book.authors),
            parties=[EditionParty(id=p.id, name=p.name) for p in book.parties],
            issues=[EditionIssue(id=i.id, title=i.title) for i in book.issues],
        ),
        **{
            name: [item for _, segment in segments for item in segment]
            for name, segments in lists.items()
        },
    )
    memo.record(lists)
    return edition


# -- W3C Web Annotations -------------------------------------------------------------------------

# briefgen's: annotation ids are uuid5 in it
_NAMESPACE = uuid.UUID("6f1c7f0e-5b7e-4f3e-9d8a-2a0b6c1e4d10")


def _claim_annotations(
    slug: str, claim: EditionClaim, urls: dict[str, str | None]
) -> list[dict[str, object]]:
    """A claim's citations as Web Annotations (see ``annotations``)."""
    return [
        {
            "id": f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{slug}/{claim.id}/{n}')}",
            "type": "Annotation",
            "motivation": "commenting",
            "body": {
                "type": "TextualBody",
                "value": claim.text,
                "format": "text/plain",
                "purpose": "commenting",
            },
            "target": {
                "source": urls[c.source] or c.page.split("#", 1)[0],
                "selector": [
                    {
                        "type": "TextQuoteSelector",
                        "exact": c.exact,
                        "prefix": c.prefix,
                        "suffix": c.suffix,
                    },
                    {"type": "TextPositionSelector", "start": c.start, "end": c.end},
                ],
            },
        }
        for n, c in enumerate(claim.cite, 1)
    ]


def _annotation_collection(edition: Edition, items: list[Any], total: int) -> dict[str, object]:
    return {
        "@context": ANNO_CONTEXT,
        "id": f"urn:uuid:{uuid.uuid5(_NAMESPACE, edition.book.slug)}",
        "type": "AnnotationCollection",
        "label": f"Citations of {edition.book.title} (as of {edition.book.as_of})",
        "total": total,
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


@paused_gc()
def web_annotations(edition: Edition) -> dict[str, object]:
    """Every citation as a W3C Web Annotation, in one AnnotationCollection page.

    The body is the claim; the target is the source's original ``url`` when it has one (else the
    book's page of the source), selected by the quoted text with its context and by its position
    in the article text. Relative IRIs (the book's own pages) resolve against the file's location.
    """
    urls = {s.id: s.url for s in edition.sources}
    items = [
        item
        for claim in edition.claims
        for item in _claim_annotations(edition.book.slug, claim, urls)
    ]
    return _annotation_collection(edition, items, len(items))


def _annotation_lines(slug: str, claim: EditionClaim, urls: dict[str, str | None]) -> list[bytes]:
    return [_compact(item).encode() for item in _claim_annotations(slug, claim, urls)]


def _annotation_chunk(
    memo: Scope[list[bytes]] | None,
    claims: Iterable[EditionClaim],
    slug: str,
    urls: dict[str, str | None],
    key: tuple[Any, ...],
) -> list[bytes]:
    """The claims' annotation lines, ``spaced``: each claim's looked up in ``memo`` by the claim and
    ``key`` (all an annotation reads besides its claim: slug and urls)."""
    if memo is None:
        return spaced([line for claim in claims for line in _annotation_lines(slug, claim, urls)])
    return spaced(
        [
            line
            for claim in claims
            for line in memo.get(id(claim), (claim, *key), _annotation_lines, slug, claim, urls)
        ]
    )


def annotations_json(edition: Edition) -> str:
    return annotations_bytes(edition).decode("utf-8")


@paused_gc()
def annotations_bytes(edition: Edition, cache: EditionCache | None = None) -> bytes:
    """``json_lines(web_annotations(edition))`` as UTF-8, reusing the lines of the claims (and files) the cache has seen."""
    return b"".join(annotations_pieces(edition, cache))


def annotations_pieces(edition: Edition, cache: EditionCache | None = None) -> list[bytes]:
    """The pieces ``annotations_bytes`` joins."""
    memo = cache or EditionCache()
    slug = edition.book.slug
    urls = {s.id: s.url for s in edition.sources}
    key = (slug, memo.same_urls(tuple(urls.items())))  # what an annotation reads besides its claim
    segments = memo.segments("claims", edition.claims)
    if segments is None:
        chunks = [_annotation_chunk(None, edition.claims, slug, urls, key)]
    else:
        chunks = [
            memo.annotation_chunks.nested(
                name, (s, *key), "annotations", _annotation_chunk, s, slug, urls, key
            )
            for name, s in segments
        ]
    items = JsonItems(interleave(chunks))
    return json_lines_pieces(
        _annotation_collection(edition, items, sum((len(pieces) + 1) // 2 for pieces in chunks))
    )


# -- writing -------------------------------------------------------------------------------------


@paused_gc()
def write_edition_files(
    edition: Edition, outdir: Path, cache: EditionCache | None = None
) -> dict[str, Path]:
    """Write ``edition.json`` and ``annotations.jsonld`` into ``outdir`` (only when their bytes
    change: an unchanged file keeps its time, so publishing links it); return them by the name
    they take in the HTML output.

    A separate step from composing and rendering, so a build that skips Sphinx can still refresh
    (or keep) them. ``cache`` (the one ``build_edition`` was given) holds the lines of unchanged items.
    """
    memo = cache or EditionCache()
    files = {
        EDITION_FILE: edition.to_pieces(memo.joined),
        ANNOTATIONS_FILE: annotations_pieces(edition, memo),
    }
    for name, pieces in files.items():
        path = str(outdir / name)
        if cache is not None and cache.holds(
            path, pieces
        ):  # the pieces the file was found to hold: nothing to join or read
            continue
        before = now_ns()
        _write_if_changed(outdir / name, b"".join(pieces))
        if cache is not None:
            cache.found(path, pieces, before)
    return {name: outdir / name for name in files}


def _write_if_changed(path: Path, data: bytes) -> None:
    if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
