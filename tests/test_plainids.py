"""Span ids (passages, paragraphs, claims) are plain anchors: no labels, links still land on them."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pytest
from conftest import HARBOUR, copy_project
from htmlcheck import anchored_quotes, check_citation_links

from briefgen.building.book import build
from briefgen.sphinxext.spanids import pack, unpack
from briefgen.warm.front import FrontCache

pytestmark = pytest.mark.build


def _inventory_names(html: Path) -> list[str]:
    body = (html / "objects.inv").read_bytes().split(b"\n", 4)[4]
    return [line.split(" ", 1)[0] for line in zlib.decompress(body).decode().splitlines()]


@pytest.mark.parametrize("jobs", [1, 2])  # 2: pages read by worker processes, their ids merged back
def test_span_ids_are_no_labels(tmp_path: Path, jobs: int) -> None:
    root = copy_project(HARBOUR, tmp_path / "p")
    cache = FrontCache()
    build(root, ("html",), jobs=jobs, cache=cache)
    html = root / "_build/html"
    quotes = anchored_quotes(root)
    assert check_citation_links(html, quotes) >= 15  # every mark lands on its highlighted passage
    env = cache.sphinx.apps["html"].app.env
    passage = sorted(quotes)[0]
    std = env.domaindata["std"]
    assert passage not in std["anonlabels"] and passage not in std["labels"]
    pages = [doc for doc, packed in env.briefgen_span_ids.items() if passage in unpack(packed)]
    assert len(pages) == 1 and pages[0].startswith("sources/")
    names = _inventory_names(html)
    assert names and not any(name in quotes for name in names)
    assert not any(name.startswith(("p-", "c-")) for name in names)
    assert "timeline" in names  # pages and headed labels stay


def test_a_link_to_an_id_its_page_lacks_still_fails_the_build(tmp_path: Path) -> None:
    """The page's own ids are the check: a composed link to a missing passage is an error, not a dead link."""
    from sphinx.util.docutils import patch_docutils

    from briefgen.building.layout import Layout
    from briefgen.building.sphinx import run_sphinx
    from briefgen.core.errors import BriefingError

    root = copy_project(HARBOUR, tmp_path / "p")
    build(root, ("html",))
    layout = Layout(root)
    page = layout.src / "timeline.md"
    text = page.read_text(encoding="utf-8")
    broken, n = re.subn(r"\.md#q-[a-z0-9-]+>", ".md#q-no-such-passage>", text, count=1)
    assert n == 1
    page.write_text(broken, encoding="utf-8")
    with patch_docutils(layout.conf), pytest.raises(BriefingError, match="q-no-such-passage"):
        run_sphinx(layout, "html")


def test_packed_span_targets_round_trip() -> None:
    spans = {"q-a-1": "q-a-1", "a name": "a-name", "p-a-2": "p-a-2"}
    assert unpack(pack(spans)) == spans
    assert unpack(pack({})) == {}
