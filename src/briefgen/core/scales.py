"""The standard scales the book explains to readers: source grading and estimative language.

These are conventions of the analytic trade, not facts of any topic, so they live in code and are
printed on the Sources & method page of every briefing.
"""

from __future__ import annotations

#: Admiralty (NATO AJP-2.1) source reliability.
RELIABILITY = {
    "A": (
        "Completely reliable",
        "No doubt of authenticity, trustworthiness or competency; a history of complete reliability.",
    ),
    "B": ("Usually reliable", "Minor doubt; a history of mostly valid information."),
    "C": ("Fairly reliable", "Doubt; has provided valid information in the past."),
    "D": ("Not usually reliable", "Significant doubt; has provided valid information at times."),
    "E": (
        "Unreliable",
        "Lacking in authenticity, trustworthiness and competency; a history of invalid information.",
    ),
    "F": (
        "Reliability cannot be judged",
        "No basis exists for evaluating the reliability of the source.",
    ),
}

#: Admiralty information credibility.
CREDIBILITY = {
    1: (
        "Confirmed by other sources",
        "Confirmed by independent sources; logical in itself; consistent with other information.",
    ),
    2: ("Probably true", "Not confirmed; logical in itself; consistent with other information."),
    3: (
        "Possibly true",
        "Not confirmed; reasonably logical in itself; agrees with some other information.",
    ),
    4: (
        "Doubtful",
        "Not confirmed; possible but not logical; no other information on the subject.",
    ),
    5: ("Improbable", "Not confirmed; not logical in itself; contradicted by other information."),
    6: (
        "Truth cannot be judged",
        "No basis exists for evaluating the validity of the information.",
    ),
}

#: ICD 203 estimative terms, in order, with the probability range each conveys.
LIKELIHOOD = [
    ("almost no chance / remote", "01–05%"),
    ("very unlikely / highly improbable", "05–20%"),
    ("unlikely / improbable", "20–45%"),
    ("roughly even chance / roughly even odds", "45–55%"),
    ("likely / probable", "55–80%"),
    ("very likely / highly probable", "80–95%"),
    ("almost certain(ly) / nearly certain", "95–99%"),
]

#: Confidence describes the evidence behind a judgment, never its probability. The levels are
#: defined by counts of independent origins and grades, so they cannot overlap; the analyst may
#: always state a lower level than the sourcing allows, never a higher one.
CONFIDENCE = {
    "high": "Three or more independent origins, at least two of them carried by sources graded A or B. The judgment could still be wrong.",
    "moderate": "Two independent origins, or one origin carried by a source graded A or B (and not enough for high).",
    "low": "One origin, carried only by sources graded C to F (everything below moderate).",
}

CONFIDENCE_RULE = (
    "An origin is an original report, and it is traced for each cited passage, not each article: a "
    "paragraph that passes on another newsroom's report (a newspaper's story, a wire report, officials "
    "speaking to another outlet) counts as that report, an article republished whole from another "
    "newsroom counts as that newsroom's report, and an outlet's own reporting is an origin of its own. "
    "Outlets relaying the same report therefore count as one origin. A key judgment's confidence may not "
    "exceed what its cited origins allow; the book's checks flag any that does to its editors."
)

#: Reliability grades that count as well-graded carriers of an origin.
WELL_GRADED = frozenset("AB")


def confidence_allowed(origin_grades: dict[str, set[str]]) -> str:
    """The highest confidence the sourcing allows: origins mapped to the reliability grades carrying them."""
    well = sum(1 for grades in origin_grades.values() if grades & WELL_GRADED)
    if len(origin_grades) >= 3 and well >= 2:
        return "high"
    if len(origin_grades) >= 2 or well >= 1:
        return "moderate"
    return "low"


CONFIDENCE_ORDER = ("low", "moderate", "high")

SOURCE_KINDS = {
    "news-report": "News report: the outlet's own reporting.",
    "aggregation": "Aggregation: mostly relays other outlets' reporting.",
    "opinion": "Opinion: commentary or argument, not reporting.",
    "mixed": "Mixed: reporting and relayed material together with the author's commentary.",
}


def grade_label(reliability: str, credibility: int) -> str:
    """'C3: fairly reliable source, information possibly true'."""
    return f"{reliability}{credibility}: {RELIABILITY[reliability][0].lower()} source, information {CREDIBILITY[credibility][0].lower()}"
