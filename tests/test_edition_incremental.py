"""The edition of a warm rebuild (the cache ``briefgen serve`` keeps) is a cold build's, byte for byte.

Each edit below changes one input an entry of edition.json or annotations.jsonld is made from; a
cache that reused an entry made before the edit would publish the old bytes. A one-file edit must
also remake only what that file can change, or the cache saves nothing.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import HARBOUR, copy_project

from briefgen.edition.previous import with_previous
from briefgen.edition.records import (
    ANNOTATIONS_FILE,
    EDITION_FILE,
    Edition,
    build_edition,
    write_edition_files,
)
from briefgen.trust.prepare import prepare
from briefgen.warm.front import FrontCache


def edition_files(root: Path, cache: FrontCache | None, out: Path) -> tuple[dict[str, bytes], str]:
    """The edition files as a build writes them, and the changes since the previous edition (as text)."""
    prepared = prepare(root, cache)
    edition, changes = with_previous(
        prepared.briefing, prepared.anchors, cache.edition if cache else None
    )
    write_edition_files(edition, out, cache.edition if cache else None)
    return {name: (out / name).read_bytes() for name in (EDITION_FILE, ANNOTATIONS_FILE)}, repr(
        changes
    )


def _sub(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert n == 1, f"{pattern!r} not in {path}"
    path.write_text(new, encoding="utf-8")


def _yaml_edit(path: Path, change: Callable[[dict], None]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def edit_quote(root: Path) -> None:  # a citation: its passage and offsets
    _sub(
        root / "briefing/book.yaml",
        r"voted on Tuesday to close the north pier for repairs",
        "voted on Tuesday to close the north pier",
    )


def regrade_source(root: Path) -> None:  # a source entry
    _yaml_edit(
        root / "briefing/sources/gazette.yaml",
        lambda d: d["grade"].update(reliability="D" if d["grade"]["reliability"] != "D" else "C"),
    )


def give_claim_an_id(root: Path) -> None:  # a claim's id, and its annotations' ids
    _yaml_edit(root / "briefing/book.yaml", lambda d: d["bluf"][0].update(id="pier-vote"))


def shift_an_article(
    root: Path,
) -> None:  # every passage of the article moves: offsets, paragraphs, context
    path = root / "articles/gazette.txt"
    text = path.read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    path.write_text(
        f"{first}\nA new first paragraph, inserted by an editor.\n{rest}", encoding="utf-8"
    )


def add_url(root: Path) -> None:  # links to the original site, and annotation targets
    _yaml_edit(
        root / "briefing/sources/herald.yaml",
        lambda d: d.update(url="https://herald.example/north-pier"),
    )


def note_a_citation(root: Path) -> None:
    _yaml_edit(
        root / "briefing/book.yaml",
        lambda d: d["bluf"][0]["cite"][0].update(note="As the Gazette reported it."),
    )


def retitle_book(root: Path) -> None:  # the slug: every annotation's id
    _yaml_edit(root / "briefing/book.yaml", lambda d: d.update(title="Harbour Affairs"))


def repeat_a_sentence(
    root: Path,
) -> None:  # the same sentence twice in one scope: ids counted across the book
    def twice(d: dict) -> None:
        twin = copy.deepcopy(d["bluf"][0])
        twin.pop("id", None)
        d["bluf"].append(twin)

    _yaml_edit(root / "briefing/book.yaml", twice)


def reword_a_claim(
    root: Path,
) -> None:  # a claim's text alone: same citations, same anchored sources
    _sub(
        root / "briefing/timeline.yaml",
        r"The Port Authority voted to close the north pier\.",
        "The Port Authority voted to shut the north pier.",
    )


def reword_a_claim_with_an_id(
    root: Path,
) -> None:  # its id stays: only the text tells the claim changed
    _sub(root / "briefing/method.yaml", r"disagree on whether", "differ on whether")


def move_a_citation(root: Path) -> None:
    """A citation moves to the next claim citing its source: the quotes, in citing order, are the
    same, so the source is not anchored again; only the two claims' own quotes tell them changed."""

    def move(d: dict) -> None:
        d["key_judgments"][0]["cite"].insert(0, d["bluf"][0]["cite"].pop())

    _yaml_edit(root / "briefing/book.yaml", move)


