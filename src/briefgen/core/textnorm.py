"""Typographic normalisation that remembers where each character came from.

Quotes are typed on keyboards; articles are typeset. The two differ in curly vs straight quotes,
dash variants, non-breaking and repeated spaces, and the ellipsis character, never in words. We
fold only those differences, keeping for every normalised character the index of the original one,
so a match can be mapped back to an exact span of the article.

Most text needs only one-for-one substitutions (``str.translate``, in C) and keeps its length, so
its position map is a plain ``range``; only text with whitespace runs, an ellipsis or invisible
characters takes the character-by-character path.

Canonically equivalent text is equal: an article saved decomposed (NFD: "n" + U+0303, as macOS
and some sites write it) matches a quote typed composed (NFC: "ñ"). Folding composes to NFC; a
composed character maps to the first original character of its cluster, and ``SourceText.span``
extends a match's end over the cluster's trailing combining marks, so offsets stay exact.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

_FOLD = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    "\u2026": "...",
}
_DROP = set("\u200b\u200c\u2060\ufeff\u00ad")
# Every whitespace/space-separator character lies below U+3001 (the ideographic space is U+3000).
_SPACES = [
    chr(c) for c in range(0x3001) if chr(c).isspace() or unicodedata.category(chr(c)) == "Zs"
]

#: One-for-one folds: length-preserving, so positions are unchanged.
_ONE_FOR_ONE = str.maketrans(
    {**{k: v for k, v in _FOLD.items() if len(v) == 1}, **dict.fromkeys(_SPACES, " ")}
)
#: Every fold, for text whose positions are not needed.
_ALL = str.maketrans({**_FOLD, **dict.fromkeys(_SPACES, " "), **dict.fromkeys(_DROP, None)})
_IRREGULAR = re.compile("  |^ | $|[" + re.escape("".join(_DROP)) + "\u2026]")


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus, for each of its characters, the index in the original."""

    text: str
    origin: Sequence[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` of the normalised slice ``[start, end)`` (end exclusive)."""
        return self.origin[start], self.origin[end - 1] + 1


def _is_starter(ch: str) -> bool:
    """A character NFC never composes with what precedes it (Hangul vowels/finals excepted)."""
    return unicodedata.combining(ch) == 0 and not "\u1161" <= ch <= "\u11c2"


def composed(text: str) -> Iterator[tuple[int, str]]:
    """NFC text character by character, each with the index of the original it comes from.

    Text is composed cluster by cluster (a starter and the marks after it), so every composed
    character points at the start of its cluster in the original.
    """
    if unicodedata.is_normalized("NFC", text):
        yield from enumerate(text)
        return
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and not _is_starter(text[j]):
            j += 1
        for ch in unicodedata.normalize("NFC", text[i:j]):
            yield i, ch
        i = j


def _normalize_slowly(text: str, offset: int) -> Normalized:
    chars: list[str] = []
    origin = array("i")  # offsets of files up to 5 MB fit in 32 bits
    pending_space = -1
    for i, ch in composed(text):
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
        for piece in _FOLD.get(ch, ch):
            chars.append(piece)
            origin.append(i + offset)
    return Normalized("".join(chars), origin)


def normalize(text: str, offset: int = 0) -> Normalized:
    """Fold typography and collapse whitespace runs to one space, trimming both ends."""
    folded = text.translate(_ONE_FOR_ONE)
    if not _IRREGULAR.search(folded) and unicodedata.is_normalized("NFC", folded):
        return Normalized(folded, range(offset, offset + len(folded)))
    return _normalize_slowly(text, offset)


def fold(text: str) -> str:
    """Just the normalised text (same result as ``normalize(text).text``), for keys and search."""
    return re.sub(" {2,}", " ", unicodedata.normalize("NFC", text.translate(_ALL))).strip()
