"""The typed briefing model: what each YAML file may contain, and nothing else.

Every model forbids unknown keys (a misspelt key must not vanish silently) and is frozen (later
stages read it, never change it). Cross-references between files are checked in
``briefgen.core.validate``, not here, because a model only sees its own file.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from briefgen.core.dates import EDTF_HINT, DateError, FuzzyDate, parse_date

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


def _check_edtf(value: str) -> str:
    try:
        parse_date(value)
    except DateError as exc:
        raise ValueError(f"{exc}; {EDTF_HINT}") from None
    return value


def _check_url(value: str) -> str:
    if not re.match(r"^https?://[^\s<>\"']+$", value):
        raise ValueError("must be an http(s) URL without spaces or quotes")
    return value


def _year_as_text(value: object) -> object:
    """YAML reads a bare year (2025) as a number; it is a date of year precision."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


EdtfDate = Annotated[
    str,
    BeforeValidator(_year_as_text),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=60),
    AfterValidator(_check_edtf),
]
Url = Annotated[str, AfterValidator(_check_url)]
SectionId = Literal["background", "actors", "positions", "timeline", "questions", "sources"]
ALL_SECTIONS: tuple[SectionId, ...] = (
    "background",
    "actors",
    "positions",
    "timeline",
    "questions",
    "sources",
)


class Strict(BaseModel):
    """Base: unknown keys are errors, values are immutable, and text is stripped."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Citation(Strict):
    """A pointer to an exact passage: the quote must occur in the source's text."""

    source: Slug = Field(description="id of a source in briefing/sources/")
    quote: Text = Field(
        description="exact text from the source (typographic quotes, dashes and spacing may differ)"
    )
    note: Text | None = Field(None, description="optional remark shown with the citation")


Citations = Annotated[list[Citation], Field(min_length=1)]


ClaimId = Annotated[
    Slug,
    Field(
        description="optional stable id of this claim across editions (unique in the book); see 'edition.json' in the README"
    ),
]


class Claim(Strict):
    """One sentence the book asserts, and the passages that support it."""

    id: ClaimId | None = None
    text: Text
    cite: Citations


class Dating(Strict):
    """A date, its precision (from EDTF), and how it was established."""

    date: EdtfDate = Field(
        description="EDTF date: 2025-02-17, 2025-02, 2025-03~, 2025-21 (spring), 2025-02-17/2025-03-30"
    )
    basis: Literal["stated", "derived", "metadata"] = Field(
        "stated",
        description="stated in the text; derived from the article's own date ('last week'); or taken from page metadata",
    )
    note: Text | None = Field(None, description="how the date was established")

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, data: object) -> object:
        return (
            {"date": data} if isinstance(data, (str, int)) and not isinstance(data, bool) else data
        )

    @property
    def parsed(self) -> FuzzyDate:
        return parse_date(self.date)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        # YAML may give a dating as a plain EDTF string too (see _from_plain_string).
        return {
            "anyOf": [
                {"type": "string", "description": "EDTF date, e.g. 2025-02-17 or 2025-03~"},
                handler(core_schema),
            ]
        }


class Party(Strict):
    id: Slug
    name: Label


class Issue(Strict):
    """A contested question on which the parties' positions are compared."""

    id: Slug
    title: Label
    question: Text | None = None
    proposition: Label | None = Field(
        None,
        description="a statement positions support or oppose (their 'posture'), e.g. 'Forces may act without the host's consent'",
    )


class Judgment(Strict):
    """A key judgment: estimative language in the text, confidence stated separately."""

    id: ClaimId | None = None
    text: Text
    confidence: Literal["low", "moderate", "high"]
    cite: Citations


class Book(Strict):
    """briefing/book.yaml: the book's identity, parties, issues and bottom line."""

    title: Label
    subtitle: Label | None = None
    slug: Slug | None = Field(
        None, description="file name of the PDF; defaults to a slug of the title"
    )
    as_of: EdtfDate
    marking: Label = Field(description="handling marking shown on every page")
    authors: list[Label] = Field(default_factory=list)
    parties: Annotated[list[Party], Field(min_length=1)]
    issues: list[Issue] = Field(default_factory=list)
    bluf: Annotated[list[Claim], Field(min_length=1)] = Field(description="bottom line up front")
    key_judgments: list[Judgment] = Field(default_factory=list)
    sections: list[SectionId] = Field(default_factory=lambda: list(ALL_SECTIONS))
    paper: Literal["a4", "us-letter"] = Field("a4", description="the PDF's page size")
    previous_edition: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
        | None
    ) = Field(
        None,
        description="the edition this one follows, for the 'What's new' page: a path (from the project root) to its edition.json, or a git revision of the project (a tag, a commit)",
    )


