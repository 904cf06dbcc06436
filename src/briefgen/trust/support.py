"""Does a claim say only what its quotes say? Heuristic checks of support, for ``briefgen check``.

A verified quote proves the words exist, not that the claim beside it is faithful. These checks
look for the kinds of drift an editor catches when reading a claim next to its quotes:

- ``unsupported-detail``: numbers, dates, quoted phrases and proper names in a claim that occur in
  none of its cited quotes nor in the paragraphs those quotes sit in (a reader following the
  citation sees the whole paragraph highlighted, so it is fair support).
- ``attribution``: a claim that names an outlet must cite that outlet or a source relaying it; a
  claim that makes a person the speaker ("according to X", "X said") must cite one of that
  person's recorded statements or a passage that names them.

They read words, not meaning: a paraphrase that changes a fact without changing a number or a
name passes, and a detail the analyst derived (a sum, a date from the publication line) is
reported so a person decides. Limits are documented in README ("What check reports").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from briefgen.core.load import Briefing
from briefgen.core.model import Actor, Citation, Source
from briefgen.core.textnorm import fold
from briefgen.trust.anchor import AnchorIndex

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "thousand": 1000,
    "dozen": 12,
    "million": 1_000_000,
    "billion": 1_000_000_000,
}
#: Capitalised words that start sentences or name roles, not people or places.
COMMON_CAPITALISED = frozenset(
    [
        "a",
        "about",
        "according",
        "across",
        "after",
        "against",
        "all",
        "also",
        "although",
        "among",
        "an",
        "and",
        "another",
        "any",
        "as",
        "at",
        "before",
        "both",
        "but",
        "by",
        "citing",
        "despite",
        "during",
        "each",
        "earlier",
        "either",
        "even",
        "few",
        "for",
        "from",
        "her",
        "his",
        "how",
        "however",
        "if",
        "in",
        "instead",
        "its",
        "it",
        "later",
        "like",
        "many",
        "more",
        "most",
        "neither",
        "no",
        "nor",
        "not",
        "of",
        "on",
        "one",
        "only",
        "or",
        "other",
        "others",
        "our",
        "over",
        "relaying",
        "several",
        "she",
        "he",
        "since",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "though",
        "three",
        "through",
        "to",
        "two",
        "under",
        "unlike",
        "until",
        "what",
        "when",
        "where",
        "whether",
        "which",
        "while",
        "who",
        "why",
        "with",
        "within",
        "without",
        "yet",
        "we",
        "you",
        "i",
        "president",
        "secretary",
        "senator",
        "representative",
        "minister",
        "general",
        "gen",
        "admiral",
        "adm",
        "mr",
        "mrs",
        "ms",
        "dr",
        "sen",
        "rep",
        "vice",
        "acting",
        "former",
        "deputy",
        "chief",
        "director",
        "commander",
        "spokesperson",
        "spokesman",
        "spokeswoman",
    ]
)
SPEECH_VERBS = frozenset(
    [
        "said",
        "says",
        "told",
        "tells",
        "tell",
        "stated",
        "states",
        "wrote",
        "writes",
        "reported",
        "reports",
        "announced",
        "announces",
        "warned",
        "warns",
        "claimed",
        "claims",
        "argued",
        "argues",
        "called",
        "calls",
        "described",
        "describes",
        "denied",
        "denies",
        "rejected",
        "rejects",
        "insisted",
        "insists",
        "added",
        "adds",
        "noted",
        "notes",
        "posted",
        "posts",
        "declared",
        "declares",
        "confirmed",
        "confirms",
        "acknowledged",
        "acknowledges",
        "suggested",
        "suggests",
        "urged",
        "urges",
        "vowed",
        "vows",
        "threatened",
        "threatens",
    ]
)

_QUOTED = re.compile(r"“([^”]+)”|\"([^\"]+)\"|‘([^’]+)’(?!\w)|(?<![\w’'])'([^']+)'(?!\w)")
_NUMBER = re.compile(
    r"(?<![\w.])\d(?:[\d,]*\d)?(?:\.\d+)?(?![\w])|\b("
    + "|".join(NUMBER_WORDS)
    + r")\b(?!\s*(?:of\b|[.,;:)]|$))",
    re.IGNORECASE,
)
#: Every run of digits in a supporting text ("RC-135V/W" backs "RC-135"), and number words.
_ANY_NUMBER = re.compile(
    r"\d(?:[\d,]*\d)?(?:\.\d+)?|\b(" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE
)
MONTH_ABBREVIATIONS = {m[:3]: m for m in MONTHS} | {"sept": "september"}
_WORD = re.compile(r"[\w][\w.’'-]*")
_NAME = re.compile(
    r"(?:[A-Z][\w’'.-]*|[A-Z]{2,})(?:(?:\s+(?:of|de|del|la|el|the|and|y|for|al|bin|van|von|da|do|dos|du|le)){0,2}\s+(?:[A-Z][\w’'.-]*|\d+))*"
)


@dataclass(frozen=True)
class Finding:
    """One word or phrase of a claim its citations do not back, and why."""

    code: str
    words: str
    message: str
    hint: str


def _carried_outlets(source: Source) -> list[str]:
    """The outlets whose reports a source carries: those it relays and the one it republishes."""
    carried = [r.outlet for r in source.relays]
    if source.republishes is not None:
        carried.append(source.republishes.outlet)
    return carried


def _plain(word: str) -> str:
    """A word as compared: folded, lower case, without possessive and dots ("U.S." -> "us")."""
    word = fold(word).lower().replace(".", "")
    return re.sub(r"['’]s$", "", word).strip("'-")


def _numbers(text: str) -> set[float]:
    found: set[float] = set()
    for m in _ANY_NUMBER.finditer(text):
        token = m.group(0).lower()
        found.add(
            float(NUMBER_WORDS[token]) if token in NUMBER_WORDS else float(token.replace(",", ""))
        )
    return found


class Support:
    """What a claim's citations show a reader: the quotes and the paragraphs they sit in."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.text = " \n ".join(fold(t) for t in texts)
        self.lower = self.text.lower()
        self.words = {_plain(w) for w in _WORD.findall(self.text)}
        self.words |= {MONTH_ABBREVIATIONS[w] for w in self.words if w in MONTH_ABBREVIATIONS}
        self.words |= set(_initials(self.text))  # "Joint Special Operations Command" backs "JSOC"
        self.numbers = _numbers(self.text)

    def has_phrase(self, phrase: str) -> bool:
        """Every piece of the phrase around an editor's [bracketed] insertion, in order."""
        at = 0
        for piece in re.split(r"\[[^\]]*\]", fold(phrase).lower()):
            piece = piece.strip(" .,;:")
            if piece:
                at = self.lower.find(piece, at)
                if at < 0:
                    return False
                at += len(piece)
        return True

    def has_word(self, word: str) -> bool:
        return stem_in(word, self.words)


