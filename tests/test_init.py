"""`briefgen init` and the packaged defaults: a new analyst's first minutes, and the repository's
own project building the same book with or without its conf/ override."""

from __future__ import annotations

import filecmp
import functools
import http.server
import re
import shutil
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from briefgen.build import build
from briefgen.scaffold import NEXT_STEPS
from conftest import REPO, run_cli
from htmlcheck import anchored_quotes, check_citation_links


def test_init_writes_a_briefing_that_passes_check(tmp_path: Path) -> None:
    result = run_cli("init", str(tmp_path / "new"))
    assert result.exit_code == 0, result.output
    for step in NEXT_STEPS:
        assert step in result.output  # the next three commands
    root = tmp_path / "new"
    for rel in ("briefing/book.yaml", "briefing/sources/example-report.yaml", "articles/example-report.txt", ".gitignore", "README.md", ".github/workflows/book.yml", ".readthedocs.yaml", "schemas/book.schema.json"):
        assert (root / rel).is_file(), rel
    for path in (root / "briefing").rglob("*.yaml"):  # every file names its schema, and the schema is there
        first = path.read_text().splitlines()[0]
        match = re.match(r"# yaml-language-server: \$schema=(\S+)$", first)
        assert match and (path.parent / match.group(1)).resolve().is_file(), path
    check = run_cli("check", "-p", str(root))
    assert check.exit_code == 0, check.output
    assert "ok: 1 sources" in check.output
    text = (root / "briefing/book.yaml").read_text()
    assert "# " in text and "parties:" in text and text.count("- {id:") == 2 and "issues:" in text  # commented, two parties


def test_init_refuses_to_overwrite_a_briefing(tmp_path: Path) -> None:
    assert run_cli("init", str(tmp_path / "b")).exit_code == 0
    book = tmp_path / "b/briefing/book.yaml"
    book.write_text(book.read_text() + "# my edits\n")
    again = run_cli("init", str(tmp_path / "b"))
    assert again.exit_code == 1
    assert "a briefing already exists here; init never overwrites one" in again.output
    assert "Traceback" not in again.output
    assert book.read_text().endswith("# my edits\n")


def test_init_bare_is_a_skeleton_without_a_source(tmp_path: Path) -> None:
    result = run_cli("init", str(tmp_path / "s"), "--bare")
    assert result.exit_code == 0, result.output
    assert "briefgen new-source ARTICLE" in result.output
    root = tmp_path / "s"
    assert not list((root / "briefing/sources").glob("*.yaml")) and (root / "briefing/book.yaml").is_file()
    assert (root / ".github/workflows/book.yml").is_file()
    check = run_cli("check", "-p", str(root))
    assert check.exit_code == 1 and "Traceback" not in check.output  # no source yet: a located error, not a crash


