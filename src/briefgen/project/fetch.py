"""Retrieve one web page for ``briefgen new-source URL``: its bytes as served, its final address,
and when it was retrieved, or one clear problem (nothing is written then).

The standard library's urllib, not trafilatura's fetcher (``fetch_response``): that one catches
every failure and returns None (a timeout, a refused connection, a page over its size cap and a
TLS failure all look alike), refetches without certificate checks after a TLS error by default,
blocks local addresses (an intranet page, the tests' server), takes whole seconds only and retries
server errors with a backoff of half the timeout. Here each failure has its own message, the
timeout is a deadline for the whole download, and the size limit is checked while reading.
"""

from __future__ import annotations

import datetime as _dt
import os
import threading
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from email.message import Message
from typing import IO
from urllib.parse import urlsplit

from briefgen.core.errors import BriefingError, Problem
from briefgen.core.outtext import for_terminal

DEFAULT_TIMEOUT = 20.0
TIMEOUT_ENV = "BRIEFGEN_FETCH_TIMEOUT"
HTML_TYPES = {"text/html", "application/xhtml+xml"}
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Retrieved:
    """A page as served: its bytes, the address after redirects, and when it was read (UTC)."""

    body: bytes
    url: str
    retrieved: _dt.datetime
    charset: str | None


def is_web_address(text: str) -> bool:
    try:
        return urlsplit(text).scheme.lower() in {"http", "https"}
    except ValueError:  # "http://[::1": not an address at all
        return False


def default_timeout() -> float:
    """The env var lets a test or a slow link change it without a flag on every call."""
    try:
        return float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


def _fail(url: str, message: str, hint: str | None = None) -> BriefingError:
    return BriefingError([Problem("new-source", 0, 0, (), f"{for_terminal(url)}: {message}", hint)])


def _opener() -> urllib.request.OpenerDirector:
    """HTTP(S) and redirects only: no ftp:// or file:// handler a redirect could reach."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _read_capped(response: IO[bytes], url: str, max_bytes: int, deadline: float) -> bytes:
    """Read until the end, the size limit or the deadline, whichever comes first."""
    out = bytearray()
    while chunk := response.read(_CHUNK):
        out += chunk
        if len(out) > max_bytes:
            raise _fail(url, f"the page is over the {max_bytes:,}-byte limit; nothing was written")
        if time.monotonic() > deadline:
            raise TimeoutError
    return bytes(out)


def _decoded(body: bytes, encoding: str, url: str, max_bytes: int) -> bytes:
    """The page itself when a server compressed it although asked not to (gzip only)."""
    if encoding in {"", "identity"}:
        return body
    if encoding not in {"gzip", "x-gzip"}:
        raise _fail(url, f"the server sent the page encoded as {encoding!r}, which is not read")
    inflate = zlib.decompressobj(wbits=31)
    try:
        page = inflate.decompress(body, max_bytes + 1)
    except zlib.error:
        raise _fail(
            url, "the server's compressed page could not be read; nothing was written"
        ) from None
    if len(page) <= max_bytes and not inflate.eof:
        raise _fail(url, "the server's compressed page is cut short; nothing was written")
    if len(page) > max_bytes:
        raise _fail(url, f"the page is over the {max_bytes:,}-byte limit; nothing was written")
    return page


def _check_type(headers: Message, url: str) -> None:
    kind = headers.get_content_type() if headers.get("Content-Type") else "text/html"
    if kind not in HTML_TYPES:
        raise _fail(
            url,
            f"not a web page (Content-Type {kind}); nothing was written",
            "save the article's text as a .txt file and add that instead",
        )


def fetch(url: str, *, timeout: float, max_bytes: int, user_agent: str) -> Retrieved:
    """GET ``url`` following redirects; any non-2xx status, timeout, non-HTML type or oversize
    page is a BriefingError with one line saying which.

    The timeout is a deadline for the whole retrieval: a socket's timeout only bounds each wait
    for data, so a server sending a byte every few seconds (headers or body) would hold it for
    hours. The retrieval runs in a thread that is left behind at the deadline.
    """
    done: list[Retrieved | BaseException] = []

    def work() -> None:
        try:
            done.append(_fetch(url, timeout=timeout, max_bytes=max_bytes, user_agent=user_agent))
        except BaseException as exc:  # handed to the caller's thread
            done.append(exc)

    worker = threading.Thread(target=work, name="briefgen-fetch", daemon=True)
    worker.start()
    worker.join(timeout + 1.0)
    if not done:
        raise _fail(
            url,
            f"no complete answer within {timeout:g} s; nothing was written",
            f"try again later, or allow longer with --timeout (or {TIMEOUT_ENV})",
        )
    if isinstance(done[0], BaseException):
        raise done[0]
    return done[0]


def _fetch(url: str, *, timeout: float, max_bytes: int, user_agent: str) -> Retrieved:
    if not is_web_address(url):
        raise _fail(url, "not an http(s) address")
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": user_agent,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
            "Accept-Encoding": "identity",
        },
    )
    deadline = time.monotonic() + timeout
    try:
        with _opener().open(request, timeout=timeout) as response:
            final = response.geturl()
            status = response.status
            if not 200 <= status < 300:
                raise _fail(
                    url, f"the server answered {status} {response.reason}; nothing was written"
                )
            _check_type(response.headers, final)
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise _fail(
                    final, f"the page is over the {max_bytes:,}-byte limit; nothing was written"
                )
            body = _read_capped(response, final, max_bytes, deadline)
            retrieved = _dt.datetime.now(_dt.UTC).replace(microsecond=0)
            encoding = response.headers.get("Content-Encoding", "").strip().lower()
            charset = response.headers.get_content_charset()
    except urllib.error.HTTPError as exc:
        raise _fail(
            url, f"the server answered {exc.code} {exc.reason}; nothing was written"
        ) from None
    except TimeoutError:
        raise _fail(
            url,
            f"no complete answer within {timeout:g} s; nothing was written",
            f"try again later, or allow longer with --timeout (or {TIMEOUT_ENV})",
        ) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise _fail(
                url, f"no answer within {timeout:g} s; nothing was written", "try again later"
            ) from None
        raise _fail(url, f"could not be retrieved ({reason}); nothing was written") from None
    except (OSError, ValueError) as exc:  # a dropped connection, a malformed address
        raise _fail(url, f"could not be retrieved ({exc}); nothing was written") from None
    if not body.strip():
        raise _fail(final, "the page is empty; nothing was written")
    return Retrieved(_decoded(body, encoding, final, max_bytes), final, retrieved, charset)
