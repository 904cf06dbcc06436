"""Write ``objects.inv`` only when what it lists changed, and write it faster when it did.

Sphinx rewrites the object inventory after every HTML build, sorting and compressing every label
of the book: a briefing has one per claim, passage and paragraph (53,751 at 1000 sources, about
0.9 s), so a one-word edit paid for the whole inventory. The inventory is a function of the
domains' objects, the project name and version and the page suffix; their digest is kept beside
Sphinx's environment, and the dump is skipped when the digest and the file on disk are the ones
the last dump left. Any doubt (no digest, another file, another suffix) means writing it again.

When it is written, ``write_inventory`` produces Sphinx's bytes (format version 2, as
``sphinx.util.inventory.InventoryFile.dump``) with one target URI per page instead of one per
object and one compression call instead of one per line (tests/test_sphinxapp.py compares the
two byte for byte, so a Sphinx that changes its format fails the test, not the book).
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import zlib
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from briefgen.core.filestate import file_state

DIGEST_FILE = "objects.inv.sha256"


def inventory_digest(builder: Any) -> str:
    """What the inventory's bytes depend on, hashed (objects in the order the domains give them)."""
    env = builder.env
    content = [
        env.config.project,
        env.config.version,
        getattr(builder, "link_suffix", None),
        getattr(builder, "out_suffix", None),
        [(domain.name, list(domain.get_objects())) for domain in env.domains.sorted()],
    ]
    return hashlib.sha256(pickle.dumps(content, protocol=5)).hexdigest()


def write_inventory(path: Path, env: Any, builder: Any) -> None:
    """``InventoryFile.dump(path, env, builder)``, byte for byte, in less time."""

    def escape(string: str) -> str:
        return re.sub(r"\s+", " ", string)

    uris: dict[str, str] = {}
    lines: list[str] = []
    for domain in env.domains.sorted():
        for fullname, dispname, kind, docname, anchor, prio in sorted(domain.get_objects()):
            if anchor.endswith(fullname):
                anchor = anchor.removesuffix(fullname) + "$"
            uri = uris.get(docname)
            if uri is None:
                uri = uris[docname] = builder.get_target_uri(docname)
            if anchor:
                uri += "#" + anchor
            if dispname == fullname:
                dispname = "-"
            lines.append(f"{fullname} {domain.name}:{kind} {prio} {uri} {dispname}\n")
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {escape(env.config.project)}\n"
        f"# Version: {escape(env.config.version)}\n"
        "# The remainder of this file is compressed using zlib.\n"
    ).encode()
    compressor = zlib.compressobj(9)
    body = compressor.compress("".join(lines).encode()) + compressor.flush()
    with open(path, "wb") as handle:
        handle.write(header + body)


def _wrap_dump(app: Sphinx) -> None:
    builder = app.builder
    if getattr(builder, "dump_inventory", None) is None:
        return
    record = Path(app.doctreedir) / f"{builder.name}.{DIGEST_FILE}"
    inventory = Path(builder.outdir) / "objects.inv"

    def dump_inventory() -> None:
        digest = inventory_digest(builder)
        try:
            last = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            last = None
        state = file_state(inventory)
        if state is not None and last == {"digest": digest, "file": list(state)}:
            return
        record.unlink(missing_ok=True)  # a dump that fails half-way leaves no record behind
        write_inventory(inventory, builder.env, builder)
        record.write_text(
            json.dumps({"digest": digest, "file": list(file_state(inventory) or ())}),
            encoding="utf-8",
        )

    builder.dump_inventory = dump_inventory  # type: ignore[attr-defined]  # the HTML builder has one


def setup_inventory(app: Sphinx) -> None:
    app.connect("builder-inited", _wrap_dump)
