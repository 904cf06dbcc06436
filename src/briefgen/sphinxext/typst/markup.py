"""Typst markup from data: text only ever reaches Typst as a string literal.

A Typst string literal can hold any text once backslashes and double quotes are escaped, and in
markup ``#"..."`` shows a string as plain text: no markup, code, label, reference, math or
comment syntax inside it is interpreted. Labels are made with ``label("...")`` from a string too,
so ids never need to be valid Typst label syntax.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_SMART = re.compile(r"""(['"])""")


def string(text: str) -> str:
    """A Typst string literal holding ``text`` exactly (line breaks and controls become spaces)."""
    text = _CONTROL.sub(" ", text)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def text(value: str, *, smart_quotes: bool = True) -> str:
    """Markup that prints ``value`` literally.

    With ``smart_quotes`` straight quotes and apostrophes are left to Typst's markup, which sets
    them as typographic quotes (the analyst's own text); without, every character is kept as
    written (article text, which the book reproduces exactly).
    """
    if not value:
        return ""
    if not smart_quotes:
        return "#" + string(value)
    out = []
    for piece in _SMART.split(value):
        if piece in ("'", '"'):
            out.append(piece)  # a quote character in markup is a smart quote, nothing more
        elif piece:
            out.append("#" + string(piece))
    return "".join(out)


def label(name: str) -> str:
    return f"label({string(name)})"
