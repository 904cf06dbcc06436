"""Every bad-input case gives its exact located problem lines, exit code 1, and no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from badcases import apply_edits, case_names, load_case
from conftest import HARBOUR, copy_project, run_cli


def test_corpus_is_large_enough() -> None:
    assert len(case_names()) >= 40


@pytest.mark.parametrize("name", case_names())
def test_bad_case(name: str, tmp_path: Path) -> None:
    case = load_case(name)
    project = copy_project(HARBOUR, tmp_path / "p", with_conf=False)
    apply_edits(project, case["edits"])
    result = run_cli(
        "check", "--project", str(project), *(["--strict"] if case.get("strict") else [])
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if not line.endswith(" found")]
    if "only" in case:  # a warning case: the lines of its codes (the fixture's own warnings aside)
        lines = [line for line in lines if any(f" [{code}]" in line for code in case["only"])]
    assert lines == case["expect"], "\n".join(lines)


def test_every_check_code_has_an_example_case() -> None:
    """The docs' check-code reference shows one of these cases per code (docs/_ext/briefgen_docs.py)."""
    from briefgen.trust.lint import CODES

    covered = {code: name for name in case_names() for code in load_case(name).get("only", [])}
    assert set(CODES) <= set(covered), f"no example case for: {sorted(set(CODES) - set(covered))}"
    for code, name in covered.items():
        assert any(f" [{code}]" in line for line in load_case(name)["expect"]), name
