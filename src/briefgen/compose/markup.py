"""MyST markup built from data: every YAML string goes through ``escape`` before it reaches a page.

CommonMark lets a backslash precede any ASCII punctuation character and then shows that character
literally, so escaping all of them (after removing control and bidi-override characters and folding
whitespace) leaves no way for text to open a role, directive, link, HTML tag, footnote or table
cell. Ids and classes are never escaped: they are validated slugs, checked again here.
"""

from __future__ import annotations

import re
import string
from urllib.parse import quote

from briefgen.core.outtext import clean

METADATA_FILE = "_briefgen.json"
"""The book's metadata (title, marking, PDF name) composed for the Sphinx extension, beside the pages."""

_PUNCT = re.compile("[" + re.escape(string.punctuation) + "]")
_ID = re.compile(r"^[a-z][a-z0-9-]*$")


def _backslashed(match: re.Match[str]) -> str:
    return "\\" + match.group()


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
