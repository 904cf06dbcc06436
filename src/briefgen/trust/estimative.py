"""Estimative language in key judgments (ICD 203): one likelihood term, no vague hedges, no confidence.

ICD 203 asks that a judgment state its probability with one term of a fixed scale and keep the
analyst's confidence separate. "May", "could" and "possibly" convey no probability a reader can
weigh; two scale terms in one judgment leave the reader to pick one. Quoted words are the
sources', not the estimate, and are not read.
"""

from __future__ import annotations

import re

from briefgen.core.scales import LIKELIHOOD

#: Each term of the scale, with the index of its level in ``LIKELIHOOD`` (longest first, so
#: "very unlikely" is read before "unlikely" and "likely").
TERMS: list[tuple[str, int]] = sorted(
    {
        term.strip(): level
        for level, (names, _) in enumerate(LIKELIHOOD)
        for name in names.split("/")
        for term in (
            [name.replace("(ly)", ""), name.replace("(ly)", "ly")] if "(ly)" in name else [name]
        )
    }.items()
    | {("probably", 4)},
    key=lambda t: -len(t[0]),
)
VAGUE = ("may", "might", "could", "possibly", "perhaps", "maybe", "conceivably")
CONFIDENCE_WORDS = re.compile(
    r"\b(?:(?:high|moderate|low)(?:ly)?\s+confiden\w*|confiden(?:ce|t|tly))\b", re.IGNORECASE
)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|‘[^’]*’(?!\w)|(?<![\w’'])'[^']*'(?!\w)")


def estimate_text(text: str) -> str:
    """The judgment without the sources' quoted words."""
    return _QUOTED.sub(" ", text)


def likelihood_terms(text: str) -> list[tuple[str, int]]:
    """Scale terms used in the judgment, in order, each with its level (0 = remote ... 6 = almost certain)."""
    rest, found = estimate_text(text).lower(), []
    for term, level in TERMS:
        pattern = re.compile(r"(?<![\w-])" + re.escape(term) + r"(?![\w-])")
        for m in pattern.finditer(rest):
            found.append((m.start(), term, level))
        rest = pattern.sub(lambda m: "#" * len(m.group(0)), rest)
    return [(term, level) for _, term, level in sorted(found)]


def likelihood_level(text: str) -> int | None:
    """The one level a judgment states, or None when it states none or several."""
    levels = {level for _, level in likelihood_terms(text)}
    return levels.pop() if len(levels) == 1 else None


def problems(text: str) -> list[tuple[str, str, str]]:
    """(offending words, what is wrong, hint) for each ICD 203 slip in a judgment's text."""
    out: list[tuple[str, str, str]] = []
    terms = likelihood_terms(text)
    levels = {level for _, level in terms}
    scale = ", ".join(names.split(" / ")[0] for names, _ in LIKELIHOOD)
    if not terms:
        out.append(
            (
                "",
                "states no likelihood term of the ICD 203 scale",
                f"say how likely it is with one of: {scale}",
            )
        )
    elif len(levels) > 1:
        words = ", ".join(repr(t) for t, _ in terms)
        out.append(
            (
                words,
                f"uses terms of {len(levels)} different likelihood levels ({words})",
                "keep one term: a judgment states one probability",
            )
        )
    rest = estimate_text(text)
    for word in VAGUE:
        for m in re.finditer(rf"\b{word}\b", rest, re.IGNORECASE):
            out.append(
                (
                    m.group(0),
                    f"vague estimative word {m.group(0)!r}",
                    "replace it with the likelihood term of the scale it means, or attribute it to a source in quotes",
                )
            )
    for m in CONFIDENCE_WORDS.finditer(rest):
        out.append(
            (
                m.group(0),
                f"confidence word {m.group(0)!r} in the judgment text",
                "state confidence only in the confidence field",
            )
        )
    return out
