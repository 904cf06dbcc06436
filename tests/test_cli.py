"""The command line through click's CliRunner: exit codes, messages, help that teaches."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli


def test_check_ok(harbour: Path) -> None:
    result = run_cli("check", "--project", str(harbour))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: 2 sources, 14 distinct quotes anchored")


def test_check_reports_problems_one_per_line_and_exits_1(harbour: Path) -> None:
    (harbour / "briefing/timeline.yaml").write_text((harbour / "briefing/timeline.yaml").read_text().replace("actors: [varga]", "actors: [nobody]"))
    result = run_cli("check", "--project", str(harbour))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("briefing/timeline.yaml:12:14: events[1].actors[0]: unknown actor 'nobody'")
    assert lines[-1] == "1 problem found"


def test_missing_project_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("check", "--project", str(tmp_path))
    assert result.exit_code == 1
    assert "book.yaml not found" in result.output


def test_usage_errors_exit_2() -> None:
    assert run_cli("frobnicate").exit_code == 2
    assert run_cli("build", "epub").exit_code == 2


@pytest.mark.parametrize("command", [[], ["check"], ["build"]])
def test_help_explains_with_an_example(command: list[str]) -> None:
    result = run_cli(*command, "--help")
    assert result.exit_code == 0
    assert "briefgen " in result.output and ("Example" in result.output or "Typical loop" in result.output)


@pytest.mark.build
def test_build_html_via_cli(harbour: Path) -> None:
    result = run_cli("build", "html", "--project", str(harbour))
    assert result.exit_code == 0, result.output
    assert "HTML book: _build/html/index.html" in result.output
    assert (harbour / "_build/html/index.html").is_file()


def test_internal_errors_are_one_line_not_a_traceback(harbour: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import briefgen.pipeline

    def boom(root: Path) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(briefgen.pipeline, "prepare", boom)
    result = run_cli("check", "--project", str(harbour))
    assert result.exit_code == 3
    assert "internal error: RuntimeError: simulated bug" in result.output
    assert "Traceback" not in result.output
