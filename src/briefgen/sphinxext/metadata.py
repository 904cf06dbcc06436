"""Book metadata (title, author, PDF name) handed from the composer to Sphinx's configuration.

The composer writes ``_briefgen.json`` beside the pages; reading it here keeps ``conf/conf.py``
generic, and makes a plain ``sphinx-build`` of the composed pages give the same book.
"""

from __future__ import annotations

import json
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

METADATA_FILE = "_briefgen.json"


def _apply(app: Sphinx, config: Config) -> None:
    path = Path(app.srcdir) / METADATA_FILE
    if not path.is_file():
        return
    meta = json.loads(path.read_text(encoding="utf-8"))
    config.project = meta["title"]
    config.author = ", ".join(meta.get("authors", [])) or meta["title"]
    config.html_title = meta["title"]
    config.copyright = meta.get("copyright", "")
    config.html_context = {**config.html_context, "briefgen": meta}


def setup_metadata(app: Sphinx) -> None:
    app.connect("config-inited", _apply)
