"""MyST markup built from data: every YAML string goes through ``escape`` before it reaches a page.

CommonMark lets a backslash precede any ASCII punctuation character and then shows that character
literally, so escaping all of them (after removing control and bidi-override characters and folding
whitespace) leaves no way for text to open a role, directive, link, HTML tag, footnote or table
cell. Ids and classes are never escaped: they are validated slugs, checked again here.
"""

from __future__ import annotations

import re
import string
import unicodedata
from urllib.parse import quote

METADATA_FILE = "_briefgen.json"
"""The book's metadata (title, marking, PDF name) composed for the Sphinx extension, beside the pages."""

# Bidi embeddings/overrides/isolates can reorder what readers see; they never belong in a briefing.
_INVISIBLE = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_CONTROL = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if not chr(c).isspace()]
_WHITESPACE = [
    chr(c) for c in range(0x3001) if chr(c).isspace() or unicodedata.category(chr(c)) == "Zs"
]
# Regular expressions rather than str.translate: translate looks every character up in a dict
# (about 40 ns each), a compiled character class scans in C and touches only what it replaces.
_DROP = re.compile("[" + re.escape("".join(_CONTROL) + _INVISIBLE) + "]")
_SPACES = re.compile("[" + re.escape("".join(_WHITESPACE)) + "]+")
_PUNCT = re.compile("[" + re.escape(string.punctuation) + "]")
_ID = re.compile(r"^[a-z][a-z0-9-]*$")


def _backslashed(match: re.Match[str]) -> str:
    return "\\" + match.group()


def clean(text: str, *, strip: bool = True) -> str:
    """Drop control and bidi-control characters and fold whitespace runs to single spaces."""
    text = str(text)
    if text.isascii() and text.isprintable():  # the common case: only runs of spaces to fold
        folded = _SPACES.sub(" ", text) if "  " in text else text
    else:
        folded = _SPACES.sub(" ", _DROP.sub("", text))
    return folded.strip() if strip else folded


def escape(text: str, *, strip: bool = True) -> str:
    """Text that MyST renders literally, whatever it contains (``strip=False`` keeps edge spaces)."""
    return _PUNCT.sub(_backslashed, clean(text, strip=strip))


def check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(f"unsafe id for markup: {value!r}")
    return value


def span(inner_markup: str, *, id: str | None = None, classes: tuple[str, ...] = ()) -> str:
    """``[inner]{#id .class}``: an inline span (``attrs_inline``); inner must already be markup."""
    attrs = ([f"#{check_id(id)}"] if id else []) + [f".{check_id(c)}" for c in classes]
    return f"[{inner_markup}]{{{' '.join(attrs)}}}" if attrs else inner_markup


def link(inner_markup: str, target: str) -> str:
    """A link to a document path and/or ``#anchor``; targets are built from validated ids only."""
    if not re.match(r"^[A-Za-z0-9_./-]*(#[a-z][a-z0-9-]*)?$", target):
        raise ValueError(f"unsafe link target: {target!r}")
    return f"[{inner_markup}](<{target}>)" if target else inner_markup


_URL_SAFE = "!#$%&()*+,-./:;=?@[]_~"  # kept as they are; anything else (spaces, quotes, <, >, backslash, non-ASCII) is percent-encoded


def external_link(inner_markup: str, url: str) -> str:
    """A link to a web address (a source's ``url``): only http(s), and nothing in it can end the link."""
    if not re.match(r"^https?://", url):
        raise ValueError(f"not a web address: {url!r}")
    return f"[{inner_markup}](<{quote(url, safe=_URL_SAFE)}>)"


def label(id: str) -> str:
    """A MyST target line ``(id)=`` placed before a heading or block."""
    return f"({check_id(id)})="
