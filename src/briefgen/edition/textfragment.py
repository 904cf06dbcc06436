"""URL text fragments (``#:~:text=``) that open an article on its original site at a quoted passage.

The WICG URL Fragment Text Directive (https://wicg.github.io/scroll-to-text-fragment/) lets a link
name a passage: ``#:~:text=[prefix-,]textStart[,textEnd][,-suffix]``. A browser that supports it
scrolls to the first match in the page and highlights it. The first match must be ours, so a
fragment is chosen to be unique in the article text: the quote itself when it is short, else its
first and last words (``textStart,textEnd``); then words just before (prefix) or after (suffix) the
passage, from the same paragraph, until no other place of the article matches.

Matching is simulated as browsers do it: case-insensitive, whitespace runs equal, whole words, a
term never crossing a paragraph. The original page also has text around the article (navigation,
other stories), which we cannot see; uniqueness within the article is the best we can check, and
the page says the original may have changed since it was retrieved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

LONG_QUOTE_WORDS = 10
"""A quote of more words than this is linked by its first and last words (``textStart,textEnd``):
URLs stay short, and a later edit inside the passage on the site does not break the link."""
EDGE_WORDS = 3  # words of a long quote's start and end
MAX_CONTEXT_WORDS = 4  # words of prefix or suffix tried, at most


def encode(term: str) -> str:
    """Percent-encode a directive term: everything but unreserved ASCII, and ``-`` too.

    The spec reserves ``-`` (prefix/suffix marker), ``,`` (term separator) and ``&`` (directive
    separator) inside terms; ``quote`` with no safe characters encodes ``,`` and ``&`` but leaves
    ``-`` (an unreserved character of URLs) alone, so it is encoded by hand.
    """
    return quote(term, safe="").replace("-", "%2D")


@dataclass(frozen=True)
class TextDirective:
    """The four terms of a text directive (start is required)."""

    start: str
    end: str | None = None
    prefix: str | None = None
    suffix: str | None = None

    def fragment(self) -> str:
        """``:~:text=...``, to append after ``#``."""
        terms = ([f"{encode(self.prefix)}-"] if self.prefix else []) + [encode(self.start)]
        terms += [encode(self.end)] if self.end else []
        terms += [f"-{encode(self.suffix)}"] if self.suffix else []
        return ":~:text=" + ",".join(terms)


def link(url: str, directive: TextDirective) -> str:
    """The URL with the text directive, replacing any fragment the URL had."""
    return url.split("#", 1)[0] + "#" + directive.fragment()


class _Folded:
    """The article as browsers match it: lower case, whitespace runs as one space, paragraphs apart.

    Keeps for each character of the folded text the offset of the original one, so a match can
    be compared with the passage's span.
    """

    def __init__(self, text: str, paragraphs: Sequence[tuple[int, int]]) -> None:
        chars: list[str] = []
        origin: list[int] = []
        for n, (lo, hi) in enumerate(paragraphs):
            if n:
                chars.append("\n")
                origin.append(lo)
            space = False
            for i in range(lo, hi):
                ch = text[i]
                if ch.isspace():
                    space = True
                    continue
                if space and chars and chars[-1] != "\n":
                    chars.append(" ")
                    origin.append(i)
                space = False
                for low in ch.lower():
                    chars.append(low)
                    origin.append(i)
        self.text = "".join(chars)
        self.origin = origin

    def occurrences(self, term: str) -> list[int]:
        """Folded offsets of every whole-word occurrence of a term (already folded)."""
        found, at = [], self.text.find(term)
        while at >= 0:
            before = self.text[at - 1] if at else " "
            after = self.text[at + len(term)] if at + len(term) < len(self.text) else " "
            if not (before.isalnum() and term[0].isalnum()) and not (
                after.isalnum() and term[-1].isalnum()
            ):
                found.append(at)
            at = self.text.find(term, at + 1)
        return found

    def matches(self, d: TextDirective) -> list[tuple[int, int]]:
        """Original spans of every range the directive selects, in document order."""
        start, end = _fold(d.start), _fold(d.end) if d.end else None
        prefix, suffix = (
            (_fold(d.prefix) if d.prefix else None),
            (_fold(d.suffix) if d.suffix else None),
        )
        out = []
        for at in self.occurrences(start):
            if prefix is not None and not self._preceded_by(at, prefix):
                continue
            stop = at + len(start)
            if end is not None:
                later = [e for e in self.occurrences(end) if e >= stop]
                if not later:
                    continue
                stop = later[0] + len(end)
            if suffix is not None and not self._followed_by(stop, suffix):
                continue
            out.append((self.origin[at], self.origin[stop - 1] + 1))
        return out

    def _preceded_by(self, at: int, prefix: str) -> bool:
        lead = at - 1 if at and self.text[at - 1] == " " else at
        begin = lead - len(prefix)
        return (
            begin >= 0
            and self.text[begin:lead] == prefix
            and (begin == 0 or not (self.text[begin - 1].isalnum() and prefix[0].isalnum()))
        )

    def _followed_by(self, stop: int, suffix: str) -> bool:
        lead = stop + 1 if stop < len(self.text) and self.text[stop] == " " else stop
        tail = lead + len(suffix)
        return self.text[lead:tail] == suffix and (
            tail >= len(self.text) or not (self.text[tail].isalnum() and suffix[-1].isalnum())
        )


