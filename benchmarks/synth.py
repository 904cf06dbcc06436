"""Synthetic briefings of N sources for benchmarks: realistic sizes, valid by construction.

Each source is an article of about 20 paragraphs (~800 words); every source is cited about 20
times across the sections; actors, events, positions and questions grow with N. Quotes are exact
slices of the generated articles, so the briefing passes ``briefgen check``. Seeded: the same N
gives the same bytes.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

import yaml

WORDS = [
    "officials",
    "ministry",
    "council",
    "report",
    "border",
    "trade",
    "security",
    "talks",
    "agreement",
    "delegation",
    "minister",
    "committee",
    "said",
    "reported",
    "according",
    "statement",
    "announced",
    "confirmed",
    "denied",
    "expected",
    "plans",
    "forces",
    "network",
    "operation",
    "policy",
    "region",
    "capital",
    "government",
    "opposition",
    "parliament",
    "budget",
    "sanctions",
    "exports",
    "imports",
    "tariffs",
    "cooperation",
    "inquiry",
    "analysts",
    "sources",
    "week",
    "month",
    "meeting",
    "vote",
    "proposal",
    "draft",
    "review",
    "funding",
    "programme",
    "agency",
    "court",
    "ruling",
    "appeal",
    "investigation",
    "harbour",
    "railway",
    "pipeline",
    "energy",
    "grid",
    "water",
    "supply",
    "shortage",
    "prices",
    "inflation",
    "growth",
]
PARTIES = [
    ("north", "Northern League of Ports"),
    ("south", "Southern Coastal Union"),
    ("east", "Eastern Free Towns"),
]
ISSUE_COUNT = 10
CITES_PER_SOURCE = 20


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 24))]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def article(rng: random.Random, n: int) -> list[str]:
    paras = [f"Synthetic Report {n}: regional developments"]
    for p in range(20):
        paras.append(
            " ".join(sentence(rng) for _ in range(rng.randint(2, 4))) + f" (para {p} of report {n})"
        )
    return paras


def quote_from(rng: random.Random, paras: list[str]) -> str:
    """An exact, unique-enough slice of one paragraph: 6-10 consecutive words ending its sentence."""
    para = rng.choice(paras[1:])
    words = para.split()
    length = rng.randint(6, 10)
    start = rng.randint(0, max(0, len(words) - length))
    return " ".join(words[start : start + length])


def cite(sid: str, quote: str) -> dict[str, str]:
    return {"source": sid, "quote": quote}


def generate(root: Path, n: int, seed: int = 7) -> Path:
    """Write a project of ``n`` sources under ``root`` (replacing it); return root."""
    rng = random.Random(seed * 1_000_003 + n)
    if root.exists():
        shutil.rmtree(root)
    (root / "briefing" / "sources").mkdir(parents=True)
    (root / "seeds").mkdir()
    sids = [f"report-{i:04d}" for i in range(n)]
    texts: dict[str, list[str]] = {}
    pool: list[dict[str, str]] = []  # citations waiting to be placed in sections
    for i, sid in enumerate(sids):
        paras = article(rng, i)
        texts[sid] = paras
        (root / "seeds" / f"{sid}.txt").write_text("\n".join(paras) + "\n", encoding="utf-8")
        source = {
            "id": sid,
            "file": f"seeds/{sid}.txt",
            "title": f"Synthetic report {i}",
            "outlet": f"Outlet {i % 40}",
            "published": {"date": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", "basis": "stated"},
            "kind": "news-report" if i % 3 else "aggregation",
            "relays": [] if i % 3 else [{"outlet": "Wire Service", "origin": f"wire-{i % 7}"}],
            "grade": {
                "reliability": "BCD"[i % 3],
                "credibility": 2 + i % 3,
                "rationale": "Synthetic source graded for benchmarking.",
            },
            "summary": [
                {
                    "text": f"Report {i} says something notable.",
                    "cite": [cite(sid, quote_from(rng, paras))],
                }
                for _ in range(2)
            ],
        }
        (root / "briefing" / "sources" / f"{sid}.yaml").write_text(
            yaml.safe_dump(source, sort_keys=False), encoding="utf-8"
        )
        pool.extend(cite(sid, quote_from(rng, paras)) for _ in range(CITES_PER_SOURCE - 2))
    rng.shuffle(pool)

    def take(k: int) -> list[dict[str, str]]:
        return [pool.pop() for _ in range(min(k, len(pool)))] or [
            cite(sids[0], quote_from(rng, texts[sids[0]]))
        ]

    def claim(k: int = 2) -> dict[str, object]:
        return {"text": sentence(rng), "cite": take(k)}

    actor_ids = [f"actor-{i:04d}" for i in range(max(5, n // 2))]
    budget = len(pool)
    actors = [
        {
            "id": a,
            "name": f"Actor {i}",
            "kind": "person" if i % 4 else "organisation",
            "party": PARTIES[i % 3][0] if i % 5 else None,
            "role": "Synthetic role",
            "statements": [claim(), claim()],
        }
        for i, a in enumerate(actor_ids)
    ]
    events = [
        {
            "id": f"event-{i:04d}",
            "date": {
                "date": ["2025-{m:02d}-{d:02d}", "2025-{m:02d}", "2025-{m:02d}~"][i % 3].format(
                    m=1 + i % 12, d=1 + i % 28
                ),
                "basis": "stated",
            },
            "title": f"Event {i}",
            "actors": [actor_ids[i % len(actor_ids)]],
            "claims": [claim(), claim()],
        }
        for i in range(n)
    ]
    events.sort(key=lambda e: e["date"]["date"])
    issues = [{"id": f"issue-{i}", "title": f"Issue {i}"} for i in range(ISSUE_COUNT)]
    positions = [
        {
            "issue": iss["id"],
            "party": p,
            "stance": f"Stance of {p} on {iss['title']}",
            "claims": [claim()],
        }
        for iss in issues
        for p, _ in PARTIES
    ]
    questions = [
        {
            "id": f"question-{i}",
            "question": f"Open question {i}?",
            "why": sentence(rng),
            "basis": [claim()],
            "indicators": ["An indicator to watch"],
        }
        for i in range(max(3, n // 10))
    ]
    method = {
        "discrepancies": [
            {"id": f"d-{i}", "kind": "factual", "text": sentence(rng), "cite": take(2)}
            for i in range(max(2, n // 20))
        ]
    }
    per_topic = max(1, budget // max(1, n // 5 + 1) // 6)
    topics = []
    while pool or not topics:
        topics.append(
            {
                "id": f"topic-{len(topics)}",
                "title": f"Topic {len(topics)}",
                "paragraphs": [[claim(), claim(), claim()] for _ in range(per_topic)],
            }
        )
    book = {
        "title": f"Synthetic briefing of {n} sources",
        "as_of": "2025-12-31",
        "marking": "SYNTHETIC // BENCHMARK",
        "parties": [{"id": p, "name": name} for p, name in PARTIES],
        "issues": issues,
        "bluf": [
            {
                "text": "A synthetic bottom line.",
                "cite": [cite(sids[0], quote_from(rng, texts[sids[0]]))],
            }
        ],
        "key_judgments": [
            {
                "text": "A synthetic judgment is likely.",
                "confidence": "moderate",
                "cite": [cite(sids[-1], quote_from(rng, texts[sids[-1]]))],
            }
        ],
    }
    files = {
        "book": book,
        "background": {"topics": topics},
        "actors": {"actors": actors},
        "positions": {"positions": positions},
        "timeline": {"events": events},
        "questions": {"questions": questions},
        "method": method,
    }
    for name, data in files.items():
        (root / "briefing" / f"{name}.yaml").write_text(
            yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic briefing project of N sources.")
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    generate(args.out, args.n)
    print(f"wrote {args.n} sources to {args.out}")


if __name__ == "__main__":
    main()
