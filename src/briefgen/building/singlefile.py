"""The single-file book: Sphinx's one-page HTML with every style, script, image and font inside.

A reader on a disconnected network or in an e-mail thread needs one file that opens by itself
(Quarto's ``embed-resources`` does the same). Sphinx's ``singlehtml`` builder already puts every
page in one document and turns each citation into a link inside it; what it leaves outside are
the files the page loads. Here each is read from the builder's output folder and put in the page:
stylesheets as ``<style>`` (with the fonts and images they name as ``data:`` URIs), scripts as
inline ``<script>``, figures as ``data:`` URIs. What cannot work from one file goes: the search
(a reader uses the browser's find), the download buttons, the links to neighbouring pages.
Only files inside the output folder are read: a reference that leaves it is dropped, not followed.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

_LINK = re.compile(r"<link\b[^>]*>", re.I)
_SCRIPT = re.compile(r"<script\b([^>]*)\bsrc=\"([^\"]+)\"([^>]*)>\s*</script>", re.I | re.S)
_SRC = re.compile(r"(<(?:img|source)\b[^>]*?\bsrc=\")([^\"]+)(\")", re.I)
_DATA = re.compile(r"(<object\b[^>]*?\bdata=\")([^\"]+)(\")", re.I)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")
_CSS_IMPORT = re.compile(r"@import\s+(?:url\()?['\"]?([^'\")\s;]+)['\"]?\)?[^;]*;")
_SEARCH_FORM = re.compile(
    r"<form\b[^>]*\baction=\"[^\"]*search\.html\"[^>]*>.*?</form>", re.I | re.S
)
_DOWNLOAD = re.compile(
    r"<a\b[^>]*\bclass=\"[^\"]*briefgen-pdf-button[^\"]*\"[^>]*>.*?</a>", re.I | re.S
)
_DOUBLE_FRAGMENT = re.compile(r'href="#document-[^"#]*#')
_PAGE_LINK = re.compile(
    r"<a\b[^>]*\bhref=\"(?!#|https?:|mailto:)[^\"]*\"[^>]*>(.*?)</a>", re.I | re.S
)
# Sphinx's search needs its index file and page; the browser's own find replaces it
_SEARCH_SCRIPTS = ("searchtools.js", "language_data.js", "searchindex.js", "english-stemmer.js")
_HIDE_SEARCH = (
    "<style>.search-button, .search-button-field, .search-button__wrapper, "
    ".bd-search { display: none !important; }</style>"
)


def single_name(slug: str) -> str:
    """The name ``briefgen build single`` gives the file."""
    return f"{slug}-book.html"


_FONT_TYPES = {
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".svg": "image/svg+xml",
}


def _inside(folder: Path, ref: str, relative_to: Path) -> Path | None:
    """The file a relative reference names, if it is a file inside ``folder`` (else None)."""
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc or not parts.path or ref.startswith(("#", "data:")):
        return None
    path = (relative_to / unquote(parts.path)).resolve()
    root = folder.resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def _data_uri(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or _FONT_TYPES.get(
        path.suffix.lower(), "application/octet-stream"
    )
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _css(folder: Path, path: Path, seen: frozenset[Path] = frozenset()) -> str:
    """A stylesheet with its imports in place and its fonts and images as data: URIs."""
    text = path.read_text(encoding="utf-8", errors="replace")

    def imported(m: re.Match[str]) -> str:
        target = _inside(folder, m.group(1), path.parent)
        if target is None or target in seen:
            return ""
        return _css(folder, target, seen | {path})

    def url(m: re.Match[str]) -> str:
        ref = m.group(2).strip()
        if ref.startswith(("data:", "#")):
            return m.group(0)
        target = _inside(folder, ref, path.parent)
        return f'url("{_data_uri(target)}")' if target is not None else "url()"

    text = _CSS_IMPORT.sub(imported, text)
    text = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", text)
    return _CSS_URL.sub(url, text)


def _script_text(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    text = re.sub(r"//# sourceMappingURL=\S+", "", text)
    return text.replace("</script", "<\\/script")


def single_file(index: Path) -> str:
    """The page ``index`` (a ``singlehtml`` build) with everything it loads inside it."""
    folder = index.parent
    html = index.read_text(encoding="utf-8")

    def link(m: re.Match[str]) -> str:
        tag = m.group(0)
        rel = re.search(r"\brel=\"([^\"]+)\"", tag)
        href = re.search(r"\bhref=\"([^\"]+)\"", tag)
        if rel and "stylesheet" in rel.group(1).split() and href:
            target = _inside(folder, href.group(1), folder)
            return f"<style>{_css(folder, target)}</style>" if target is not None else ""
        if rel and "preload" in rel.group(1).split():
            return ""  # inlined below
        if rel and rel.group(1) in ("index", "search", "next", "prev", "icon", "shortcut icon"):
            return ""
        return tag if not href else ""

    def script(m: re.Match[str]) -> str:
        ref = m.group(2)
        if any(name in ref for name in _SEARCH_SCRIPTS):
            return ""
        target = _inside(folder, ref, folder)
        if target is None:
            return ""
        attrs = re.sub(r"\b(defer|async)(=\"[^\"]*\")?", "", m.group(1) + m.group(3)).strip()
        return f"<script{' ' + attrs if attrs else ''}>{_script_text(target)}</script>"

    def resource(m: re.Match[str]) -> str:
        if m.group(2).startswith(("data:", "#")):
            return m.group(0)
        # a file of the output folder, inlined; anything else (an address out) cannot load offline
        target = _inside(folder, m.group(2), folder)
        return f"{m.group(1)}{_data_uri(target) if target is not None else ''}{m.group(3)}"

    html = _SEARCH_FORM.sub("", html)
    html = _DOWNLOAD.sub("", html)
    html = _LINK.sub(link, html)
    html = _SCRIPT.sub(script, html)
    html = _SRC.sub(resource, html)
    html = _DATA.sub(resource, html)
    # singlehtml names a place on another page "#document-<page>#<id>": in one file, "#<id>"
    html = _DOUBLE_FRAGMENT.sub('href="#', html)
    html = _PAGE_LINK.sub(r"\1", html)  # a link to a page that is not in the file: its text stays
    return html.replace("</head>", f"{_HIDE_SEARCH}</head>", 1)
