"""What importing each layer loads (as click's tests/test_imports.py checks for click).

The Sphinx-free layers must import without Sphinx (they are tested without it installed, see
`make test-core`); the Sphinx extension must not drag the whole pipeline into every Sphinx
process; the command line must start without Sphinx (a no-change build stops before importing it).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

RENDERERS = ("sphinx", "docutils", "myst_parser", "typst", "sphinx_design", "sphinx_book_theme")


def _loaded_after(statement: str) -> list[str]:
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    "layer",
    [
        "core.load",
        "core.validate",
        "trust.prepare",
        "trust.lint",
        "trust.review",
        "edition.records",
        "edition.previous",
        "compose.book",
    ],
)
def test_the_sphinx_free_layers_load_no_renderer(layer: str) -> None:
    loaded = _loaded_after(f"import briefgen.{layer}")
    assert not [m for m in loaded if m.split(".")[0] in RENDERERS]


def test_the_sphinx_extension_loads_only_what_it_renders_with() -> None:
    ours = [m for m in _loaded_after("import briefgen.sphinxext") if m.startswith("briefgen.")]
    assert all(
        m.startswith(
            (
                "briefgen.sphinxext",
                "briefgen.compose.markup",
                "briefgen.core.filestate",
                "briefgen.compose",
                "briefgen.core",
            )
        )
        for m in ours
    ), ours
    assert not [
        m
        for m in ours
        if m.split(".")[1] in ("trust", "edition", "warm", "building", "cli", "server", "serve")
    ]
    assert "briefgen.compose.book" not in ours


def test_the_command_line_starts_without_sphinx() -> None:
    loaded = _loaded_after("import briefgen.cli")
    assert not [m for m in loaded if m.split(".")[0] in RENDERERS]