EDITS = [
    edit_quote,
    regrade_source,
    give_claim_an_id,
    shift_an_article,
    add_url,
    note_a_citation,
    retitle_book,
    repeat_a_sentence,
    reword_a_claim,
    reword_a_claim_with_an_id,
    move_a_citation,
]


@pytest.mark.parametrize("edit", EDITS, ids=[e.__name__ for e in EDITS])
def test_a_warm_edition_after_an_edit_is_the_cold_one(
    edit: Callable[[Path], None], tmp_path: Path
) -> None:
    root = copy_project(HARBOUR, tmp_path / "p")
    cache = FrontCache()
    before, _ = edition_files(root, cache, tmp_path / "warm")
    edit(root)
    warm, _ = edition_files(root, cache, tmp_path / "warm")
    cold, _ = edition_files(root, None, tmp_path / "cold")
    assert warm != before, "the edit changes the edition"
    assert warm == cold
    # and back again: entries of the first build are not stale
    edit_back = copy_project(HARBOUR, tmp_path / "again")
    assert edition_files(edit_back, cache, tmp_path / "warm")[0] == before


def test_a_changed_previous_edition_gives_the_changes_a_cold_build_gives(tmp_path: Path) -> None:
    root = copy_project(HARBOUR, tmp_path / "p")
    prepared = prepare(root)
    write_edition_files(build_edition(prepared.briefing, prepared.anchors), root / "previous")
    _yaml_edit(
        root / "briefing/book.yaml", lambda d: d.update(previous_edition="previous/edition.json")
    )
    cache = FrontCache()
    _, unchanged = edition_files(root, cache, tmp_path / "warm")
    # the previous edition is edited: a claim it had reworded, so this one's is a change
    _sub(
        root / "previous/edition.json", r"The Port Authority has voted", "The Port Authority voted"
    )
    files, changes = edition_files(root, cache, tmp_path / "warm")
    assert (files, changes) == edition_files(root, None, tmp_path / "cold")
    assert changes != unchanged


def test_a_one_event_edit_remakes_only_that_files_entries(tmp_path: Path) -> None:
    root = copy_project(HARBOUR, tmp_path / "p")
    cache = FrontCache()
    edition_files(root, cache, tmp_path / "warm")
    _sub(root / "briefing/timeline.yaml", r"^(\s*title: )(.+)$", r"\1\2 (corrected)")
    warm, _ = edition_files(root, cache, tmp_path / "warm")
    assert warm == edition_files(root, None, tmp_path / "cold")[0]
    made = cache.edition.made
    assert (made["sites"], made["files"]) == (1, 1), (
        "only the timeline's claims are looked at again"
    )
    assert (made["claims"], made["sources"], made["annotations"]) == (0, 0, 0)
    # a quote edited: its source is anchored again, so the claims citing that source are remade, no
    # other; the annotations of those whose file's claims are still equal are reused
    before = Edition.model_validate_json(warm[EDITION_FILE])
    _sub(
        root / "briefing/book.yaml",
        r"voted on Tuesday to close the north pier for repairs",
        "voted on Tuesday to close the north pier",
    )
    warm, _ = edition_files(root, cache, tmp_path / "warm")
    assert warm == edition_files(root, None, tmp_path / "cold")[0]
    edition = Edition.model_validate_json(warm[EDITION_FILE])
    citing = [claim for claim in edition.claims if any(c.source == "gazette" for c in claim.cite)]
    changed = [claim for claim in edition.claims if claim not in before.claims]
    assert made["claims"] == len(citing) < len(edition.claims)
    assert 1 <= len(changed) <= made["annotations"] < made["claims"]
    assert made["sources"] == 0


