"""Shared fixtures: the repository, a disposable copy of a briefing project, and the CLI."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

if TYPE_CHECKING:  # the browser tests' dependency: the core tests run without it
    from playwright.sync_api import Browser

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
HARBOUR = FIXTURES / "good" / "harbour"

# `briefgen build` starts a build server that outlives it (briefgen.server). The suite's builds,
# in-process and in subprocesses, must leave nothing running: tests of the server turn it on themselves.
os.environ["BRIEFGEN_BUILD_SERVER"] = "0"


def pytest_configure(config: pytest.Config) -> None:
    # third-party themes and extensions not yet updated for Sphinx 11; not ours to fix (the core
    # tests also run without Sphinx installed: see `make test-core`)
    if importlib.util.find_spec("sphinx") is not None:
        config.addinivalue_line(
            "filterwarnings", "ignore::sphinx.deprecation.RemovedInSphinx11Warning"
        )


def copy_project(src: Path, dest: Path, *, with_conf: bool = False) -> Path:
    """A writable copy of a project (briefing + texts); it builds with briefgen's packaged
    configuration unless ``with_conf`` adds this repository's ``conf/`` (an override of it)."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("_build"))
    if with_conf and not (dest / "conf").exists():
        shutil.copytree(REPO / "conf", dest / "conf")
    return dest


@pytest.fixture
def harbour(tmp_path: Path) -> Path:
    """The unrelated-topic fixture briefing, copied so a test may edit it."""
    return copy_project(HARBOUR, tmp_path / "harbour")


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """The shipped briefing (briefing/, seeds/; built with the packaged defaults), copied so builds
    do not touch the repo."""
    dest = tmp_path / "shipped"
    dest.mkdir()
    for name in ("briefing", "seeds"):
        shutil.copytree(REPO / name, dest / name)
    return dest


def run_cli(*args: str) -> Result:
    from briefgen.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="session")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped book, built once per test session in HTML and PDF (a copy: the repo stays clean).

    A copy of the repository as it is, with its conf/ override of the packaged defaults, so this is
    the test of a project override; test_init checks a copy without conf/ builds the same bytes."""
    from briefgen.building.book import build

    root = tmp_path_factory.mktemp("book")
    for name in ("briefing", "seeds", "conf"):
        shutil.copytree(REPO / name, root / name)
    build(root, ("html", "pdf"))
    return root


# -- the browser tests' Chromium (Debian's, driven by Playwright) -----------------------------
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As root in a sandbox, with no network but loopback: no sandbox, no background connections.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), (
        "Chromium is missing: run 'make test' (it installs Debian's chromium)"
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()
