"""Real Sphinx builds: citations resolve, hostile text stays text, failures keep the last book."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import REPO
from htmlcheck import anchored_quotes, check_citation_links

from briefgen.building.book import build
from briefgen.core.errors import BriefingError

pytestmark = pytest.mark.build


def test_fixture_book_builds_and_every_citation_resolves(harbour: Path) -> None:
    report = build(harbour, ("html",))
    html = harbour / "_build" / "html"
    assert (html / "index.html").is_file()
    assert (html / "sources" / "gazette.html").is_file()
    assert check_citation_links(html, anchored_quotes(harbour)) >= 15
    assert "html" in report.timings


def test_source_page_shows_numbers_non_article_and_backlinks(harbour: Path) -> None:
    build(harbour, ("html",))
    page = BeautifulSoup((harbour / "_build/html/sources/gazette.html").read_text(), "html.parser")
    numbers = [s.get_text() for s in page.select("span.para-num")]
    assert numbers == ["¶1", "¶2", "¶3", "¶4", "¶5", "¶6"]
    boxed = page.select_one("div.non-article")
    assert boxed is not None and "Marlow" in boxed.get_text() and "advertising" in boxed.get_text()
    back = page.select("span.cited-by a")
    assert back, "no 'cited in' links"
    for a in back:
        href, _, frag = a["href"].partition("#")
        target = (
            BeautifulSoup(
                (harbour / "_build/html/sources" / href).resolve().read_text(), "html.parser"
            )
            if href
            else page
        )
        assert target.find(id=frag) is not None, a["href"]


HOSTILE = (
    "<script>alert('x')</script> {raw}`html <b>bold</b>` \\input{/etc/passwd} [^c1] ```{eval-rst}"
)


def test_hostile_yaml_text_renders_literally(harbour: Path) -> None:
    edits = {
        "briefing/book.yaml": [
            ("title: North Pier Closure", f'title: "Pier {HOSTILE}"'),
            ("marking: TEST // NOT FOR DISTRIBUTION", f'marking: "M {HOSTILE}"'),
        ],
        "briefing/background.yaml": [
            ("title: The vote", f'title: "Vote {HOSTILE}"'),
            (
                "text: Engineers put the repairs at about eight months.",
                f'text: "Repairs {HOSTILE}"',
            ),
        ],
        "briefing/actors.yaml": [
            ("name: Ines Varga", f'name: "Varga {HOSTILE}"'),
            ("role: Chair of the Port Authority", f'role: "Chair {HOSTILE}"'),
        ],
        "briefing/positions.yaml": [
            ("stance: Not consulted", f'stance: "Not consulted {HOSTILE}"')
        ],
        "briefing/questions.yaml": [
            ("- Notice of a guild vote on action", f'- "Notice {HOSTILE}"')
        ],
        "briefing/sources/herald.yaml": [("outlet: Coastal Herald", f'outlet: "Herald {HOSTILE}"')],
    }
    for rel, pairs in edits.items():
        path = harbour / rel
        text = path.read_text()
        for old, new in pairs:
            assert old in text
            text = text.replace(old, new.replace("\\", "\\\\"))
        path.write_text(text)
    (harbour / "articles/herald.txt").write_text(
        (harbour / "articles/herald.txt").read_text() + f"\n{HOSTILE}\n"
    )
    build(harbour, ("html",))
    literal = HOSTILE.replace("\\\\", "\\")
    for page in (harbour / "_build/html").rglob("*.html"):
        soup = BeautifulSoup(page.read_text(), "html.parser")
        for script in soup.find_all("script"):
            assert "alert" not in script.get_text() and "alert" not in script.get("src", "")
        assert soup.find("b", string="bold") is None
    for name in ("index", "background", "actors", "positions", "questions", "sources/herald"):
        text = " ".join(
            BeautifulSoup((harbour / f"_build/html/{name}.html").read_text(), "html.parser")
            .get_text()
            .split()
        )
        assert literal in text, name


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_failed_build_keeps_last_good_book(harbour: Path) -> None:
    build(harbour, ("html",))
    html = harbour / "_build" / "html"
    before = _snapshot(html)
    timeline = harbour / "briefing/timeline.yaml"
    timeline.write_text(
        timeline.read_text().replace(
            "We held two public meetings in March", "We held six public meetings in March"
        )
    )
    with pytest.raises(BriefingError) as err:
        build(harbour, ("html",))
    assert "quote not found" in str(err.value)
    assert _snapshot(html) == before


def test_sphinx_failure_keeps_last_good_book(harbour: Path) -> None:
    build(harbour, ("html",))
    html = harbour / "_build" / "html"
    before = _snapshot(html)
    # the project starts overriding briefgen's defaults, wrongly
    conf = harbour / "conf" / "conf.py"
    conf.parent.mkdir()
    conf.write_text(
        (REPO / "conf/conf.py").read_text() + "\nextensions.append('no_such_extension_xyz')\n"
    )
    with pytest.raises(BriefingError) as err:
        build(harbour, ("html",))
    assert "no_such_extension_xyz" in str(err.value)
    assert _snapshot(html) == before


def test_rebuild_is_byte_identical(harbour: Path, tmp_path: Path) -> None:
    build(harbour, ("html",))
    first = _snapshot(harbour / "_build" / "html")
    import shutil

    shutil.rmtree(harbour / "_build")
    build(harbour, ("html",))
    assert _snapshot(harbour / "_build" / "html") == first


def test_second_build_at_once_is_refused_clearly(harbour: Path) -> None:
    from conftest import run_cli

    from briefgen.building.layout import BuildLocked, Layout, build_lock

    with build_lock(Layout(harbour)):
        with pytest.raises(BuildLocked, match="another briefgen build is running"):
            build(harbour, ("html",))
        result = run_cli("build", "--project", str(harbour))
        assert result.exit_code == 1
        assert "another briefgen build is running" in result.output
    build(harbour, ("html",))  # the lock is released with the first build


def test_a_missing_graphviz_says_what_to_install(harbour: Path) -> None:
    """Not "a composed page failed to render; please report this": the cause is the machine."""
    (harbour / "conf").mkdir()
    (harbour / "conf/conf.py").write_text(
        (REPO / "conf/conf.py").read_text() + "\ngraphviz_dot = '/nonexistent/dot'\n"
    )
    with pytest.raises(BriefingError) as failed:
        build(harbour, ("html",))
    text = str(failed.value)
    assert "Graphviz is not installed" in text and "apt-get install graphviz" in text, text
    assert "please report" not in text