def citation_texts(
    anchors: AnchorIndex, cites: Iterable[Citation], titles: dict[str, str] | None = None
) -> Iterator[str]:
    """Each cited quote, the paragraph that holds it, and the cited article's headline."""
    yield from {(titles or {}).get(c.source, "") for c in cites}
    for cite in cites:
        yield cite.quote
        st = anchors.texts.get(cite.source)
        span = st.locate(cite.quote) if st is not None else None
        if st is not None and span is not None:
            yield st.paragraph_at(span[0]).text


def _initials(text: str) -> Iterator[str]:
    """Acronyms a run of capitalised words can be known by ("Department of Homeland Security": "dhs")."""
    for m in _NAME.finditer(text):
        caps = [w for w in m.group(0).split() if w[:1].isupper()]
        if len(caps) >= 2:
            yield "".join(w[0] for w in caps).lower()


def stem_in(word: str, words: set[str]) -> bool:
    """Whole word, or a word sharing its stem ("Canadian" is backed by "Canada")."""
    w = _plain(word)
    if not w or w in words:
        return True
    stem = w[: max(4, len(w) - 3)]
    return len(w) >= 5 and any(x.startswith(stem) for x in words)


def _outside_quotes(text: str) -> str:
    """The text with quoted phrases blanked out (by a filler no name or number can run across)."""
    return _QUOTED.sub(lambda m: "#" * len(m.group(0)), text)


def _sentence_initial(text: str, at: int) -> bool:
    before = text[:at].rstrip(" “\"‘'(")
    return not before or before[-1] in ".!?:;"


@dataclass
class _Findings:
    """Unsupported details of one claim, each reported once whatever its case."""

    findings: list[Finding] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def add(self, words: str, what: str) -> None:
        if words.lower() not in self.seen:
            self.seen.add(words.lower())
            self.findings.append(
                Finding(
                    "unsupported-detail",
                    words,
                    f"{what} {words!r} is in none of the cited quotes or their paragraphs",
                    "cite the passage that says it, or take it out of the claim",
                )
            )


def _unsupported_numbers(rest: str, support: Support, dated: set[str]) -> Iterator[str]:
    """Numbers (digits or words) outside quotation marks that no passage carries: the cited
    article's own date and counts of the book's own sources aside."""
    for m in _NUMBER.finditer(rest):
        token = m.group(0)
        value = (
            float(NUMBER_WORDS[token.lower()])
            if token.lower() in NUMBER_WORDS
            else float(token.replace(",", ""))
        )
        counts_sources = re.match(r"\s+(?:articles|sources|relays|outlets)\b", rest[m.end() :])
        if value not in support.numbers and token.lower() not in dated and not counts_sources:
            yield token


