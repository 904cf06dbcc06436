"""Re-reading an edited YAML file item by item gives what reading it whole gives.

A warm process (``briefgen serve``) parses only the top-level list items an edit touched
(``yamlio.read_yaml_again``). Random line edits of real briefing files, good and bad, must give
the same data, the same mark for every key path, and the same problems as a cold ``read_yaml``.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from conftest import HARBOUR, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.core.errors import BriefingError
from briefgen.core.yamlio import YamlDocument, read_yaml, read_yaml_again

sys.path.insert(0, str(REPO / "benchmarks"))
from synth import generate

LINES = [
    "- id: inserted",
    "  - id: inserted",
    "  title: Inserted title",
    "    title: Inserted title",
    "other: 1",
    "events:",
    "  bogus: [1, 2",
    "  note: 'open quote",
    '  note: "two',
    '    lines"',
    "\ttabbed: 1",
    "# a comment",
    "",
    "---",
    "...",
    "  anchor: &a x",
    "  alias: *a",
    "  - ",
    "-",
    "  text: |",
    "      block text",
    "  id: inserted",
    "  id: TODO fill in",
    "  date: !!python/object x",
    "  [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
]


def _edit(lines: list[str], rng: random.Random) -> list[str]:
    lines = list(lines)
    n = len(lines)
    kind = rng.choice([0, 1, 2, 3, 3, 4, 5, 5, 6, 6, 6])  # mostly edits that keep the file readable
    i = rng.randrange(n) if n else 0
    if kind == 0 and n:  # change a character, or append words
        line = lines[i]
        if line and rng.random() < 0.5:
            at = rng.randrange(len(line))
            line = line[:at] + rng.choice("xZ :-'\"[{#") + line[at + 1 :]
        else:
            line += " more words"
        lines[i] = line
    elif kind == 1:  # insert a line
        lines.insert(rng.randint(0, n), rng.choice(LINES))
    elif kind == 2 and n:
        del lines[i]
    elif kind == 3 and n:  # copy a stretch elsewhere (a duplicated or moved item)
        j = min(n, i + rng.randint(1, 12))
        at = rng.randint(0, n)
        lines[at:at] = lines[i:j]
    elif kind == 4 and n:  # indent or dedent
        lines[i] = "  " + lines[i] if rng.random() < 0.5 else lines[i].removeprefix("  ")
    elif kind == 5 and n:  # remove a stretch (an item or more)
        del lines[i : i + rng.randint(1, 15)]
    elif (
        n
    ):  # edit a title or two where there are some, as an analyst would (two: a stretch of items)
        hits = [k for k, line in enumerate(lines) if "title:" in line]
        for k in rng.sample(hits, min(len(hits), rng.randint(1, 2))):
            lines[k] += f" (edited {rng.randint(0, 99)})"
    return lines


def _read_cold(path: Path) -> YamlDocument | str:
    try:
        return read_yaml(path, "f.yaml")
    except BriefingError as exc:
        return str(exc)


def _same(warm: YamlDocument, cold: YamlDocument) -> None:
    assert warm.data == cold.data
    assert dict(warm.value_marks) == cold.value_marks
    assert dict(warm.key_marks) == cold.key_marks
    for path in list(cold.value_marks)[:200]:  # lookups one by one, and of paths that are not there
        assert warm.value_marks[path] == cold.value_marks[path]
        assert (*path, "nothing") not in warm.value_marks
        assert warm.mark((*path, "nothing", 3)) == cold.mark((*path, "nothing", 3))


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    synth = generate(tmp_path_factory.mktemp("synth") / "p", 12)
    files = [
        *sorted((HARBOUR / "briefing").glob("*.yaml")),
        *sorted((synth / "briefing").glob("*.yaml")),
    ]
    return [p.read_text(encoding="utf-8") for p in files]


@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(which=st.integers(0, 10**6), seeds=st.lists(st.integers(0, 2**16), min_size=1, max_size=8))
def test_reading_again_after_edits_equals_reading_whole(
    which: int, seeds: list[int], texts: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("y") / "f.yaml"
    text = texts[which % len(texts)]
    path.write_text(text, encoding="utf-8")
    previous, fresh = read_yaml_again(path, "f.yaml", None)
    assert fresh is None
    _same(previous, read_yaml(path, "f.yaml"))
    lines = good = text.splitlines()
    for seed in seeds:
        rng = random.Random(seed)
        # often an edit of the last readable text
        lines = _edit(lines if rng.random() < 0.5 else good, rng)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        cold = _read_cold(path)
        try:
            warm, fresh = read_yaml_again(path, "f.yaml", previous)
        except BriefingError as exc:
            assert str(exc) == cold
            continue
        good = lines
        assert not isinstance(cold, str), f"cold read failed: {cold}"
        _same(warm, cold)
        if fresh is not None:  # what was parsed anew is what differs from the document before
            paths = {p for p, _ in fresh}
            for key, items in warm.data.items():
                if isinstance(items, list) and warm.layout and key in warm.layout.seqs:
                    assert all(
                        any(x is y for y in previous.data.get(key, [])) or (key, i) in paths
                        for i, x in enumerate(items)
                    )
        previous = warm


def test_an_edit_of_one_item_parses_that_item_alone(tmp_path: Path) -> None:
    root = generate(tmp_path / "p", 30)
    path = root / "briefing" / "timeline.yaml"
    previous, _ = read_yaml_again(path, "t.yaml", None)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: Event 3\n", "title: Event three\n", 1), encoding="utf-8")
    doc, fresh = read_yaml_again(path, "t.yaml", previous)
    assert fresh is not None and [value["title"] for _, value in fresh] == ["Event three"]
    changed = [
        i
        for i, (a, b) in enumerate(zip(doc.data["events"], previous.data["events"], strict=False))
        if a is not b
    ]
    assert [p for p, _ in fresh] == [("events", changed[0])] and len(changed) == 1
    _same(doc, read_yaml(path, "t.yaml"))
