"""An incremental rebuild is a cold build: random edit sequences, warm cache against no cache.

After every edit the warm front half (the cache ``briefgen serve`` keeps) and a cold one must give
the same composed pages and edition files (edition.json, annotations.jsonld) byte for byte, or the
same problems; end to end, the published HTML too.
"""

from __future__ import annotations

import contextlib
import copy
import os
import random
import re
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import HARBOUR, REPO, copy_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.building.book import build
from briefgen.compose.book import compose_book
from briefgen.core import filestate
from briefgen.core.errors import BriefingError
from briefgen.edition.records import write_edition_files
from briefgen.trust.prepare import prepare
from briefgen.warm.front import FrontCache

sys.path.insert(0, str(REPO / "benchmarks"))
from synth import generate


# -- edits: each takes the project and a seeded random source; all act on parsed YAML --------------
def _files(root: Path) -> list[Path]:
    return sorted((root / "briefing").rglob("*.yaml"))


def _read(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _write(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _nodes(data: Any, test: Callable[[Any], bool]) -> list[Any]:
    found, stack = [], [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if test(node):
                found.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _pick(
    root: Path, rng: random.Random, test: Callable[[Any], bool]
) -> tuple[Path, Any, Any] | None:
    """A random node passing ``test``, with its file and that file's data (to write back)."""
    choices = [
        (path, data, node)
        for path in _files(root)
        for data in [_read(path)]
        for node in _nodes(data, test)
    ]
    return rng.choice(choices) if choices else None


def _is_cite(node: Any) -> bool:
    return "source" in node and "quote" in node


def _is_claim(node: Any) -> bool:
    return "text" in node and "cite" in node


def _sources(root: Path) -> dict[str, Path]:
    return {
        p.stem: root / _read(p)["file"] for p in sorted((root / "briefing/sources").glob("*.yaml"))
    }


def _quote_from(article: Path, rng: random.Random) -> str:
    lines = [
        line.split()
        for line in article.read_text(encoding="utf-8").splitlines()
        if len(line.split()) >= 4
    ]
    words = rng.choice(lines)
    n = rng.randint(3, min(8, len(words)))
    start = rng.randint(0, len(words) - n)
    return " ".join(words[start : start + n])


def edit_claim_text(root: Path, rng: random.Random) -> None:
    path, data, node = _pick(root, rng, _is_claim)
    node["text"] = f"{node['text']} (edited {rng.randint(0, 999)})"
    _write(path, data)


def edit_quote(root: Path, rng: random.Random) -> None:
    path, data, node = _pick(root, rng, _is_cite)
    sources = _sources(root)
    if rng.random() < 0.5:  # cite another source
        node["source"] = rng.choice(sorted(sources))
    node["quote"] = _quote_from(sources[node["source"]], rng)
    _write(path, data)


def add_citation(root: Path, rng: random.Random) -> None:
    path, data, node = _pick(root, rng, _is_claim)
    sources = _sources(root)
    sid = rng.choice(sorted(sources))
    node["cite"].append({"source": sid, "quote": _quote_from(sources[sid], rng)})
    _write(path, data)


def drop_citation(root: Path, rng: random.Random) -> None:
    hit = _pick(root, rng, lambda n: _is_claim(n) and len(n["cite"]) > 1)
    if hit:
        path, data, node = hit
        node["cite"].pop(rng.randrange(len(node["cite"])))
        _write(path, data)


def edit_source_metadata(root: Path, rng: random.Random) -> None:
    path = rng.choice(sorted((root / "briefing/sources").glob("*.yaml")))
    data = _read(path)
    what = rng.choice(["outlet", "title", "published", "grade"])
    if what == "published":
        date = f"20{rng.randint(10, 29)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        if isinstance(data["published"], dict):
            data["published"]["date"] = date
        else:  # the short form: a plain date
            data["published"] = date
    elif what == "grade":
        data["grade"]["reliability"] = rng.choice("ABCDEF")
    else:
        data[what] = rng.choice(
            [f"{data[what]} {rng.randint(0, 9)}", "Outlet 1", "Harbour Gazette"]
        )
    _write(path, data)


def edit_article(root: Path, rng: random.Random) -> None:
    article = rng.choice(sorted(_sources(root).values()))
    lines = article.read_text(encoding="utf-8").splitlines()
    if rng.random() < 0.5:
        lines.insert(
            rng.randint(1, len(lines)),
            f"An inserted paragraph number {rng.randint(0, 999)} about the harbour.",
        )
    else:  # change one word: may break a quote, which both builds must then report alike
        i = rng.randrange(len(lines))
        words = lines[i].split(" ")
        words[rng.randrange(len(words))] = rng.choice(["harbour", "pier", "vote", "quietly"])
        lines[i] = " ".join(words)
    article.write_text("\n".join(lines) + "\n", encoding="utf-8")


def add_or_remove_event(root: Path, rng: random.Random) -> None:
    path = root / "briefing/timeline.yaml"
    data = _read(path)
    events = data["events"]
    if len(events) > 1 and rng.random() < 0.4:
        events.pop(rng.randrange(len(events)))
    else:
        event = copy.deepcopy(rng.choice(events))
        event["id"] = f"added-{rng.randint(0, 10**6)}"
        event["title"] = f"Added event {event['id']}"
        events.insert(rng.randint(0, len(events)), event)
    _write(path, data)


def add_key_point(root: Path, rng: random.Random) -> None:
    path = rng.choice(sorted((root / "briefing/sources").glob("*.yaml")))
    data = _read(path)
    others = _sources(root)
    # a key point may cite another source: its page shows the back-link
    sid = rng.choice(sorted(others))
    data["summary"].append(
        {
            "text": f"Another key point {rng.randint(0, 999)}.",
            "cite": [{"source": sid, "quote": _quote_from(others[sid], rng)}],
        }
    )
    _write(path, data)


def break_quote(root: Path, rng: random.Random) -> None:
    path, data, node = _pick(root, rng, _is_cite)
    node["quote"] = "words that no article holds"
    _write(path, data)


def edit_claim_id(root: Path, rng: random.Random) -> None:
    """Give a claim a YAML id (perhaps one already taken: both builds must report it alike), change or drop it."""
    path, data, node = _pick(root, rng, _is_claim)
    _set_or_drop(node, "id", f"claim-{rng.randint(0, 40)}", rng, drop=0.4)
    _write(path, data)


def _set_or_drop(
    node: dict[str, Any], key: str, value: Any, rng: random.Random, *, drop: float
) -> None:
    """Drop ``key`` if set (with probability ``drop``), else set it to ``value``."""
    if key in node and rng.random() < drop:
        del node[key]
    else:
        node[key] = value


def repeat_claim(root: Path, rng: random.Random) -> None:
    """The same sentence twice in one scope: the second gets the derived id with '-2' (the edition's ids count them)."""
    lists = [
        (path, data, node)
        for path in _files(root)
        for data in [_read(path)]
        for node in _lists(data)
        if node and all(isinstance(n, dict) and _is_claim(n) for n in node)
    ]
    path, data, claims = rng.choice(lists)
    twin = copy.deepcopy(rng.choice(claims))
    twin.pop("id", None)
    claims.insert(rng.randint(0, len(claims)), twin)
    _write(path, data)


def _lists(data: Any) -> list[list[Any]]:
    found, stack = [], [data]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            found.append(node)
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
    return found


def edit_source_url(root: Path, rng: random.Random) -> None:
    """A url changes citations' links to the original site and every annotation's target."""
    path = rng.choice(sorted((root / "briefing/sources").glob("*.yaml")))
    data = _read(path)
    _set_or_drop(
        data, "url", f"https://example.org/{rng.choice(['a', 'b'])}/{path.stem}", rng, drop=0.4
    )
    _write(path, data)


def edit_citation_note(root: Path, rng: random.Random) -> None:
    path, data, node = _pick(root, rng, _is_cite)
    _set_or_drop(node, "note", f"A note {rng.randint(0, 9)}.", rng, drop=0.5)
    _write(path, data)


def edit_book_title(root: Path, rng: random.Random) -> None:
    """The title names the book's slug (unless it sets one): every annotation's id changes with it."""
    path = root / "briefing/book.yaml"
    data = _read(path)
    data["title"] = rng.choice(
        ["North Pier Closure", "Harbour Affairs", f"A Briefing {rng.randint(0, 9)}"]
    )
    _write(path, data)


# -- edits of the timeline's text in place, keeping its layout (as an editor saves it): a warm
# process then re-reads only the events an edit touched (see yamlio.read_yaml_again) --------------
def _event_blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(first, end) line numbers of each event's text: its dash line to the next one."""
    starts = [i for i, line in enumerate(lines) if re.match(r"\s*- id: ", line)]
    indent = re.match(r"\s*", lines[starts[0]]).group()  # type: ignore[union-attr]
    starts = [i for i in starts if lines[i].startswith(indent + "- ")]
    return list(zip(starts, [*starts[1:], len(lines)], strict=False))


def _timeline_lines(root: Path) -> tuple[Path, list[str]]:
    path = root / "briefing/timeline.yaml"
    return path, path.read_text(encoding="utf-8").splitlines()


def _save(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def retitle_event_in_place(root: Path, rng: random.Random) -> None:
    path, lines = _timeline_lines(root)
    first, end = rng.choice(_event_blocks(lines))
    at = next(i for i in range(first, end) if "title:" in lines[i])
    lines[at] += f" (retitled {rng.randint(0, 999)})"
    _save(path, lines)


def move_event_in_place(root: Path, rng: random.Random) -> None:
    """Insert a copy of an event elsewhere (new id), or remove one: the events after it change line."""
    path, lines = _timeline_lines(root)
    blocks = _event_blocks(lines)
    first, end = rng.choice(blocks)
    if len(blocks) > 1 and rng.random() < 0.4:
        del lines[first:end]
    else:
        new = f"copied-{rng.randint(0, 10**6)}"
        copy = [re.sub(r"- id: \S+", f"- id: {new}", line, count=1) for line in lines[first:end]]
        at = rng.choice([b[0] for b in blocks] + [len(lines)])
        lines[at:at] = copy
    _save(path, lines)


def redate_event_in_place(root: Path, rng: random.Random) -> None:
    """Move an event to another month: on a timeline paged by period, it changes page."""
    path, lines = _timeline_lines(root)
    first, end = rng.choice(_event_blocks(lines))
    for i in range(first, end):
        new, n = re.subn(
            r"(date: '?\d{4}-)\d{2}", rf"\g<1>{rng.randint(1, 12):02d}", lines[i], count=1
        )
        if n:
            lines[i] = new
            break
    _save(path, lines)


def break_event_in_place(root: Path, rng: random.Random) -> None:
    """A mistake inside one event: an unknown key, a bad date, a TODO left, or broken YAML."""
    path, lines = _timeline_lines(root)
    first, _ = rng.choice(_event_blocks(lines))
    indent = " " * (len(lines[first]) - len(lines[first].lstrip(" ")) + 2)
    mistake = rng.choice(
        [
            f"{indent}titel: A misspelt key",
            f"{indent}actors: [nobody-known]",
            f"{indent}title: TODO name it",
            f"{indent}note: [unclosed",
        ]
    )
    lines.insert(first + 1, mistake)
    _save(path, lines)


def _keeping_size_and_time(path: Path, rng: random.Random) -> None:
    """Upper-case one lower-case ASCII letter of the file in place, then put its modification time
    back (as ``touch -r`` or ``cp -p`` leave a file): only its status-change time tells the edit."""
    data = path.read_bytes()
    letters = [i for i, byte in enumerate(data) if 97 <= byte <= 122]
    i = rng.choice(letters)
    st = path.stat()
    path.write_bytes(data[:i] + bytes([data[i] - 32]) + data[i + 1 :])
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def edit_article_keeping_size_and_time(root: Path, rng: random.Random) -> None:
    _keeping_size_and_time(rng.choice(sorted(_sources(root).values())), rng)


def edit_yaml_keeping_size_and_time(root: Path, rng: random.Random) -> None:
    """A letter of an event's title changed, keeping the timeline's size and modification time."""
    path = root / "briefing/timeline.yaml"
    data = path.read_bytes()
    start = rng.choice([m.end() for m in re.finditer(rb"title: ", data)])
    letters = [i for i in range(start, data.index(b"\n", start)) if 97 <= data[i] <= 122]
    if letters:
        i = rng.choice(letters)
        st = path.stat()
        path.write_bytes(data[:i] + bytes([data[i] - 32]) + data[i + 1 :])
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def tamper_with_a_composed_page(root: Path, rng: random.Random) -> None:
    """A page or edition file of the warm build's output changed behind its back: the next build must write it again."""
    files = sorted((root.parent / "warm").rglob("*.md")) + sorted(
        (root.parent / "warm-edition").glob("*")
    )
    if files:
        _keeping_size_and_time(rng.choice(files), rng)


EDITS = [
    edit_claim_text,
    edit_quote,
    add_citation,
    drop_citation,
    edit_source_metadata,
    edit_article,
    add_or_remove_event,
    add_key_point,
    break_quote,
    edit_claim_id,
    repeat_claim,
    edit_source_url,
    edit_citation_note,
    edit_book_title,
    retitle_event_in_place,
    move_event_in_place,
    redate_event_in_place,
    break_event_in_place,
]
STATE_EDITS = [
    *EDITS,
    edit_article_keeping_size_and_time,
    edit_yaml_keeping_size_and_time,
    tamper_with_a_composed_page,
]
"""With the edits that only a file's state tells apart (for a warm process that knows files by state)."""
REVERT = -1  # go back to an earlier state of the project (the cache then holds newer entries)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and "_build" not in p.parts
    }


def _restore(root: Path, snap: dict[str, bytes]) -> None:
    for p in [p for p in root.rglob("*") if p.is_file() and "_build" not in p.parts]:
        if str(p.relative_to(root)) not in snap:
            p.unlink()
    for name, data in snap.items():
        (root / name).write_bytes(data)


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _front(root: Path, out: Path, cache: FrontCache | None) -> list[str] | dict[str, bytes]:
    """Composed pages and edition files of the project, or its problems (as build() makes them,
    with the changes since a previous edition)."""
    from briefgen.edition.previous import with_previous

    try:
        prepared = prepare(root, cache)
        edition, changes = with_previous(
            prepared.briefing, prepared.anchors, cache.edition if cache else None
        )
    except BriefingError as exc:
        return [str(p) for p in exc.problems]
    # kept between steps, as build() keeps _build/.work/edition
    editions = out.with_name(f"{out.name}-edition")
    write_edition_files(edition, editions, cache.edition if cache else None)
    compose_book(
        prepared.briefing,
        prepared.anchors,
        out,
        changes=changes,
        cache=cache.compose if cache else None,
    )
    return {**_tree(out), **{f"edition/{name}": data for name, data in _tree(editions).items()}}


def _run_sequence(
    root: Path,
    steps: list[tuple[int, int]],
    tmp: Path,
    settle: float = 0.0,
    edits: list[Callable[[Path, random.Random], None]] = EDITS,
) -> None:
    """``settle``: seconds to wait before each build, so files become old enough to be known by state."""
    cache = FrontCache()
    history = [_snapshot(root)]
    time.sleep(settle)
    assert isinstance(_front(root, tmp / "warm", cache), dict)  # the project is sound to begin with
    # known by state: the next build reads none
    assert not settle or len(cache.known.articles) == len(_sources(root))
    for n, (edit, seed) in enumerate(steps):
        rng = random.Random(seed)
        time.sleep(settle)
        if edit == REVERT:
            _restore(root, rng.choice(history))
        else:
            # an earlier step may have left a file that is no longer YAML: this edit cannot apply
            with contextlib.suppress(yaml.YAMLError):
                edits[edit](root, rng)
        history.append(_snapshot(root))
        time.sleep(settle)
        cold_dir = tmp / f"cold-{n}"
        warm, cold = _front(root, tmp / "warm", cache), _front(root, cold_dir, None)
        assert warm == cold, (
            f"step {n}: {edits[edit].__name__ if edit >= 0 else 'revert'} gave different results warm and cold"
        )
        assert (
            isinstance(cold, list)
            or {"edition/edition.json", "edition/annotations.jsonld"} <= cold.keys()
        )
        shutil.rmtree(cold_dir, ignore_errors=True)
        shutil.rmtree(cold_dir.with_name(f"{cold_dir.name}-edition"), ignore_errors=True)


steps_strategy = st.lists(
    st.tuples(st.integers(REVERT, len(EDITS) - 1), st.integers(0, 2**16)), min_size=1, max_size=6
)
SETTINGS = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated briefing past the size where source texts are listed by period (45 sources)."""
    return generate(tmp_path_factory.mktemp("synth") / "p", 45)


@SETTINGS
@given(steps=steps_strategy)
def test_warm_front_half_equals_cold_on_the_fixture(
    steps: list[tuple[int, int]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp = tmp_path_factory.mktemp("run")
    _run_sequence(copy_project(HARBOUR, tmp / "p"), steps, tmp)


def _with_urls(root: Path) -> Path:
    for path in sorted((root / "briefing/sources").glob("*.yaml")):
        data = _read(path)
        data["url"] = f"https://example.org/{path.stem}"
        _write(path, data)
    return root


def _with_previous_edition_and_urls(root: Path) -> Path:
    """The project as a reissue: its current state saved as the previous edition, every source with a url.

    Pages then carry new/changed marks, a What's new page and original-site links (text fragments
    chosen to be unique in the whole article): inputs a unit reads beyond its own file.
    """
    from briefgen.edition.records import build_edition

    _with_urls(root)
    prepared = prepare(root)
    write_edition_files(build_edition(prepared.briefing, prepared.anchors), root / "previous")
    book = _read(root / "briefing/book.yaml")
    book["previous_edition"] = "previous/edition.json"
    _write(root / "briefing/book.yaml", book)
    return root


@SETTINGS
@given(steps=steps_strategy)
def test_warm_front_half_equals_cold_with_a_previous_edition_and_original_links(
    steps: list[tuple[int, int]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp = tmp_path_factory.mktemp("run")
    _run_sequence(_with_previous_edition_and_urls(copy_project(HARBOUR, tmp / "p")), steps, tmp)


@SETTINGS
@given(steps=steps_strategy)
def test_warm_front_half_equals_cold_on_a_synthetic_briefing(
    steps: list[tuple[int, int]], synthetic: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp = tmp_path_factory.mktemp("run")
    root = tmp / "p"
    shutil.copytree(synthetic, root)
    _run_sequence(root, steps, tmp)


@settings(SETTINGS, max_examples=8)
@given(steps=steps_strategy)
def test_warm_front_half_equals_cold_with_a_timeline_paged_by_month(
    steps: list[tuple[int, int]],
    synthetic: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pages of a long timeline are composed one period at a time: an edited event recomposes its own."""
    from briefgen.compose import blocks

    monkeypatch.setattr(blocks, "PAGE_CLAIMS", 20)  # the 45 events' 90 claims: a page per month
    tmp = tmp_path_factory.mktemp("run")
    root = tmp / "p"
    shutil.copytree(synthetic, root)
    _run_sequence(root, steps, tmp)
    assert len(list((tmp / "warm" / "timeline").glob("*.md"))) > 3


@settings(SETTINGS, max_examples=10)
@given(
    steps=st.lists(
        st.tuples(st.integers(REVERT, len(STATE_EDITS) - 1), st.integers(0, 2**16)),
        min_size=1,
        max_size=6,
    )
)
def test_warm_front_half_equals_cold_when_unchanged_files_are_known_by_state(
    steps: list[tuple[int, int]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Files whose state is old enough are not read again (``briefgen.core.filestate``): with a short
    margin, waited out before each build, the warm process reads only what changed state, and every
    edit must still show, those keeping a file's size and time included."""
    tmp = tmp_path_factory.mktemp("run")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(filestate, "RACY_MARGIN_NS", 20_000_000)  # file times here are far finer
        _run_sequence(
            _with_previous_edition_and_urls(copy_project(HARBOUR, tmp / "p")),
            steps,
            tmp,
            settle=0.04,
            edits=STATE_EDITS,
        )


def test_events_changing_period_recompose_the_timeline_hub_and_both_pages(
    synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefgen.compose import blocks

    monkeypatch.setattr(blocks, "PAGE_CLAIMS", 20)
    root = tmp_path / "p"
    shutil.copytree(synthetic, root)
    edits = [
        (retitle_event_in_place, 1),
        (redate_event_in_place, 2),
        (redate_event_in_place, 3),
        (move_event_in_place, 4),
        (move_event_in_place, 9),
        (break_event_in_place, 5),
        (retitle_event_in_place, 6),
    ]
    _run_sequence(root, [(EDITS.index(edit), seed) for edit, seed in edits], tmp_path)


@pytest.mark.build
def test_warm_builds_publish_the_same_html_as_cold_builds(tmp_path: Path) -> None:
    """End to end: a warm process building after each edit (as serve does) and a cold build of the same project."""
    warm_root, cold_root = (
        copy_project(HARBOUR, tmp_path / "warm"),
        copy_project(HARBOUR, tmp_path / "cold"),
    )
    cache = FrontCache()
    build(warm_root, ("html",), cache=cache)
    rng = random.Random(17)
    for edit in (
        edit_claim_text,
        edit_quote,
        add_key_point,
        edit_source_metadata,
        add_or_remove_event,
        drop_citation,
        edit_article,
        add_citation,
    ):
        seed = rng.randint(0, 2**16)
        edit(warm_root, random.Random(seed))
        edit(cold_root, random.Random(seed))
        shutil.rmtree(cold_root / "_build", ignore_errors=True)
        warm, cold = _build_or_problems(warm_root, cache), _build_or_problems(cold_root, None)
        assert warm == cold
        if warm:  # both refused the edit alike; the next edit starts from it
            continue
        for part in ("src", "html"):
            assert _tree(warm_root / "_build" / part) == _tree(cold_root / "_build" / part), (
                f"after {edit.__name__}: _build/{part} differs"
            )


def _build_or_problems(root: Path, cache: FrontCache | None) -> list[str]:
    try:
        build(root, ("html",), cache=cache)
    except BriefingError as exc:
        return [str(p) for p in exc.problems]
    return []


def test_an_article_edit_elsewhere_updates_original_site_links_in_pages_citing_it(
    tmp_path: Path,
) -> None:
    """A passage's link to the original site must be unique in the whole article: repeating the
    passage further down changes the link in every page citing it, though its anchor is unchanged."""
    # no previous edition: its changes would hide the dependency
    root = _with_urls(copy_project(HARBOUR, tmp_path / "p"))
    cache = FrontCache()
    assert isinstance(_front(root, tmp_path / "warm", cache), dict)
    timeline = _read(root / "briefing/timeline.yaml")
    cite = timeline["events"][0]["claims"][0]["cite"][0]
    article = _sources(root)[cite["source"]]
    article.write_text(
        article.read_text(encoding="utf-8") + f"Repeated: {cite['quote']} again.\n",
        encoding="utf-8",
    )
    warm, cold = _front(root, tmp_path / "warm", cache), _front(root, tmp_path / "cold", None)
    assert isinstance(cold, dict) and warm == cold


def test_problems_in_one_event_keep_their_lines_as_other_events_move(tmp_path: Path) -> None:
    """Problems located in an event that an edit did not touch move with it, line for line."""
    root = generate(tmp_path / "p", 30)
    cache = FrontCache()
    assert isinstance(_front(root, tmp_path / "warm", cache), dict)
    path, lines = _timeline_lines(root)
    blocks = _event_blocks(lines)
    lines.insert(blocks[-3][0] + 1, "  titel: A misspelt key")  # a problem in a late event
    _save(path, lines)

    def copy_first(ls: list[str]) -> None:
        first, end = _event_blocks(ls)[5]
        ls[0:0] = [
            "events:",
            *(re.sub(r"- id: \\S+", "- id: copied", line, count=1) for line in ls[first:end]),
        ]
        del ls[len(ls[first:end]) + 1]  # the old 'events:' line

    steps = [
        lambda ls: ls.insert(
            _event_blocks(ls)[1][0] + 1, "  # a comment: the events below move down a line"
        ),
        lambda ls: ls.__delitem__(slice(*_event_blocks(ls)[2])),  # an early event removed
        copy_first,  # an event inserted first
    ]
    seen = []
    for step in [lambda ls: None, *steps]:
        path, lines = _timeline_lines(root)
        step(lines)
        _save(path, lines)
        warm, cold = _front(root, tmp_path / "warm", cache), _front(root, tmp_path / "cold", None)
        assert isinstance(cold, list) and warm == cold
        seen.append(cold)
    assert len({tuple(c) for c in seen}) == len(seen)  # each step moved or added a problem