def _unbacked_name_word(w: str, exempt: set[str], dated: set[str], support: Support) -> bool:
    """A capitalised word of a name that nothing exempts and no passage carries."""
    plain = _plain(w)
    return (
        not w[:1].isdigit()
        and len(plain) > 1
        and plain not in COMMON_CAPITALISED
        and not stem_in(w, exempt)
        and not (plain in MONTHS and plain in dated)
        and not support.has_word(w)
    )


class SupportChecker:
    """The support checks for one briefing (names of its outlets, authors and actors known once)."""

    def __init__(self, b: Briefing, anchors: AnchorIndex) -> None:
        self.b, self.anchors = b, anchors
        self.sources: dict[str, Source] = {sid: part.model for sid, part in b.sources.items()}
        self.outlets: dict[str, str] = {}  # folded lower outlet name -> display
        for s in self.sources.values():
            for name in (s.outlet, *_carried_outlets(s)):
                self.outlets[fold(name).lower()] = name
        self.actors: list[Actor] = list(b.actors.actors) if b.actors else []
        self.party_words = {_plain(w) for p in b.book.model.parties for w in _WORD.findall(p.name)}
        self.party_words |= {
            "".join(w[0] for w in p.name.split()).lower()
            for p in b.book.model.parties
            if len(p.name.split()) > 1
        }
        self.names = _capitalised_mid_sentence(b.texts.values())
        # a supplied title backs nothing
        self.titles = {sid: s.title for sid, s in self.sources.items() if s.title_basis == "stated"}
        self.statement_quotes: dict[str, set[tuple[str, str]]] = {
            a.id: {(c.source, fold(c.quote)) for st in a.statements for c in st.cite}
            for a in self.actors
        }

    # -- names of people -------------------------------------------------------------------
    def _person_names(self) -> Iterator[tuple[Actor | None, str, Source | None]]:
        """(actor, name form, authored source) for every person the claim could make a speaker."""
        for a in self.actors:
            if a.kind != "person":
                continue
            full = re.sub(r"\s*\(.*\)$", "", a.name).strip()
            yield a, full, None
            last = full.split()[-1]
            if len(full.split()) > 1 and last[:1].isupper() and len(last) >= 4:
                yield a, last, None
        for s in self.sources.values():
            if s.author:
                yield None, s.author, s
                last = s.author.split()[-1]
                if len(s.author.split()) > 1 and len(last) >= 4:
                    yield None, last, s

    # -- the checks ------------------------------------------------------------------------
    def unsupported(self, text: str, cites: list[Citation]) -> list[Finding]:
        """Details of ``text`` that neither the quotes nor their paragraphs carry."""
        support = Support(citation_texts(self.anchors, cites, self.titles))
        cited = [self.sources[c.source] for c in cites if c.source in self.sources]
        dated = {part for s in cited for part in _date_parts(s.published.date)}
        found = _Findings()
        for m in _QUOTED.finditer(text):
            phrase = next(g for g in m.groups() if g)
            if not support.has_phrase(phrase):
                found.add(phrase, "quoted phrase")
        rest = _outside_quotes(text)
        for token in _unsupported_numbers(rest, support, dated):
            found.add(token, "number")
        exempt = self._exempt_words(cited, cites)
        for m in _NAME.finditer(rest):
            words = [w for w in m.group(0).split() if w[:1].isupper() or w[:1].isdigit()]
            if _sentence_initial(rest, m.start()) and (
                _plain(words[0]) in COMMON_CAPITALISED or _plain(words[0]) not in self.names
            ):
                # "Was", "Hosted": a sentence's first word, not a name the sources use
                words = words[1:]
            missing = [w for w in words if _unbacked_name_word(w, exempt, dated, support)]
            if missing:
                what = "date" if all(_plain(w) in MONTHS for w in missing) else "name"
                found.add(
                    " ".join(missing) if what == "date" else " ".join(words).strip(" ,;:"), what
                )
        return found.findings

    def _exempt_words(self, cited: list[Source], cites: list[Citation]) -> set[str]:
        """Words a claim may name without a passage carrying them: the parties, the cited sources'
        outlets, relays and authors, any outlet (the attribution check's business), and speakers
        whose recorded statements are cited."""
        exempt = set(self.party_words)
        for s in cited:
            for name in (s.outlet, *_carried_outlets(s), s.author or ""):
                exempt.update(_plain(w) for w in _WORD.findall(name))
        for name in self.outlets:
            exempt.update(_plain(w) for w in _WORD.findall(name))
        cited_keys = {(c.source, fold(c.quote)) for c in cites}
        for a in self.actors:  # a speaker whose recorded statement is cited is backed
            if cited_keys & self.statement_quotes[a.id]:
                exempt.update(_plain(w) for w in _WORD.findall(re.sub(r"\(.*?\)", "", a.name)))
        return exempt

    def _backing_outlets(self, cite: Citation) -> list[str]:
        """The outlets a citation can be credited to: its source's, the report it republishes, and
        each relayed report, but a relay that lists its passages only where the cited one is among them."""
        source = self.sources[cite.source]
        names = [source.outlet] + ([source.republishes.outlet] if source.republishes else [])
        st = self.anchors.texts.get(cite.source)
        anchor = st.anchors.get(fold(cite.quote)) if st is not None else None
        for relay in source.relays:
            if not relay.passages or (
                anchor is not None and st is not None and st.relayed.get(anchor.paragraph) == relay
            ):
                names.append(relay.outlet)
        return names

    def attribution(self, text: str, cites: list[Citation]) -> list[Finding]:
        """Outlets and speakers the claim names that its citations do not back."""
        found: list[Finding] = []
        cited = [self.sources[c.source] for c in cites if c.source in self.sources]
        backed_outlets = {
            fold(n).lower()
            for c in cites
            if c.source in self.sources
            for n in self._backing_outlets(c)
        }
        rest = _outside_quotes(text)
        lower = fold(rest).lower()
        for key, display in sorted(self.outlets.items(), key=lambda kv: -len(kv[0])):
            if (
                re.search(r"(?<![\w.])" + re.escape(key) + r"(?![\w])", lower)
                and key not in backed_outlets
            ):
                if any(key in b and key != b for b in backed_outlets):  # "NBC" inside "NBC News"
                    continue
                found.append(
                    Finding(
                        "attribution",
                        display,
                        f"names {display!r} but cites no source from {display!r} or relaying it",
                        f"cite a source of {display!r}, or name the outlet the cited source is",
                    )
                )
        support = Support(citation_texts(self.anchors, cites))
        cited_keys = {(c.source, fold(c.quote)) for c in cites}
        reported: set[str] = set()
        forms: dict[str, list[str]] = {}
        for actor, name, _ in self._person_names():
            if actor is not None:
                forms.setdefault(actor.id, []).append(name)
        for actor, name, authored in self._person_names():
            label = actor.name if actor else name
            if label in reported or not _speaker(rest, name):
                continue
            if actor is not None and (
                cited_keys & self.statement_quotes[actor.id]
                or any(support.has_phrase(f) for f in forms[actor.id])
            ):
                continue
            if authored is not None and any(s is authored for s in cited):
                continue
            reported.add(label)
            hint = (
                "cite one of their statements in actors.yaml or a passage that names them"
                if actor
                else f"cite {authored.id!r}, the source {name!r} wrote"
                if authored
                else ""
            )
            found.append(
                Finding(
                    "attribution",
                    name,
                    f"makes {name!r} the speaker, but no citation records {name!r} saying it",
                    hint,
                )
            )
        return found