Reliability = Literal["A", "B", "C", "D", "E", "F"]  # the keys of scales.RELIABILITY
Credibility = Literal[1, 2, 3, 4, 5, 6]  # the keys of scales.CREDIBILITY


class Grade(Strict):
    """Admiralty (NATO) grading: source reliability A-F and information credibility 1-6."""

    reliability: Reliability
    credibility: Credibility
    rationale: Text


class Span(Strict):
    """Paragraphs of a source file, found by quoted text: the first, and the last if they are several."""

    quote: Text = Field(description="text in the first paragraph of the passage")
    until: Text | None = Field(
        None,
        description="text in the last paragraph, if the passage spans several (searched after the start)",
    )
    to_end: bool = Field(
        False, description="the passage runs to the end of the file (site footers)"
    )

    @model_validator(mode="after")
    def _one_end(self) -> Span:
        if self.until is not None and self.to_end:
            raise ValueError("give either 'until' or 'to_end', not both")
        return self


class Relay(Strict):
    """Original reporting that this article passes on (e.g. a wire report relayed by a newspaper).

    The paragraphs listed in ``passages`` count as that report's origin when a claim cites them;
    every other paragraph counts as the source's own reporting.
    """

    outlet: Label
    origin: Slug | None = Field(
        None,
        description="id shared by every passage relaying the same original report (the id of a source in the book if the report is one of them); defaults to the outlet's name as an id",
    )
    note: Text | None = None
    passages: list[Span] = Field(
        default_factory=list,
        description="the paragraphs that carry this report; a claim citing one of them rests on the relayed report's origin, not on this source's",
    )


class Republication(Strict):
    """The whole article is another newsroom's report, republished (syndication, a wire copy)."""

    outlet: Label = Field(description="the newsroom whose report this is")
    origin: Slug | None = Field(
        None,
        description="id of the original report (the id of a source in the book if it is one of them); defaults to the outlet's name as an id",
    )
    note: Text | None = None


NonArticleKind = Literal[
    "advertising",
    "social-embed",
    "site-chrome",
    "editor-note",
    "metadata",
    "image-caption",
    "link-list",
    "other",
]


class NonArticle(Span):
    """Paragraphs of the source file that are not article text (ads, embeds, site chrome)."""

    kind: NonArticleKind
    note: Text | None = None


Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class Snapshot(Strict):
    """The page as it was retrieved, kept so the source survives its URL changing or vanishing."""

    file: str = Field(
        min_length=1,
        description="path of the page as retrieved (e.g. seeds/originals/<id>.html), relative to the project root",
    )
    sha256: Sha256 = Field(description="SHA-256 of that file's bytes, as retrieved")
    retrieved: AwareDatetime = Field(description="when it was retrieved (ISO 8601, with time zone)")
    url: Url = Field(description="the address it was retrieved from, after redirects")


class Source(Strict):
    """briefing/sources/<id>.yaml: one article, its grading, and its key points."""

    @property
    def display_title(self) -> str:
        """How the book names the article: its headline, or a made-up title in [brackets] (the
        cataloguers' mark of a supplied title), so a reader never takes it for the outlet's own."""
        return self.title if self.title_basis == "stated" else f"[{self.title}]"

    id: Slug
    file: str = Field(
        min_length=1, description="path of the article text, relative to the project root"
    )
    title: Label
    title_basis: Literal["stated", "descriptive"] = Field(
        "stated",
        description="stated: the article's own headline; descriptive: the article has none and the analyst wrote the title (shown in [brackets])",
    )
    outlet: Label
    url: Url | None = None
    archive_url: Url | None = Field(
        None,
        description="an archived copy of the page (Wayback Machine, Perma.cc) that the analyst made, shown beside the live link",
    )
    snapshot: Snapshot | None = Field(
        None, description="the page as 'briefgen new-source URL' retrieved it"
    )
    author: Label | None = None
    published: Dating
    kind: Literal["news-report", "aggregation", "opinion", "mixed"]
    relays: list[Relay] = Field(default_factory=list)
    republishes: Republication | None = Field(
        None,
        description="set when the article is another newsroom's report republished (syndication): every passage counts as that report's origin",
    )
    grade: Grade
    non_article: list[NonArticle] = Field(default_factory=list)
    summary: Annotated[list[Claim], Field(min_length=1)]


