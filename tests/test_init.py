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
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import REPO, run_cli
from htmlcheck import anchored_quotes, check_citation_links
from pageserver import serving

from briefgen.building.book import build
from briefgen.project.scaffold import NEXT_STEPS


def test_init_writes_a_briefing_that_passes_check(tmp_path: Path) -> None:
    result = run_cli("init", str(tmp_path / "new"))
    assert result.exit_code == 0, result.output
    for step in NEXT_STEPS:
        assert step in result.output  # the next three commands
    root = tmp_path / "new"
    for rel in (
        "briefing/book.yaml",
        "briefing/sources/example-report.yaml",
        "seeds/example-report.txt",
        ".gitignore",
        "README.md",
        ".github/workflows/book.yml",
        ".readthedocs.yaml",
        "schemas/book.schema.json",
    ):
        assert (root / rel).is_file(), rel
    for path in (root / "briefing").rglob(
        "*.yaml"
    ):  # every file names its schema, and the schema is there
        first = path.read_text().splitlines()[0]
        match = re.match(r"# yaml-language-server: \$schema=(\S+)$", first)
        assert match and (path.parent / match.group(1)).resolve().is_file(), path
    check = run_cli("check", "-p", str(root))
    assert check.exit_code == 0, check.output
    assert "ok: 1 sources" in check.output
    text = (root / "briefing/book.yaml").read_text()
    # commented, two parties
    assert "# " in text and "parties:" in text and text.count("- {id:") == 2 and "issues:" in text


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
    assert (
        not list((root / "briefing/sources").glob("*.yaml"))
        and (root / "briefing/book.yaml").is_file()
    )
    assert (root / ".github/workflows/book.yml").is_file()
    check = run_cli("check", "-p", str(root))
    # no source yet: a located error, not a crash
    assert check.exit_code == 1 and "Traceback" not in check.output


