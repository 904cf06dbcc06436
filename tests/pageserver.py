"""A local web server for 'new-source URL' tests: real HTTP on 127.0.0.1, one route per case."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from conftest import FIXTURES

from briefgen.project.newsource import MAX_PAGE_BYTES

ARTICLES = FIXTURES / "articles"
SLOW_SECONDS = 1.5  # longer than the tests' --timeout, short enough not to hold the suite


def _page(name: str) -> bytes:
    return (ARTICLES / name).read_bytes()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # close-delimited bodies: /huge sends no Content-Length

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        pass

    def _send(self, status: int, kind: str, body: bytes, length: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path
        if path in {"/news/pilots-strike", "/ledger", "/metro"}:
            name = {"/ledger": "ledger.html", "/metro": "metro.html"}.get(path, "pilots.html")
            self._send(200, "text/html; charset=utf-8", _page(name))
        elif path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/news/pilots-strike")
            self.end_headers()
        elif path == "/slow":
            time.sleep(SLOW_SECONDS)
            self._send(200, "text/html", _page("pilots.html"))
        elif path == "/report.pdf":
            self._send(200, "application/pdf", b"%PDF-1.7\n%fake\n")
        elif path == "/huge":  # no Content-Length: the limit is found while reading
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<p>" + b"x" * (1 << 20) + b"</p>\n"
            sent = 0
            while sent <= MAX_PAGE_BYTES:
                self.wfile.write(chunk)
                sent += len(chunk)
        elif path == "/huge-declared":  # the server says how large: refused before reading
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(MAX_PAGE_BYTES + 1))
            self.end_headers()
            self.wfile.write(b"<html>")
        else:
            self._send(404, "text/html", b"<h1>Not found</h1>")


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (the timeout and size cases) is expected: no traceback


@contextmanager
def serving() -> Iterator[str]:
    """The base address ('http://127.0.0.1:PORT') of a server running for the block."""
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
