"""URL text fragments: encoding as the WICG spec requires, and a fragment that matches only its passage."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from briefgen.edition.textfragment import (
    LONG_QUOTE_WORDS,
    Article,
    TextDirective,
    choose,
    encode,
    link,
)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, at = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((at, at + len(line)))
        at += len(line) + 1
    return spans


def _directive(text: str, passage: str, nth: int = 0) -> TextDirective | None:
    start = -1
    for _ in range(nth + 1):
        start = text.index(passage, start + 1)
    return choose(text, _paragraphs(text), start, start + len(passage))


def test_encoding_reserves_dash_comma_ampersand() -> None:
    assert encode("Anne-Marie, Smith & Co") == "Anne%2DMarie%2C%20Smith%20%26%20Co"
    assert encode("café “quoted”") == "caf%C3%A9%20%E2%80%9Cquoted%E2%80%9D"
    for term in ("a-b", "x,y", "p&q", "50% off", "#hash", "¿qué?"):
        encoded = encode(term)
        assert not set(encoded) & set("-,& #"), encoded
        assert unquote(encoded) == term


def test_fragment_syntax_and_link() -> None:
    d = TextDirective("start words", "end words", prefix="pre-fix", suffix="suf,fix")
    assert d.fragment() == ":~:text=pre%2Dfix-,start%20words,end%20words,-suf%2Cfix"
    assert (
        link("https://example.org/a?b=1#old", TextDirective("x"))
        == "https://example.org/a?b=1#:~:text=x"
    )


def test_unique_short_quote_is_the_quote_itself() -> None:
    text = "First paragraph about boats.\nThe harbour closed on Monday.\nLast words."
    assert _directive(text, "harbour closed on Monday") == TextDirective("harbour closed on Monday")


def test_repeated_quote_gets_a_prefix_from_its_paragraph() -> None:
    text = "The pier will close.\nOfficials said the pier will close in June.\n"
    assert _directive(text, "the pier will close") == TextDirective(
        "the pier will close", prefix="said"
    )
    # the first occurrence begins its paragraph (no word before it): what follows pins it instead
    assert _directive(text, "The pier will close") == TextDirective(
        "The pier will close", suffix="."
    )


def test_matching_is_case_insensitive_like_browsers() -> None:
    text = "The Port Authority voted.\nA spokesperson said the port authority voted again.\n"
    # differs from the first paragraph only by case
    d = _directive(text, "the port authority voted")
    assert d is not None and (d.prefix or d.suffix), d
    assert d.prefix == "said" or d.suffix == "again."


def test_first_occurrence_with_a_later_twin_gets_a_suffix() -> None:
    text = "Talks failed on Tuesday night.\nTalks failed on Tuesday again, and again.\n"
    d = _directive(text, "Talks failed on Tuesday")
    assert d == TextDirective("Talks failed on Tuesday", suffix="night.")


def test_long_quote_uses_its_first_and_last_words() -> None:
    words = [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
    ]
    assert len(words) > LONG_QUOTE_WORDS
    passage = " ".join(words)
    text = f"Intro.\n{passage} and more.\n"
    d = _directive(text, passage)
    assert d == TextDirective("one two three", "ten eleven twelve")


def test_long_quote_edges_grow_until_the_range_is_the_passage() -> None:
    # "the pier" closes the range too early at its first occurrence inside the passage
    passage = "the pier and the pier and the quay were closed by the pier authority"
    text = f"{passage}.\n"
    d = _directive(text, passage)
    assert d is not None
    lo = text.index(passage)
    assert Article(text, _paragraphs(text)).folded.matches(d) == [(lo, lo + len(passage))]


def test_terms_never_cross_paragraphs() -> None:
    text = "It ends here\nwith this.\nIt ends here with that.\n"
    d = _directive(text, "It ends here", nth=1)
    # ¶1's "It ends here" is followed by "with" only across a paragraph break
    assert d == TextDirective("It ends here", suffix="with")


def test_whole_words_only() -> None:
    text = "The unlawful option.\nA lawful option.\n"
    # "unlawful option" is no match
    assert _directive(text, "lawful option", nth=1) == TextDirective("lawful option")


def test_no_directive_when_the_passage_repeats_with_the_same_context() -> None:
    text = "said it would close today\nsaid it would close today\n"
    assert _directive(text, "it would close", nth=1) is None


@pytest.mark.parametrize(
    "passage",
    [
        "Harbour",
        "north pier",
        "voted on Tuesday to close the north pier for repairs, a decision the guild called",
    ],
)
def test_chosen_directive_selects_exactly_its_passage(passage: str) -> None:
    text = "Harbour Gazette\nThe Authority voted on Tuesday to close the north pier for repairs, a decision the guild called a blow.\nHarbour news: north pier shut.\n"
    start = text.index(passage)
    article = Article(text, _paragraphs(text))
    d = article.choose(start, start + len(passage))
    assert d is not None
    assert article.folded.matches(d) == [(start, start + len(passage))]