def test_publishing_files_validate_against_their_schemas(tmp_path: Path) -> None:
    """GitHub's workflow schema and Read the Docs' config schema, vendored in check-jsonschema."""
    run_cli("init", str(tmp_path / "p"))
    root = tmp_path / "p"
    for schema, path in (
        ("vendor.github-workflows", ".github/workflows/book.yml"),
        ("vendor.readthedocs", ".readthedocs.yaml"),
    ):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "check_jsonschema",
                "--builtin-schema",
                schema,
                str(root / path),
            ],
            capture_output=True,
            text=True,
        )
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
    done = subprocess.run(
        [
            str(zizmor),
            "--offline",
            "--persona=pedantic",
            "--no-progress",
            str(tmp_path / "z/.github/workflows/book.yml"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings" in done.stdout + done.stderr


@pytest.mark.build
def test_the_shipped_book_is_the_same_with_or_without_its_conf_override(
    book: Path, tmp_path: Path
) -> None:
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
    assert (
        next((book / "_build/pdf").glob("*.pdf")).read_bytes()
        == next((bare / "_build/pdf").glob("*.pdf")).read_bytes()
    )


def assert_self_contained(html: Path) -> int:
    """No asset from the internet, no root-absolute path, every referenced file present: the book
    works from file://, offline, and from a sub-path of a web site. Returns the assets seen."""
    # the theme ships Jinja macros in _static
    pages = sorted(p for p in html.rglob("*.html") if "_static" not in p.parts)
    assets = 0
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in (
            ("script", "src"),
            ("link", "href"),
            ("img", "src"),
            ("object", "data"),
            ("source", "src"),
            ("iframe", "src"),
            ("embed", "src"),
        ):
            for el in soup.find_all(tag):
                url = el.get(attr)
                if not url or url.startswith("#"):
                    continue
                assets += 1
                assert not re.match(r"^(https?:)?//", url), f"{page.name} fetches {url}"
                assert not url.startswith("/"), f"{page.name} uses a root-absolute path {url}"
                target = (page.parent / url.split("#")[0].split("?")[0]).resolve()
                assert target.is_file(), f"{page.name}: {url}"
    for css in html.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), css  # web fonts, remote images
        assert not re.search(r"@import\s+(url\()?['\"]?(https?:)?//", text), css
    return assets


@pytest.mark.build
def test_the_shipped_book_is_self_contained(book: Path) -> None:
    """The shipped book (actor map, charts, emoji, the PDF download) fetches nothing from the internet."""
    assert assert_self_contained(book / "_build/html") > 100


@pytest.mark.build
def test_html_is_relocatable_and_offline(tmp_path: Path) -> None:
    """The scaffold's book: self-contained, and served from a sub-path every asset answers."""
    run_cli("init", str(tmp_path / "r"))
    root = tmp_path / "r"
    build(root, ("html", "pdf"))
    html = root / "_build/html"
    assert assert_self_contained(html) > 20
    # Served from a sub-path: every asset of the landing page answers 200 there.
    site = tmp_path / "site"
    shutil.copytree(html, site / "books" / "bridge")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/books/bridge/"
        soup = BeautifulSoup(urllib.request.urlopen(base + "index.html").read(), "html.parser")
        for el in soup.select("script[src], link[href][rel~=stylesheet], a.briefgen-pdf-button"):
            url = el.get("src") or el.get("href")
            with urllib.request.urlopen(
                base + url
            ) as response:  # read whole: the server never writes into a closed socket
                assert response.status == 200 and response.read(), url
    finally:
        server.shutdown()


NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "_build",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".hypothesis",
    ".pytest_cache",
    "node_modules",
)


def ci_commands(project: Path) -> list[str]:
    """The shell commands of the scaffold's GitHub Pages workflow, then of its Read the Docs config."""
    workflow = yaml.safe_load((project / ".github/workflows/book.yml").read_text())
    rtd = yaml.safe_load((project / ".readthedocs.yaml").read_text())
    return [step["run"] for step in workflow["jobs"]["build"]["steps"] if "run" in step] + rtd[
        "build"
    ]["commands"]


@pytest.mark.build
def test_wheel_in_a_fresh_virtualenv_starts_checks_builds_and_adds_a_source(tmp_path: Path) -> None:
    """What a new analyst does: pip install the wheel (no access to this repository), init, check,
    build HTML and PDF, add an article; the citations of the result resolve. Then what GitHub Pages
    and Read the Docs do with the scaffold's set-ups: their commands, run here on a clean copy."""
    started = time.perf_counter()
    checkout = tmp_path / "checkout"  # build from a copy: the repository gets no build/ or egg-info
    shutil.copytree(REPO, checkout, ignore=NOT_SOURCE)
    dist = tmp_path / "dist"
    # sdist, then the wheel built from that sdist: proves the sdist is complete too
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(checkout)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    wheel = next(dist.glob("briefgen-*.whl"))
    assert next(dist.glob("briefgen-*.tar.gz")).is_file()
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        meta = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    package = checkout / "src"
    data = {
        p.relative_to(package).as_posix()
        for p in (package / "briefgen").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")
    }
    assert data - names == set()  # every file of the package, code and data, is in the wheel
    assert not [n for n in names if n.endswith(".pyc") or "__pycache__" in n]
    for field in (
        "License-Expression: MIT",
        "License-File: LICENSE",
        "Requires-Python: >=3.11",
        "Classifier: ",
        "Project-URL: ",
        "Requires-Dist: typst",
    ):
        assert field in meta, field
    venv = tmp_path / "venv"
    # not --system-site-packages
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    # pip's own cache
    pip = subprocess.run(
        [str(venv / "bin/python"), "-m", "pip", "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert pip.returncode == 0, pip.stderr[-3000:]
    work = tmp_path / "analyst"
    work.mkdir()
    # no PYTHONPATH: the repository is out of reach; no server left behind
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "BRIEFGEN_BUILD_SERVER": "0",
    }

    def run(*args: str, cwd: Path, extra: dict[str, str] | None = None) -> str:
        done = subprocess.run(
            list(args),
            cwd=cwd,
            env={**env, **(extra or {})},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, f"{' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr
        return done.stdout + done.stderr

    where = run(
        str(venv / "bin/python"),
        "-c",
        "import briefgen.cli, sys; print(briefgen.cli.__file__); print(sys.path)",
        cwd=work,
    )
    assert str(venv) in where and str(REPO) not in where
    out = run("briefgen", "init", "book", cwd=work)
    assert "briefgen build all" in out
    project = work / "book"
    run("briefgen", "check", cwd=project)
    out = run("briefgen", "build", "all", cwd=project)
    assert "PDF: _build/pdf/example-bridge-closure.pdf" in out
    html = project / "_build/html"
    assert check_citation_links(html, anchored_quotes(project)) >= 10
    assert (html / "example-bridge-closure.pdf").read_bytes()[:5] == b"%PDF-"

    # The publishing set-ups, on a clean copy as CI has it. Skipped: the Debian packages (this
    # machine has them) and `pip install briefgen` (the wheel above stands in for PyPI).
    clone = tmp_path / "clone"
    shutil.copytree(project, clone, ignore=shutil.ignore_patterns("_build"))
    commands = ci_commands(clone)
    # one build each, no server left behind
    assert (
        commands.count("pip install briefgen") == 2
        and commands.count("briefgen build all --no-server") == 2
    )
    rtd_output = tmp_path / "rtd-output"
    for command in commands:
        if command != "pip install briefgen" and "apt-get" not in command:
            run(
                "bash",
                "-euo",
                "pipefail",
                "-c",
                command,
                cwd=clone,
                extra={"READTHEDOCS_OUTPUT": str(rtd_output)},
            )
    assert (clone / "_build/html/index.html").is_file()  # what the Pages workflow uploads
    published = rtd_output / "html"  # what Read the Docs serves
    assert check_citation_links(published, anchored_quotes(clone)) >= 10
    assert (published / "example-bridge-closure.pdf").read_bytes()[:5] == b"%PDF-"

    shutil.copy(REPO / "tests/fixtures/articles/ferry.txt", project / "ferry.txt")
    out = run("briefgen", "new-source", "ferry.txt", "--id", "ferry", cwd=project)
    assert "wrote briefing/sources/ferry.yaml" in out
    # a saved web page too: the wheel must bring what trafilatura needs to read HTML
    shutil.copy(REPO / "tests/fixtures/articles/pilots.html", project / "pilots.html")
    out = run("briefgen", "new-source", "pilots.html", "--id", "pilots", cwd=project)
    assert "wrote briefing/sources/pilots.yaml" in out
    # a web address, served here: the wheel's fetcher, redirect followed, page kept as served
    with serving() as base:
        out = run("briefgen", "new-source", f"{base}/moved", "--id", "pilots-web", cwd=project)
    assert "kept the page as retrieved in seeds/originals/pilots-web.html" in out
    assert (project / "seeds/originals/pilots-web.html").read_bytes() == (
        REPO / "tests/fixtures/articles/pilots.html"
    ).read_bytes()
    web = yaml.safe_load((project / "briefing/sources/pilots-web.yaml").read_text())
    assert web["url"] == web["snapshot"]["url"] == f"{base}/news/pilots-strike"
    # beside the example's
    assert sorted(p.name for p in (project / "seeds").iterdir()) == [
        "example-report.txt",
        "ferry.txt",
        "originals",
        "pilots-web.txt",
        "pilots.txt",
    ]
    listed = subprocess.run(
        ["briefgen", "check"], cwd=project, env=env, capture_output=True, text=True, timeout=600
    )
    assert listed.returncode == 1  # the stub's TODOs are still to fill in
    assert (
        "briefing/sources/ferry.yaml" in listed.stderr + listed.stdout
        and "briefing/sources/pilots-web.yaml" in listed.stderr + listed.stdout
        and "TODO" in listed.stderr + listed.stdout
    )
    assert "Traceback" not in listed.stderr
    # the analyst fills in the TODOs; the book builds with all three new sources
    for sid in ("ferry", "pilots", "pilots-web"):
        fill_stub(project, sid)
    run("briefgen", "check", cwd=project)
    run("briefgen", "build", "all", cwd=project)
    page = (project / "_build/html/sources/pilots-web.html").read_text(encoding="utf-8")
    assert "Retrieved " in page and f"{base}/news/pilots-strike" in page
    assert "trafilatura" not in page
    site = next((venv / "lib").glob("python3*/site-packages"))
    print(
        f"wheel {wheel.stat().st_size / 1024:.0f} KiB; venv site-packages {sum(f.stat().st_size for f in site.rglob('*') if f.is_file()) / 2**20:.0f} MiB; test {time.perf_counter() - started:.0f} s"
    )


def fill_stub(project: Path, sid: str) -> None:
    """What an analyst does with a new source's stub: every TODO answered, one key point cited."""
    path = project / "briefing/sources" / f"{sid}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    lines = (project / data["file"]).read_text(encoding="utf-8").splitlines()
    boxed = {item["quote"] for item in data.get("non_article", [])}
    body = next(
        line.strip() for line in lines if len(line.split()) > 8 and line.strip() not in boxed
    )
    if "TODO" in str(data["outlet"]):
        data["outlet"] = "Test Outlet"
    data["kind"] = "news-report"
    data["grade"] = {"reliability": "C", "credibility": 3, "rationale": "A test source."}
    if "TODO" in str(data["published"].get("note", "")):
        data["published"]["note"] = "as given in the page's metadata"
    data["summary"] = [
        {
            "text": "The article reports it.",
            "cite": [{"source": sid, "quote": " ".join(body.split()[:6])}],
        }
    ]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert "TODO" not in path.read_text(encoding="utf-8")


@pytest.mark.build
def test_a_project_override_changes_only_its_own_builds(harbour: Path, tmp_path: Path) -> None:
    """conf/conf.py mutating a default list (append) must not leak into the next build in the
    same process (serve rebuilds, other projects)."""
    (harbour / "conf").mkdir()
    (harbour / "conf/conf.py").write_text(
        (REPO / "conf/conf.py").read_text() + "\nextensions.append('no_such_extension_xyz')\n"
    )
    from briefgen.core.errors import BriefingError

    with pytest.raises(BriefingError, match="no_such_extension_xyz"):
        build(harbour, ("html",))
    other = tmp_path / "other"
    for name in ("briefing", "articles"):
        shutil.copytree(harbour / name, other / name)
    build(other, ("html",))  # the packaged defaults, untouched
    assert (other / "_build/html/index.html").is_file()
