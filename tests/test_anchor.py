"""Quote anchoring: typographic tolerance only, never changed words; spans map to the original."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from briefgen.core.textnorm import fold, normalize
from briefgen.trust.anchor import SourceText, anchor_id

TEXT = (
    "Headline line\n"
    "\n"
    "The minister said the plan was \u201cnot negotiable\u201d \u2014 and that talks\u00a0would  resume in May\u2026\n"
    "It\u2019s a second paragraph about the port.\n"
)


@pytest.fixture
def st() -> SourceText:
    return SourceText.from_text("src", TEXT)


def test_paragraphs_are_numbered_non_blank_lines(st: SourceText) -> None:
    assert [p.number for p in st.paragraphs] == [1, 2, 3]
    assert st.paragraphs[2].text.startswith("It\u2019s")


@pytest.mark.parametrize(
    "quote",
    [
        'the plan was "not negotiable" - and that talks would resume',  # straight quotes, hyphen, single spaces
        "the plan was \u201cnot negotiable\u201d \u2014 and that talks\u00a0would  resume",  # exactly as typeset
        "talks would resume in May...",  # three dots for the ellipsis character
        "It's a second paragraph",  # straight apostrophe
        "  It's a second   paragraph ",  # stray whitespace
    ],
)
def test_typographic_variants_anchor(st: SourceText, quote: str) -> None:
    span = st.locate(quote)
    assert span is not None
    start, end = span
    assert fold(TEXT[start:end]) == fold(quote)


@pytest.mark.parametrize(
    "quote",
    [
        "the plan was not negotiable",  # the source has quote marks there: leaving them out changes the text
        "the plan is \u201cnot negotiable\u201d",  # changed word
        "talks would resume in June",
        "The Minister said",  # case differs
        "about the port. Headline",  # not adjacent
        "resume in May\u2026 It\u2019s a second",  # spans two paragraphs
    ],
)
def test_changed_text_never_anchors(st: SourceText, quote: str) -> None:
    assert st.locate(quote) is None


def test_span_is_exact_original_text(st: SourceText) -> None:
    start, end = st.locate('"not negotiable"')
    assert TEXT[start:end] == "\u201cnot negotiable\u201d"
    assert st.paragraph_at(start).number == 2


def test_closest_passage_points_at_the_right_paragraph(st: SourceText) -> None:
    para, passage, score = st.closest("It's a second paragraph about the harbour")
    assert para.number == 3
    assert "second paragraph about the" in passage
    assert 50 < score < 100


def test_normalize_maps_every_char_back() -> None:
    n = normalize("a\u2014b \u2026c")
    assert n.text == "a-b ...c"
    assert [n.origin[i] for i in range(len(n.text))] == [0, 1, 2, 3, 4, 4, 4, 5]


def test_anchor_ids_are_stable_and_unique() -> None:
    taken: set[str] = set()
    first = anchor_id("src", "some quote", taken)
    assert first == anchor_id("src", "some quote", set())  # same text, same id, run after run
    taken.add(first)
    assert anchor_id("src", "some quote", taken) != first


def test_until_is_searched_after_the_start_of_the_passage() -> None:
    from briefgen.trust.anchor import SourceText

    st = SourceText.from_text("s", "Footer\nBody text\nFooter\nAll rights\n")
    first = st.locate("Body text")
    assert st.paragraph_at(first[0]).number == 2
    later = st.locate("Footer", from_paragraph=2)
    assert st.paragraph_at(later[0]).number == 3
    assert st.paragraph_at(st.locate("Footer")[0]).number == 1


def test_quotes_match_whole_words_only() -> None:
    st = SourceText.from_text("s", "Members would consider every lawful option, he said.\n")
    assert st.locate("awful option") is None
    assert st.locate("lawful option") is not None
    assert st.locate("option, he") is not None  # punctuation at the edge needs no word boundary
    assert st.occurrences("he") == [1]  # not inside 'he' of other words


def test_bare_year_in_yaml_is_a_year_date() -> None:
    from briefgen.core.model import Dating

    assert Dating.model_validate(2025).parsed.precision == "year"


def test_canonically_equivalent_text_anchors_with_exact_offsets() -> None:
    composed = "Fuerzas de la Infantería de Marina y el señor Peña llegó.\n"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    st = SourceText.from_text("s", decomposed)
    start, end = st.locate("Infantería de Marina y el señor Peña")  # type: ignore[misc]
    assert st.text[start:end] == unicodedata.normalize(
        "NFD", "Infantería de Marina y el señor Peña"
    )
    start, end = st.locate("Peña llegó")  # type: ignore[misc]
    assert st.text[end - 1] == "\u0301"  # a quote ending in an accented letter keeps its accent
    assert unicodedata.normalize("NFC", st.text[start:end]) == "Peña llegó"
    assert st.locate("senor") is None  # equivalence is canonical, never accent-stripping


def test_hint_for_a_decomposed_source_quotes_real_words() -> None:
    st = SourceText.from_text(
        "s", unicodedata.normalize("NFD", "La Infantería de Marina entrenó en Campeche.\n")
    )
    _para, passage, _ = st.closest("La Infantería de Marina entreno en Campeche")  # type: ignore[misc]
    from briefgen.trust.anchor import _difference_hint

    assert (
        _difference_hint("La Infantería de Marina entreno en Campeche", passage)
        == "quote has 'entreno' where the source has 'entrenó'"
    )


def test_nfd_crlf_bom_seeds_anchor_every_shipped_quote(shipped: Path) -> None:
    """Every seed re-saved as macOS/Windows tools might (NFD, CRLF, BOM): every quote still anchors,
    to the same paragraph and to text canonically equal to the span in the original."""
    from briefgen.trust.prepare import prepare

    before = prepare(shipped)
    for path in (shipped / "seeds").glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        path.write_bytes(
            b"\xef\xbb\xbf"
            + unicodedata.normalize("NFD", text).replace("\n", "\r\n").encode("utf-8")
        )
    after = prepare(shipped)  # raises BriefingError if any quote fails
    assert (
        sum(map(lambda st: len(st.anchors), after.anchors.texts.values()))
        == sum(len(st.anchors) for st in before.anchors.texts.values())
        > 100
    )
    changed = 0
    for sid, st in after.anchors.texts.items():
        old = before.anchors.texts[sid]
        for key, a in st.anchors.items():
            b = old.anchors[key]
            assert a.paragraph == b.paragraph
            assert unicodedata.normalize("NFC", st.text[a.start : a.end]) == unicodedata.normalize(
                "NFC", old.text[b.start : b.end]
            )
            changed += st.text[a.start : a.end] != old.text[b.start : b.end]
    assert changed > 0  # the conversion really changed some quoted text
