"""Support checks stay quiet where a claim says only what its cited passages show.

The bad cases (tests/fixtures/bad/support-*, attribution-*, estimative-*, confidence-*, posture-*)
prove each check fires; these prove the common faithful forms do not."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import HARBOUR, copy_project, run_cli

from briefgen.core.scales import confidence_allowed
from briefgen.trust import estimative
from briefgen.trust.lint import lint
from briefgen.trust.prepare import prepare
from briefgen.trust.support import SupportChecker

NEW_CODES = (
    "unsupported-detail",
    "attribution",
    "estimative-language",
    "confidence-exceeds-sourcing",
    "posture-basis",
)


@pytest.fixture(scope="module")
def checker() -> SupportChecker:
    p = prepare(HARBOUR)
    return SupportChecker(p.briefing, p.anchors)


def cite(source: str, quote: str):
    from briefgen.core.model import Citation

    return Citation(source=source, quote=quote)


def test_good_fixture_is_quiet() -> None:
    p = prepare(HARBOUR)
    report = lint(p.briefing, p.anchors)
    assert not [w for w in report.warnings if any(f"[{c}]" in w.message for c in NEW_CODES)]


@pytest.mark.parametrize(
    "text, quote",
    [
        # the number is in the quote's paragraph, not the quote: the reader sees it highlighted
        (
            "An Authority spokesperson said two public meetings were held in March.",
            "an Authority spokesperson said",
        ),
        # an editor's [bracketed] insertion inside quoted words
        (
            "The guild says it was 'not [formally] consulted before the vote'.",
            "The Fishers’ Guild says it was not consulted before the vote",
        ),
        # the outlet that published the cited article, and the article's own date (6 May 2024)
        (
            "The Coastal Herald reported on 6 May 2024 that repairs will take about eight months.",
            "Repairs to the north pier will take about eight months",
        ),
        # party names are the book's frame, not details
        ("The Port Authority rejects the Fishers' Guild claim.", "a claim the Authority rejects"),
    ],
)
def test_faithful_claims_pass(checker: SupportChecker, text: str, quote: str) -> None:
    cites = [cite("herald", quote)]
    assert checker.unsupported(text, cites) == []
    assert checker.attribution(text, cites) == []


def test_recorded_statement_backs_its_speaker(checker: SupportChecker) -> None:
    cites = [cite("gazette", "no longer safe for lorries heavier than ten tonnes")]
    assert (
        checker.attribution("Ines Varga said the pier is no longer safe for heavy lorries.", cites)
        == []
    )
    assert [
        f.words for f in checker.attribution("Tomas Bell said the pier is no longer safe.", cites)
    ] == ["Tomas Bell"]


def test_posture_inferred_from_actions_is_declared_not_flagged(tmp_path: Path) -> None:
    project = copy_project(HARBOUR, tmp_path / "p")
    path = project / "briefing" / "positions.yaml"
    path.write_text(
        path.read_text().replace(
            "    stance: Held public meetings",
            "    stance: Held public meetings\n    posture: opposes\n    basis: actions",
        )
    )
    result = run_cli("check", "--project", str(project))
    assert "[posture-basis]" not in result.output, result.output


@pytest.mark.parametrize(
    "text, ok",
    [
        ("A blockade is unlikely before the guild announces one.", True),
        (
            "A blockade is very likely; the guild said it 'could' act.",
            True,
        ),  # quoted words are the source's
        ("A blockade is almost certainly coming.", True),
        ("A blockade may come.", False),
        ("A blockade is likely, perhaps very likely.", False),
        ("We judge with high confidence that a blockade is likely.", False),
    ],
)
def test_estimative_language(text: str, ok: bool) -> None:
    assert (estimative.problems(text) == []) is ok


@pytest.mark.parametrize(
    "grades, allowed",
    [
        ({"a": {"D"}}, "low"),
        ({"a": {"C", "D"}}, "low"),  # two relays of one origin are still one origin
        ({"a": {"B"}}, "moderate"),
        ({"a": {"D"}, "b": {"E"}}, "moderate"),
        ({"a": {"A"}, "b": {"B"}, "c": {"D"}}, "high"),
        ({"a": {"A"}, "b": {"C"}, "c": {"D"}}, "moderate"),
    ],
)
def test_confidence_rule(grades: dict[str, set[str]], allowed: str) -> None:
    assert confidence_allowed(grades) == allowed
