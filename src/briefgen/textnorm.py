"""Typographic normalisation that remembers where each character came from.

Quotes are typed on keyboards; articles are typeset. The two differ in curly vs straight quotes,
dash variants, non-breaking and repeated spaces, and the ellipsis character, never in words. We
fold only those differences, keeping for every normalised character the index of the original one,
so a match can be mapped back to an exact span of the article.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_FOLD = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    "\u2026": "...",
}
_DROP = set("\u200b\u200c\u2060\ufeff\u00ad")


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus, for each of its characters, the index in the original."""

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` of the normalised slice ``[start, end)`` (end exclusive)."""
        return self.origin[start], self.origin[end - 1] + 1


def normalize(text: str, offset: int = 0) -> Normalized:
    """Fold typography and collapse whitespace runs to one space, trimming both ends."""
    chars: list[str] = []
    origin: list[int] = []
    pending_space = -1
    for i, ch in enumerate(text):
        if ch in _DROP:
            continue
        if ch.isspace() or unicodedata.category(ch) == "Zs":
            if chars and pending_space < 0:
                pending_space = i
            continue
        if pending_space >= 0:
            chars.append(" ")
            origin.append(pending_space + offset)
            pending_space = -1
        folded = _FOLD.get(ch, ch)
        for piece in folded:
            chars.append(piece)
            origin.append(i + offset)
    return Normalized("".join(chars), tuple(origin))


def fold(text: str) -> str:
    """Just the normalised text, for comparisons and keys."""
    return normalize(text).text