class Topic(Strict):
    id: Slug
    title: Label
    paragraphs: Annotated[list[Annotated[list[Claim], Field(min_length=1)]], Field(min_length=1)]


class Background(Strict):
    """briefing/background.yaml: how the situation developed, topic by topic."""

    topics: Annotated[list[Topic], Field(min_length=1)]


class Statement(Strict):
    """Something an actor said or did, with date and venue where the source gives them."""

    id: ClaimId | None = None
    text: Text
    cite: Citations
    date: Dating | None = None
    venue: Label | None = None


class Actor(Strict):
    id: Slug
    name: Label
    kind: Literal["person", "organisation", "unit", "group"]
    party: Slug | None = Field(
        None, description="party id from book.yaml, if the actor belongs to one"
    )
    role: Label
    statements: Annotated[list[Statement], Field(min_length=1)]


class Relation(Strict):
    """A cited link between two actors (trains, designated, met with ...), drawn on the actor map."""

    source: Slug = Field(alias="from", description="actor id")
    target: Slug = Field(alias="to", description="actor id")
    kind: Label = Field(
        description="what links them, as a short verb phrase: 'trains', 'designated'"
    )
    cite: Citations

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, populate_by_name=False
    )


class Actors(Strict):
    """briefing/actors.yaml."""

    actors: Annotated[list[Actor], Field(min_length=1)]
    relations: list[Relation] = Field(default_factory=list)


class Position(Strict):
    """A party's (or one actor's) stance on an issue, with the claims that show it."""

    issue: Slug
    party: Slug
    actor: Slug | None = Field(
        None, description="set when this is the position of one actor inside the party"
    )
    stance: Label
    posture: Literal["supports", "opposes", "conditional", "mixed", "unclear"] | None = Field(
        None, description="stance toward the issue's proposition; colours the positions matrix"
    )
    basis: Literal["statements", "actions"] = Field(
        "statements",
        description="what the posture rests on: the party's own statements (cited from its actors' statements), "
        "or 'actions' when the analyst infers it from what the party did (shown to readers as inferred)",
    )
    claims: Annotated[list[Claim], Field(min_length=1)]


class Positions(Strict):
    """briefing/positions.yaml."""

    positions: Annotated[list[Position], Field(min_length=1)]


class Event(Strict):
    id: Slug
    date: Dating
    title: Label
    actors: list[Slug] = Field(default_factory=list)
    claims: Annotated[list[Claim], Field(min_length=1)]


class Timeline(Strict):
    """briefing/timeline.yaml."""

    events: Annotated[list[Event], Field(min_length=1)]


class Question(Strict):
    id: Slug
    question: Text
    why: Text = Field(description="why the answer matters")
    basis: Annotated[list[Claim], Field(min_length=1)] = Field(
        description="what the sources say that leaves it open"
    )
    indicators: Annotated[list[Text], Field(min_length=1)] = Field(
        description="what would answer it"
    )


class Questions(Strict):
    """briefing/questions.yaml."""

    questions: Annotated[list[Question], Field(min_length=1)]


def _old_kind_spelling(value: Any) -> Any:
    """'embed', the register's first spelling, is the 'social-embed' of non-article passages."""
    return "social-embed" if value == "embed" else value


class Discrepancy(Strict):
    id: Slug
    kind: Annotated[
        Literal[
            "title",
            "metadata",
            "factual",
            "framing",
            "opinion",
            "advertising",
            "social-embed",
            "attribution",
            "other",
        ],
        BeforeValidator(_old_kind_spelling),
    ] = Field(description="the same kinds as non_article passages where they overlap")
    text: Text
    cite: Citations


class Method(Strict):
    """briefing/method.yaml: notes on method and the register of discrepancies between sources."""

    notes: list[Claim] = Field(default_factory=list)
    discrepancies: list[Discrepancy] = Field(default_factory=list)


#: The YAML files of a briefing other than sources, with the model each must satisfy.
SECTION_FILES: dict[str, type[Strict]] = {
    "background": Background,
    "actors": Actors,
    "positions": Positions,
    "timeline": Timeline,
    "questions": Questions,
    "method": Method,
}


#: Every kind of YAML file, with the model that validates it (for ``briefgen schema``).
FILE_KINDS: dict[str, type[Strict]] = {"book": Book, "source": Source, **SECTION_FILES}
