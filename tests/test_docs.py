"""briefgen's own documentation builds with warnings as errors, and its generated references are whole."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import REPO

from briefgen.core.model import FILE_KINDS
from briefgen.trust.lint import CODES

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            str(REPO / "docs"),
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return out


def test_every_check_code_has_its_example_and_fix(site: Path) -> None:
    soup = BeautifulSoup(
        (site / "reference" / "check-codes.html").read_text(encoding="utf-8"), "html.parser"
    )
    for code in CODES:
        section = soup.find("section", id=f"code-{code}")
        assert section is not None, code
        blocks = section.find_all("pre")
        assert len(blocks) == 2, f"{code}: the YAML and the line check prints"
        assert f"[{code}]" in blocks[1].get_text(), code
        assert "Fix:" in section.get_text(), code


def test_the_cli_reference_is_generated_from_the_commands(site: Path) -> None:
    from briefgen.cli import main

    text = (site / "reference" / "cli.html").read_text(encoding="utf-8")
    for name, command in main.commands.items():
        assert f"briefgen {name}" in text, name
        for param in command.params:
            if getattr(param, "hidden", False):
                continue
            for opt in getattr(param, "opts", []):
                if opt.startswith("--"):
                    assert opt in text, f"{name} {opt}"


def test_every_yaml_file_and_key_is_in_the_reference(site: Path) -> None:
    text = BeautifulSoup(
        (site / "reference" / "yaml.html").read_text(encoding="utf-8"), "html.parser"
    ).get_text()
    for kind, model in FILE_KINDS.items():
        assert re.search(rf"briefing/(sources/<id>|{kind})\.yaml", text), kind
        for name, field in model.model_fields.items():
            assert (field.alias or name) in text, f"{kind}.{name}"
