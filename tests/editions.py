"""Two editions of the harbour fixture with one planted change of every kind the What's new page lists.

``first_edition`` turns a copy of the fixture into edition 1 (a source, a question, a posture and a
key judgment that edition 2 changes); ``second_edition`` then applies the planted changes.
``PLANTED`` says what the What's new page and ``briefgen diff`` must list, section by section.
"""

from __future__ import annotations

from pathlib import Path

NOTICE = "Harbour Notice Board — 1 May 2024\n\nThe Port Authority will publish the repair schedule before the closure begins.\n"
BULLETIN = "Quay Bulletin — 6 May 2024\n\nThe Port Authority closed the north pier to traffic on Monday morning.\n\nFishers moved their boats to the east quay.\n"


def _edit(root: Path, rel: str, *pairs: tuple[str, str]) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, (rel, old)
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


def _source(
    root: Path, sid: str, title: str, outlet: str, date: str, article: str, summary: str, quote: str
) -> None:
    (root / f"articles/{sid}.txt").write_text(article, encoding="utf-8")
    (root / f"briefing/sources/{sid}.yaml").write_text(
        f"id: {sid}\nfile: articles/{sid}.txt\ntitle: {title}\noutlet: {outlet}\npublished: {date}\nkind: news-report\n"
        f"grade: {{reliability: C, credibility: 3, rationale: A notice of record.}}\n"
        f"summary:\n  - text: {summary}\n    cite: [{{source: {sid}, quote: {quote}}}]\n",
        encoding="utf-8",
    )


def first_edition(root: Path) -> Path:
    _source(
        root,
        "notice",
        "Repair schedule promised",
        "Harbour Notice Board",
        "2024-05-01",
        NOTICE,
        "The Authority promised to publish the repair schedule.",
        "will publish the repair schedule",
    )
    # (the fixture's key judgment, "... is unlikely before the guild announces one.", confidence low, is edition 1's)
    _edit(
        root,
        "briefing/positions.yaml",
        ("stance: Not consulted\n", "stance: Not consulted\n    posture: unclear\n"),
    )
    _edit(
        root,
        "briefing/questions.yaml",
        (
            "    indicators:\n      - Notice of a guild vote on action\n",
            "    indicators:\n      - Notice of a guild vote on action\n"
            "  - id: schedule\n    question: When will the repair schedule be published?\n    why: Fishers need dates to plan.\n"
            "    basis:\n      - text: The Authority promised a schedule before the closure.\n"
            "        cite: [{source: notice, quote: publish the repair schedule before the closure}]\n"
            "    indicators:\n      - A schedule on the Authority's website\n",
        ),
    )
    return root


def second_edition(root: Path) -> Path:
    (
        root / "briefing/sources/notice.yaml"
    ).unlink()  # dropped source (its question is answered below)
    (root / "articles/notice.txt").unlink()
    _source(
        root,
        "bulletin",
        "Pier closes to traffic",
        "Quay Bulletin",
        "2024-05-06",
        BULLETIN,
        "The north pier closed to traffic on Monday.",
        "closed the north pier to traffic on Monday morning",
    )
    _edit(
        root,
        "briefing/book.yaml",
        ("as_of: 2024-05-06", "as_of: 2024-05-07"),
        (
            "A guild blockade of the south channel is unlikely before the guild announces one.\n    confidence: low",
            "A guild blockade of the south channel is likely before the guild announces one.\n    confidence: moderate",
        ),
    )
    _edit(root, "briefing/positions.yaml", ("posture: unclear", "posture: opposes"))
    _edit(
        root,
        "briefing/questions.yaml",
        (
            "  - id: schedule\n    question: When will the repair schedule be published?\n    why: Fishers need dates to plan.\n"
            "    basis:\n      - text: The Authority promised a schedule before the closure.\n"
            "        cite: [{source: notice, quote: publish the repair schedule before the closure}]\n"
            "    indicators:\n      - A schedule on the Authority's website\n",
            "  - id: east-quay\n    question: Can the east quay hold the displaced boats?\n    why: Crowding could slow landings.\n"
            "    basis:\n      - text: Fishers moved their boats to the east quay.\n"
            "        cite: [{source: bulletin, quote: Fishers moved their boats to the east quay}]\n"
            "    indicators:\n      - Reports of queues at the east quay\n",
        ),
    )
    _edit(
        root,
        "briefing/timeline.yaml",
        (
            "events:\n",
            "events:\n  - id: closure\n    date: {date: 2024-05-06, basis: derived, note: \"'Monday' in the Bulletin of 6 May\"}\n    title: North pier closes\n    actors: []\n"
            "    claims:\n      - text: The north pier closed to traffic on Monday morning.\n"
            "        cite: [{source: bulletin, quote: closed the north pier to traffic on Monday morning}]\n",
        ),
        (
            "      - text: The Port Authority voted to close the north pier.\n",
            "      - text: The Port Authority voted on Tuesday to close the north pier.\n",
        ),
    )
    _edit(
        root,
        "briefing/background.yaml",
        (
            '        - text: Engineers put the repairs at about eight months.\n          cite: [{source: herald, quote: "will take about eight months"}]\n',
            '        - text: Engineers hired by the Authority put the repairs at about eight months.\n          cite: [{source: herald, quote: "will take about eight months"}]\n'
            "        - text: Work on the pier is due to start in June.\n          cite: [{source: gazette, quote: work would start in June}]\n",
        ),
    )
    _edit(
        root,
        "briefing/actors.yaml",
        (
            '      - text: Said members would consider every lawful option.\n        cite: [{source: gazette, quote: "would \\"consider every lawful option\\""}]\n',
            "      - text: Said members would consider every lawful option, including a blockade of the south channel.\n"
            '        cite: [{source: gazette, quote: "would \\"consider every lawful option\\""}, {source: gazette, quote: including a blockade of the south channel}]\n',
        ),
    )
    _edit(
        root,
        "briefing/sources/herald.yaml",
        ("grade: {reliability: C, credibility: 3,", "grade: {reliability: B, credibility: 2,"),
    )
    return root


#: What the What's new page must list, by its section headings (texts as the book prints them).
PLANTED = {
    "Claims added": [
        "Work on the pier is due to start in June.",
        "The north pier closed to traffic on Monday morning.",
        "Fishers moved their boats to the east quay.",
        "The north pier closed to traffic on Monday.",
    ],
    "Claims removed": [
        "The Authority promised a schedule before the closure.",
        "The Authority promised to publish the repair schedule.",
    ],
    "Claims reworded": [
        (
            "Engineers put the repairs at about eight months.",
            "Engineers hired by the Authority put the repairs at about eight months.",
        ),
        (
            "Said members would consider every lawful option.",
            "Said members would consider every lawful option, including a blockade of the south channel.",
        ),
        (
            "The Port Authority voted to close the north pier.",
            "The Port Authority voted on Tuesday to close the north pier.",
        ),
    ],
    "Key judgments changed": [
        "A guild blockade of the south channel is likely before the guild announces one."
    ],
    "New sources": ["Quay Bulletin: Pier closes to traffic (C3)"],
    "Dropped sources": ["Harbour Notice Board: Repair schedule promised"],
    "Grades changed": ["Coastal Herald: Pier repairs to take eight months: C3 → B2"],
    "Positions changed": ["Was the guild consulted?: Fishers' Guild: unclear → opposes"],
    "New timeline events": ["6 May 2024: North pier closes"],
    "New questions": ["Can the east quay hold the displaced boats?"],
    "Questions answered or closed": ["When will the repair schedule be published?"],
}