def test_an_id_told_apart_from_one_in_another_file_follows_that_file(tmp_path: Path) -> None:
    """A method note and a key point of a source named 'method-notes' with the same sentence share a
    derived id, so the key point's is '-2'; when the note goes, the key point's file is unchanged but its id is not."""
    root = copy_project(HARBOUR, tmp_path / "p")
    sentence = "Engineers expect repairs to take about eight months."
    herald = yaml.safe_load((root / "briefing/sources/herald.yaml").read_text(encoding="utf-8"))
    twin = {
        **herald,
        "id": "method-notes",
        "summary": [
            {
                "text": sentence,
                "cite": [
                    {"source": "method-notes", "quote": herald["summary"][0]["cite"][0]["quote"]}
                ],
            }
        ],
    }
    (root / "briefing/sources/method-notes.yaml").write_text(
        yaml.safe_dump(twin, sort_keys=False), encoding="utf-8"
    )
    _yaml_edit(
        root / "briefing/method.yaml",
        lambda d: d.update(notes=[copy.deepcopy(herald["summary"][0])]),
    )
    cache = FrontCache()
    before, _ = edition_files(root, cache, tmp_path / "warm")
    assert b'"id":"sources/method-notes/' in before[EDITION_FILE] and b"-2" in before[EDITION_FILE]
    _yaml_edit(root / "briefing/method.yaml", lambda d: d.update(notes=[]))
    warm, _ = edition_files(root, cache, tmp_path / "warm")
    assert warm == edition_files(root, None, tmp_path / "cold")[0]
    assert warm != before


def test_an_edition_written_after_a_later_one_was_built_is_still_its_own(tmp_path: Path) -> None:
    """The cache's segments belong to the last edition built: writing an earlier one must not use them."""
    root = copy_project(HARBOUR, tmp_path / "p")
    cache = FrontCache()
    prepared = prepare(root, cache)
    first = build_edition(prepared.briefing, prepared.anchors, cache.edition)
    reword_a_claim(root)
    prepared = prepare(root, cache)
    build_edition(prepared.briefing, prepared.anchors, cache.edition)
    write_edition_files(first, tmp_path / "warm", cache.edition)
    write_edition_files(first, tmp_path / "cold")
    for name in (EDITION_FILE, ANNOTATIONS_FILE):
        assert (tmp_path / "warm" / name).read_bytes() == (tmp_path / "cold" / name).read_bytes()


def test_a_new_url_retargets_annotations_of_passages_the_original_site_cannot_link_to(
    tmp_path: Path,
) -> None:
    """A passage whose paragraph the article repeats word for word has no link to the original site,
    so its citation, and claim, do not change with the url; its annotation's target does."""
    root = copy_project(HARBOUR, tmp_path / "p")
    article = root / "articles/herald.txt"
    text = article.read_text(encoding="utf-8")
    repeated = next(
        line for line in text.splitlines() if line.startswith("Repairs to the north pier")
    )
    article.write_text(f"{text.rstrip()}\n\n{repeated}\n", encoding="utf-8")
    _yaml_edit(
        root / "briefing/sources/herald.yaml", lambda d: d.update(url="https://herald.example/a")
    )
    cache = FrontCache()
    before, _ = edition_files(root, cache, tmp_path / "warm")
    edition = Edition.model_validate_json(before[EDITION_FILE])
    assert [
        c.original for claim in edition.claims if claim.scope == "herald" for c in claim.cite
    ] == [None]
    _yaml_edit(
        root / "briefing/sources/herald.yaml", lambda d: d.update(url="https://herald.example/b")
    )
    warm, _ = edition_files(root, cache, tmp_path / "warm")
    assert warm == edition_files(root, None, tmp_path / "cold")[0]
    assert b"herald.example/b" in warm[ANNOTATIONS_FILE]