def _capitalised_mid_sentence(texts: Iterable[str]) -> set[str]:
    """Words the articles capitalise inside sentences: names, as far as a word list can tell."""
    found: set[str] = set()
    for text in texts:
        for m in re.finditer(r"(?<=[\w,’'\"”)] )([A-Z][\w’'.-]*)", text):
            found.add(_plain(m.group(1)))
    return found


def _speaker(text: str, name: str) -> bool:
    """Is ``name`` the speaker in ``text``: "according to NAME", or NAME followed by a speech verb."""
    for m in re.finditer(r"(?<![\w])" + re.escape(name) + r"(?:['’]s)?(?![\w])", text):
        before = text[max(0, m.start() - 40) : m.start()].lower()
        if re.search(r"according to(?:\s+\w+){0,3}\s*$", before):
            return True
        after = re.split(r"[.;:!?]", text[m.end() : m.end() + 60])[0].lower().split()
        if any(w.strip(",") in SPEECH_VERBS for w in after[:4]):
            return True
    return False


def _date_parts(edtf: str) -> set[str]:
    """Words a claim may use for a source's publication date ("3", "november", "2025")."""
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", edtf)
    if not m:
        return set()
    year, month, day = m.groups()
    parts = {year}
    if month and 1 <= int(month) <= 12:
        parts.add(MONTHS[int(month) - 1])
    if day:
        parts.add(str(int(day)))
    return parts