def test_publishing_files_validate_against_their_schemas(tmp_path: Path) -> None:
    """GitHub's workflow schema and Read the Docs' config schema, vendored in check-jsonschema."""
    run_cli("init", str(tmp_path / "p"))
    root = tmp_path / "p"
    for schema, path in (("vendor.github-workflows", ".github/workflows/book.yml"), ("vendor.readthedocs", ".readthedocs.yaml")):
        done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(root / path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    workflow = (root / ".github/workflows/book.yml").read_text()
    rtd = (root / ".readthedocs.yaml").read_text()
    for text in (workflow, rtd):  # the same commands a user runs locally
        assert "pip install briefgen" in text and "briefgen build all" in text


def test_pages_workflow_passes_a_workflow_linter(tmp_path: Path) -> None:
    """zizmor (offline audits): least-privilege permissions per job, no persisted checkout token,
    every action pinned to a commit. Any finding, even a pedantic one, fails."""
    run_cli("init", str(tmp_path / "z"))
    zizmor = Path(sys.executable).parent / "zizmor"
    done = subprocess.run([str(zizmor), "--offline", "--persona=pedantic", "--no-progress", str(tmp_path / "z/.github/workflows/book.yml")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings" in done.stdout + done.stderr


@pytest.mark.build
def test_the_shipped_book_is_the_same_with_or_without_its_conf_override(book: Path, tmp_path: Path) -> None:
    """The repository's conf/ only imports the packaged defaults: HTML and PDF are byte-identical."""
    bare = tmp_path / "bare"
    for name in ("briefing", "seeds"):
        shutil.copytree(REPO / name, bare / name)
    build(bare, ("html", "pdf"))
    compare = filecmp.dircmp(book / "_build/html", bare / "_build/html")

    def differences(c: filecmp.dircmp) -> list[str]:
        out = [*c.left_only, *c.right_only, *c.diff_files]
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        out += mismatch + errors
        for sub in c.subdirs.values():
            out += differences(sub)
        return out

    assert differences(compare) == []
    assert next((book / "_build/pdf").glob("*.pdf")).read_bytes() == next((bare / "_build/pdf").glob("*.pdf")).read_bytes()


@pytest.mark.build
def test_html_is_relocatable_and_offline(tmp_path: Path) -> None:
    """No asset from the internet, no root-absolute path: the book works from file://, offline,
    and from a sub-path of a web site."""
    run_cli("init", str(tmp_path / "r"))
    root = tmp_path / "r"
    build(root, ("html", "pdf"))
    html = root / "_build/html"
    pages = sorted(p for p in html.rglob("*.html") if "_static" not in p.parts)  # the theme ships Jinja macros in _static
    assets = 0
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("object", "data"), ("source", "src")):
            for el in soup.find_all(tag):
                url = el.get(attr)
                if not url:
                    continue
                if url.startswith("#"):
                    continue
                assets += 1
                assert not re.match(r"^(https?:)?//", url), f"{page.name} fetches {url}"
                assert not url.startswith("/"), f"{page.name} uses a root-absolute path {url}"
                target = (page.parent / url.split("#")[0].split("?")[0]).resolve()
                assert target.is_file(), f"{page.name}: {url}"
    assert assets > 20
    for css in html.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.read_text(encoding="utf-8", errors="replace")), css
    # Served from a sub-path: every asset of the landing page answers 200 there.
    site = tmp_path / "site"
    shutil.copytree(html, site / "books" / "bridge")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/books/bridge/"
        soup = BeautifulSoup(urllib.request.urlopen(base + "index.html").read(), "html.parser")
        for el in soup.select("script[src], link[href][rel~=stylesheet], a.briefgen-pdf-button"):
            url = el.get("src") or el.get("href")
            assert urllib.request.urlopen(base + url).status == 200, url
    finally:
        server.shutdown()


@pytest.mark.build
def test_wheel_in_a_fresh_virtualenv_starts_checks_builds_and_adds_a_source(tmp_path: Path) -> None:
    """What a new analyst does: pip install the wheel (no access to this repository), init, check,
    build HTML and PDF, add an article; the citations of the result resolve."""
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)], check=True, capture_output=True, timeout=600)
    wheel = next(dist.glob("briefgen-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = subprocess.run([str(venv / "bin/python"), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True, timeout=900)
    assert pip.returncode == 0, pip.stderr[-3000:]
    work = tmp_path / "analyst"
    work.mkdir()
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}  # no PYTHONPATH: the repository is out of reach

    def briefgen(*args: str) -> str:
        done = subprocess.run([str(venv / "bin/briefgen"), *args], cwd=work, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"briefgen {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout + done.stderr

    where = subprocess.run([str(venv / "bin/python"), "-c", "import briefgen.cli; print(briefgen.cli.__file__)"], cwd=work, env=env, capture_output=True, text=True, check=True).stdout
    assert str(venv) in where and str(REPO) not in where
    briefgen("init", "book")
    work = work / "book"
    briefgen("check")
    out = briefgen("build", "all")
    assert "PDF: _build/pdf/example-bridge-closure.pdf" in out
    html = work / "_build/html"
    assert check_citation_links(html, anchored_quotes(work)) >= 10
    assert (html / "example-bridge-closure.pdf").read_bytes()[:5] == b"%PDF-"
    shutil.copy(REPO / "tests/fixtures/articles/ferry.txt", work / "ferry.txt")
    out = briefgen("new-source", "ferry.txt", "--id", "ferry")
    assert "wrote briefing/sources/ferry.yaml" in out and (work / "seeds/ferry.txt").is_file()
    listed = subprocess.run([str(venv / "bin/briefgen"), "check"], cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert "briefing/sources/ferry.yaml" in listed.stderr + listed.stdout and "TODO" in listed.stderr + listed.stdout  # what is left to fill in
    assert "Traceback" not in listed.stderr


@pytest.mark.build
def test_a_project_override_changes_only_its_own_builds(harbour: Path, tmp_path: Path) -> None:
    """conf/conf.py mutating a default list (append) must not leak into the next build in the
    same process (serve rebuilds, other projects)."""
    (harbour / "conf").mkdir()
    (harbour / "conf/conf.py").write_text((REPO / "conf/conf.py").read_text() + "\nextensions.append('no_such_extension_xyz')\n")
    from briefgen.errors import BriefingError

    with pytest.raises(BriefingError, match="no_such_extension_xyz"):
        build(harbour, ("html",))
    other = tmp_path / "other"
    for name in ("briefing", "articles"):
        shutil.copytree(harbour / name, other / name)
    build(other, ("html",))  # the packaged defaults, untouched
    assert (other / "_build/html/index.html").is_file()