def _fold(term: str) -> str:
    return " ".join(term.lower().split())


def choose(
    text: str, paragraphs: Sequence[tuple[int, int]], start: int, end: int
) -> TextDirective | None:
    """The shortest text directive whose only match in ``text`` is the passage ``text[start:end]``.

    ``paragraphs`` are the ``(start, end)`` offsets of the article's paragraphs (a term never
    crosses one). See ``Article.choose``.
    """
    return Article(text, paragraphs).choose(start, end)


class Article:
    """An article's text, folded once for choosing the fragments of all its passages."""

    def __init__(self, text: str, paragraphs: Sequence[tuple[int, int]]) -> None:
        self.text, self.paragraphs = text, list(paragraphs)
        self.folded = _Folded(text, paragraphs)

    def choose(self, start: int, end: int) -> TextDirective | None:
        """Tries, in order: the passage (or its edges when long) alone, then with 1 to
        ``MAX_CONTEXT_WORDS`` words of prefix, of suffix, then of both. None if no directive
        matches only this passage (it repeats with the same words around it)."""
        return _choose(self.folded, self.text, self.paragraphs, start, end)


def _choose(
    folded: _Folded, text: str, paragraphs: Sequence[tuple[int, int]], start: int, end: int
) -> TextDirective | None:
    words = text[start:end].split()
    if not words:
        return None
    para = next(((lo, hi) for lo, hi in paragraphs if lo <= start < hi), (0, len(text)))
    before = text[para[0] : start].split()
    after = text[end : para[1]].split()
    if len(words) > LONG_QUOTE_WORDS:
        edges = range(EDGE_WORDS, (len(words) - 1) // 2 + 1)
        bases = [TextDirective(" ".join(words[:n]), " ".join(words[-n:])) for n in edges] + [
            TextDirective(" ".join(words))
        ]
    else:
        bases = [TextDirective(" ".join(words))]
    target = (start, end)
    for base in bases:
        tried = [base]
        for n in range(1, MAX_CONTEXT_WORDS + 1):
            if n <= len(before):
                tried.append(TextDirective(base.start, base.end, prefix=" ".join(before[-n:])))
            if n <= len(after):
                tried.append(TextDirective(base.start, base.end, suffix=" ".join(after[:n])))
        for n in range(1, MAX_CONTEXT_WORDS + 1):
            if before and after:
                tried.append(
                    TextDirective(
                        base.start,
                        base.end,
                        prefix=" ".join(before[-n:]),
                        suffix=" ".join(after[:n]),
                    )
                )
        for directive in tried:
            if folded.matches(directive) == [target]:
                return directive
    return None
