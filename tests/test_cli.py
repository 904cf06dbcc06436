"""The command line through click's CliRunner: exit codes, messages, help that teaches."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli


def test_check_ok(harbour: Path) -> None:
    result = run_cli("check", "--project", str(harbour))
    assert result.exit_code == 0, result.output
    assert (
        "ok: 3 sources, 17 distinct quotes anchored (2 by typographic tolerance); 9 warnings; 18 of 18 claims rest on a single origin"
        in result.output
    )


def test_check_reports_problems_one_per_line_and_exits_1(harbour: Path) -> None:
    (harbour / "briefing/timeline.yaml").write_text(
        (harbour / "briefing/timeline.yaml")
        .read_text()
        .replace("actors: [varga]", "actors: [nobody]")
    )
    result = run_cli("check", "--project", str(harbour))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].startswith(
        "briefing/timeline.yaml:12:14: events[1].actors[0]: unknown actor 'nobody'"
    )
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
    assert "briefgen " in result.output and (
        "Example" in result.output or "Typical loop" in result.output
    )


@pytest.mark.build
def test_build_html_via_cli(harbour: Path) -> None:
    result = run_cli("build", "html", "--project", str(harbour))
    assert result.exit_code == 0, result.output
    assert "HTML book: _build/html/index.html" in result.output
    assert (harbour / "_build/html/index.html").is_file()


def test_internal_errors_are_one_line_not_a_traceback(
    harbour: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefgen.trust.prepare

    def boom(root: Path) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(briefgen.trust.prepare, "prepare", boom)
    result = run_cli("check", "--project", str(harbour))
    assert result.exit_code == 3
    assert "internal error: RuntimeError: simulated bug" in result.output
    assert "Traceback" not in result.output


def test_check_warns_with_codes_and_locations(harbour: Path) -> None:
    result = run_cli("check", "--project", str(harbour))
    lines = result.output.splitlines()
    assert (
        "briefing/book.yaml:12:5: bluf[0]: warning: rests on one origin (Harbour Gazette) [single-origin] (hint: add a citation from an independent origin, or lower the confidence)"
        in lines
    )
    assert any(
        line.startswith(
            "briefing/positions.yaml:13:40: positions[1].claims[0].cite[0].quote: warning: quote matches only after folding typography [typographic-quote]"
        )
        for line in lines
    )
    assert any("[single-source-section]" in line for line in lines)


def test_check_warns_about_uncited_sources_unused_ids_and_order(harbour: Path) -> None:
    book = harbour / "briefing/book.yaml"
    book.write_text(
        book.read_text().replace("issues:\n", "issues:\n  - {id: spare, title: Spare issue}\n")
    )
    timeline = harbour / "briefing/timeline.yaml"
    timeline.write_text(
        timeline.read_text().replace("date: {date: 2024-03,", "date: {date: 2024-06,")
    )
    herald = (harbour / "briefing/sources/herald.yaml").read_text()
    (harbour / "briefing/sources/spare.yaml").write_text(
        herald.replace("id: herald", "id: spare").replace("source: herald", "source: spare")
    )
    result = run_cli("check", "--project", str(harbour))
    assert result.exit_code == 0, result.output
    assert (
        "briefing/sources/spare.yaml:1:5: id: warning: source 'spare' is not cited outside its own summary [uncited-source]"
        in result.output
    )
    assert "issue 'spare' has no position [unused-id]" in result.output
    assert (
        "event 'vote' (2024-04-30) is listed after 'meetings' (2024-06) [timeline-order]"
        in result.output
    )


def test_strict_turns_warnings_into_failure(harbour: Path) -> None:
    result = run_cli("check", "--strict", "--project", str(harbour))
    assert result.exit_code == 1
    assert "failed (--strict)" in result.output


def test_check_json(harbour: Path) -> None:
    import json

    result = run_cli("check", "--format", "json", "--project", str(harbour))
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["errors"] == []
    assert data["stats"]["quotes"] == 17 and len(data["warnings"]) == 9
    assert {"file", "line", "col", "key_path", "message", "hint", "severity"} <= set(
        data["warnings"][0]
    )
    (harbour / "briefing/timeline.yaml").write_text(
        (harbour / "briefing/timeline.yaml")
        .read_text()
        .replace("actors: [varga]", "actors: [nobody]")
    )
    bad = run_cli("check", "--format", "json", "--project", str(harbour))
    assert bad.exit_code == 1
    data = json.loads(bad.stdout)
    assert data["ok"] is False and data["errors"][0]["message"] == "unknown actor 'nobody'"


def test_compose_writes_pages_and_reports_changes(harbour: Path) -> None:
    first = run_cli("compose", "--project", str(harbour))
    assert first.exit_code == 0 and "composed 11 pages (11 changed" in first.output
    assert (harbour / "_build/src/timeline.md").is_file()
    assert "(0 changed: none)" in run_cli("compose", "--project", str(harbour)).output
    (harbour / "briefing/timeline.yaml").write_text(
        (harbour / "briefing/timeline.yaml")
        .read_text()
        .replace("actors: [varga]", "actors: [nobody]")
    )
    assert run_cli("compose", "--project", str(harbour)).exit_code == 1
    kept = run_cli("compose", "--keep-going", "--project", str(harbour))
    assert kept.exit_code == 0 and "unknown actor 'nobody'" in kept.output


def test_typographic_warning_is_per_citation_and_ambiguous_quotes_are_flagged(
    harbour: Path,
) -> None:
    q = harbour / "briefing/questions.yaml"
    q.write_text(
        q.read_text().replace("quote: including a blockade of the south channel}", "quote: said}")
    )
    bg = harbour / "briefing/background.yaml"
    # the same passage as positions[1], typed exactly as the source has it (curly quotes)
    bg.write_text(
        bg.read_text().replace(
            '{source: herald, quote: "will take about eight months"}',
            '{source: herald, quote: "“We held two public meetings in March,”"}',
        )
    )
    result = run_cli("check", "--project", str(harbour))
    assert (
        "quote occurs in ¶3, ¶5 of 'gazette'; it is anchored to the first [ambiguous-quote]"
        in result.output
    )
    typographic = [line for line in result.output.splitlines() if "[typographic-quote]" in line]
    # straight quotes: warned
    assert any(line.startswith("briefing/positions.yaml:13:40:") for line in typographic)
    # exact: not warned
    assert not any(line.startswith("briefing/background.yaml") for line in typographic)


def test_serve_on_a_busy_port_is_a_clear_error(harbour: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("serve", "--project", str(harbour), "--port", str(port))
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
