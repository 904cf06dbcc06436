"""Text from a briefing, made safe for where it goes out: a page, a terminal, a spreadsheet.

Every YAML value, file name and article line is data written by someone else. Each output
channel has its own way for data to become something else, and its own remedy here:

- ``clean``: pages (the book, the review sheet): control characters and bidirectional-override
  marks dropped (they can reorder what a reader sees), whitespace runs folded;
- ``for_terminal``: terminal lines: control and bidi characters shown as ``\\x1b``, ``\\u202e``
  (an escape sequence printed raw can rewrite the screen or hide a line);
- ``csv_cell``: spreadsheet cells: text starting with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return gets a leading apostrophe (OWASP's rule against CSV formula injection).
"""

from __future__ import annotations

import re
import unicodedata

# Bidi embeddings/overrides/isolates can reorder what readers see; they never belong in a briefing.
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_CONTROL = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if not chr(c).isspace()]
_WHITESPACE = [
    chr(c) for c in range(0x3001) if chr(c).isspace() or unicodedata.category(chr(c)) == "Zs"
]
# Regular expressions rather than str.translate: translate looks every character up in a dict
# (about 40 ns each), a compiled character class scans in C and touches only what it replaces.
_DROP = re.compile("[" + re.escape("".join(_CONTROL) + BIDI) + "]")
_SPACES = re.compile("[" + re.escape("".join(_WHITESPACE)) + "]+")
_UNPRINTABLE = re.compile(
    "[" + re.escape("".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]) + BIDI) + "]"
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean(text: str, *, strip: bool = True) -> str:
    """Drop control and bidi-control characters and fold whitespace runs to single spaces."""
    text = str(text)
    if text.isascii() and text.isprintable():  # the common case: only runs of spaces to fold
        folded = _SPACES.sub(" ", text) if "  " in text else text
    else:
        folded = _SPACES.sub(" ", _DROP.sub("", text))
    return folded.strip() if strip else folded


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str) -> str:
    """``text`` as one line a terminal prints literally: control and bidi characters (line breaks
    included) shown as escapes."""
    text = str(text)
    if text.isascii() and text.isprintable():
        return text
    return _UNPRINTABLE.sub(_shown, text)


def lines_for_terminal(text: str) -> str:
    """``for_terminal`` line by line: the line breaks stay, everything else is shown literally."""
    return "\n".join(for_terminal(line) for line in str(text).split("\n"))


def csv_cell(value: object) -> str:
    """A spreadsheet cell that stays text: cleaned, and never read as a formula."""
    text = clean(str(value), strip=False)
    return "'" + text if text.startswith(_FORMULA_START) else text
