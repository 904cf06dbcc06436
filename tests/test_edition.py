"""edition.json and annotations.jsonld: what a build publishes for other tools, checked as they would use it."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import FIXTURES, REPO
from pyld import jsonld

from briefgen.building.book import build
from briefgen.core.errors import BriefingError
from briefgen.core.textnorm import fold
from briefgen.core.validate import iter_citations
from briefgen.edition.records import Edition, build_edition, derived_id, likelihood_of
from briefgen.project.schema import output_schema_text
from briefgen.trust.prepare import prepare

GAZETTE_URL = "https://gazette.example/2024/05/04/north-pier"
ANNO_CONTEXT = json.loads((FIXTURES / "jsonld" / "anno.jsonld").read_text(encoding="utf-8"))
OA = "http://www.w3.org/ns/oa#"


def with_url(project: Path) -> Path:
    """The fixture with a web address for the Gazette (the Herald keeps none)."""
    path = project / "briefing/sources/gazette.yaml"
    path.write_text(
        path.read_text().replace(
            "outlet: Harbour Gazette\n", f"outlet: Harbour Gazette\nurl: {GAZETTE_URL}\n"
        )
    )
    return project


def edition_of(project: Path) -> Edition:
    prepared = prepare(project)
    return build_edition(prepared.briefing, prepared.anchors)


def test_committed_edition_schema_is_current() -> None:
    assert (REPO / "schemas" / "edition.schema.json").read_text() == output_schema_text(
        "edition"
    ), "run: briefgen schema"


@pytest.mark.build
def test_build_publishes_edition_beside_the_html_and_it_validates(harbour: Path) -> None:
    build(with_url(harbour), ("html",))
    html = harbour / "_build/html"
    data = json.loads((html / "edition.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads((REPO / "schemas/edition.schema.json").read_text()))
    assert data["format"] == "briefgen-edition/1" and data["book"]["as_of"] == "2024-05-06"
    # every page and passage the edition names is in the published book
    for claim in data["claims"]:
        for cite in claim["cite"]:
            page, _, anchor = cite["page"].partition("#")
            assert f'id="{anchor}"' in (html / page).read_text(encoding="utf-8"), cite["page"]
    # a rebuild gives the same bytes
    before = (html / "edition.json").read_bytes(), (html / "annotations.jsonld").read_bytes()
    shutil.rmtree(harbour / "_build")
    build(harbour, ("html",))
    assert (
        (html / "edition.json").read_bytes(),
        (html / "annotations.jsonld").read_bytes(),
    ) == before


def _paragraph_number(text: str, offset: int) -> int:
    """Paragraphs as readers count them: non-blank lines, numbered from 1."""
    number, at = 0, 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            number += 1
        if at <= offset < at + len(line):
            return number
        at += len(line)
    raise AssertionError(offset)


def test_every_citation_reanchors_from_the_edition_alone(harbour: Path) -> None:
    """What a reader of edition.json can check with nothing but it and the article files."""
    edition = json.loads(edition_of(with_url(harbour)).to_json())
    sources = {s["id"]: s for s in edition["sources"]}
    checked = 0
    for claim in edition["claims"]:
        for cite in claim["cite"]:
            source = sources[cite["source"]]
            raw = (harbour / source["file"]).read_bytes()
            text = raw.decode("utf-8-sig")
            assert hashlib.sha256(text.encode("utf-8")).hexdigest() == source["sha256"]
            assert len(text) == source["characters"]
            assert text[cite["start"] : cite["end"]] == cite["exact"]
            assert fold(cite["exact"]) == fold(cite["quote"])  # the quote, up to typography
            assert (
                text[max(0, cite["start"] - len(cite["prefix"])) : cite["start"]] == cite["prefix"]
            )
            assert text[cite["end"] : cite["end"] + len(cite["suffix"])] == cite["suffix"]
            assert _paragraph_number(text, cite["start"]) == cite["paragraph"]
            checked += 1
    prepared = prepare(harbour)
    # every citation of the briefing, once
    assert checked == sum(1 for _ in iter_citations(prepared.briefing)) >= 15


def test_claim_ids_yaml_where_given_else_section_scope_and_text(harbour: Path) -> None:
    path = harbour / "briefing/timeline.yaml"
    text = path.read_text()
    path.write_text(
        text.replace(
            "      - text: The Port Authority voted to close the north pier.",
            "      - id: vote-claim\n        text: The Port Authority voted to close the north pier.",
        )
    )
    edition = edition_of(harbour)
    by_id = {c.id: c for c in edition.claims}
    assert len(by_id) == len(edition.claims)  # unique
    assert by_id["vote-claim"].id_from == "yaml" and by_id["vote-claim"].scope == "vote"
    assert by_id["vote-claim"].where == "briefing/timeline.yaml: events[1].claims[0]"
    meetings = next(c for c in edition.claims if c.scope == "meetings")
    assert (
        meetings.id_from == "derived"
        and meetings.id.startswith("timeline/meetings/")
        and len(meetings.id.rsplit("/", 1)[1]) == 10
    )
    # reordering the events renames nothing
    head, vote = path.read_text().split("  - id: vote\n")
    path.write_text(
        "events:\n  - id: vote\n" + vote.rstrip("\n") + "\n" + head.removeprefix("events:\n")
    )
    reordered = edition_of(harbour)
    assert [c.scope for c in reordered.claims if c.section == "timeline"] == ["vote", "meetings"]
    assert {c.text: c.id for c in reordered.claims} == {c.text: c.id for c in edition.claims}


def test_duplicate_claim_id_is_a_located_error(harbour: Path) -> None:
    path = harbour / "briefing/timeline.yaml"
    text = path.read_text()
    text = text.replace(
        "      - text: The Port Authority voted to close the north pier.",
        "      - id: same\n        text: The Port Authority voted to close the north pier.",
    )
    text = text.replace(
        "      - text: The Authority says it held two public meetings in March.",
        "      - id: same\n        text: The Authority says it held two public meetings in March.",
    )
    path.write_text(text)
    with pytest.raises(BriefingError) as caught:
        prepare(harbour)
    [problem] = caught.value.problems
    assert (
        str(problem).startswith("briefing/timeline.yaml:")
        and "duplicate claim id 'same'" in str(problem)
        and "events[1].claims[0].id" in str(problem)
    )


def test_key_judgments_carry_confidence_and_likelihood() -> None:
    assert likelihood_of("Strikes are very unlikely before June.").term == "very unlikely"
    assert likelihood_of("Strikes are unlikely before June.").term == "unlikely"
    assert likelihood_of("A deal is almost certainly off.").term == "almost certainly"
    assert likelihood_of("A deal is probable.").range == "55–80%"
    assert likelihood_of("The guild may act.") is None


def test_derived_id_ignores_spacing_only() -> None:
    from briefgen.edition.records import ClaimSite

    a = ClaimSite("timeline", "event", "vote", "", "The  vote\nhappened.", [])
    b = ClaimSite("timeline", "event", "vote", "", "The vote happened.", [])
    c = ClaimSite("timeline", "event", "vote", "", "The vote happened!", [])
    assert derived_id(a) == derived_id(b) != derived_id(c)


# -- annotations.jsonld -------------------------------------------------------------------------


def _offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Serves the W3C Web Annotation context from the test data; anything else is refused (no network)."""
    if url.rstrip("/") in ("http://www.w3.org/ns/anno.jsonld", "https://www.w3.org/ns/anno.jsonld"):
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": ANNO_CONTEXT,
        }
    raise AssertionError(f"JSON-LD processing tried to fetch {url}")


def _first(node: dict[str, Any], prop: str) -> Any:
    values = node.get(OA + prop) or node.get(prop)
    assert values, (prop, node)
    return values[0]


def test_annotations_are_web_annotations_with_selectors_that_hold(harbour: Path) -> None:
    build(with_url(harbour), ("html",))
    html = harbour / "_build/html"
    doc = json.loads((html / "annotations.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == "http://www.w3.org/ns/anno.jsonld"
    base = (html / "annotations.jsonld").as_uri()
    expanded = jsonld.expand(doc, {"documentLoader": _offline_loader, "base": base})
    nodes = jsonld.flatten(doc, None, {"documentLoader": _offline_loader, "base": base})
    annotations = [n for n in nodes if OA + "Annotation" in n.get("@type", [])]
    edition = json.loads((html / "edition.json").read_text())
    assert (
        expanded
        and len(annotations) == sum(len(c["cite"]) for c in edition["claims"]) == doc["total"]
    )
    by_id = {n["@id"]: n for n in nodes}
    texts = {
        s["id"]: (harbour / s["file"]).read_bytes().decode("utf-8-sig") for s in edition["sources"]
    }
    pages = {s["id"]: s for s in edition["sources"]}
    seen_targets = set()
    for annotation in annotations:
        # required by the Web Annotation model: an IRI id, the Annotation type, at least one target
        assert annotation["@id"].startswith("urn:uuid:")
        assert _first(annotation, "motivatedBy")["@id"] == OA + "commenting"
        body = by_id[_first(annotation, "hasBody")["@id"]]
        assert (
            OA + "TextualBody" in body["@type"]
            and body["http://www.w3.org/1999/02/22-rdf-syntax-ns#value"][0]["@value"]
        )
        target = by_id[_first(annotation, "hasTarget")["@id"]]
        source_iri = _first(target, "hasSource")["@id"]
        selectors = [by_id[s["@id"]] for s in target[OA + "hasSelector"]]
        quote = next(s for s in selectors if OA + "TextQuoteSelector" in s["@type"])
        position = next(s for s in selectors if OA + "TextPositionSelector" in s["@type"])
        exact = _first(quote, "exact")["@value"]
        start, end = (
            int(_first(position, "start")["@value"]),
            int(_first(position, "end")["@value"]),
        )
        sid = next(
            s
            for s, src in pages.items()
            if source_iri == (src["url"] or f"{base.rsplit('/', 1)[0]}/{src['page']}")
        )
        text = texts[sid]
        assert text[start:end] == exact
        assert text[:start].endswith(_first(quote, "prefix")["@value"]) and text[end:].startswith(
            _first(quote, "suffix")["@value"]
        )
        seen_targets.add(source_iri)
    # the Gazette has a url: its annotations target the original; the Herald's target the book's page
    assert GAZETTE_URL in seen_targets
    assert any(t.endswith("/sources/herald.html") and t.startswith("file://") for t in seen_targets)
    assert jsonld.to_rdf(
        doc, {"documentLoader": _offline_loader, "base": base, "format": "application/n-quads"}
    ).count("http://www.w3.org/ns/oa#hasTarget") == len(annotations)


def test_one_annotation_checked_against_the_article_by_hand(harbour: Path) -> None:
    """The Gazette's first cited passage, worked out here from the article file itself."""
    edition = json.loads(edition_of(with_url(harbour)).to_json())
    from briefgen.edition.records import web_annotations

    doc = web_annotations(Edition.model_validate(edition))
    first = next(a for a in doc["first"]["items"] if a["target"]["source"] == GAZETTE_URL)  # type: ignore[index]
    article = (harbour / "articles/gazette.txt").read_text(encoding="utf-8")
    quote, position = first["target"]["selector"]
    assert quote["type"] == "TextQuoteSelector" and position["type"] == "TextPositionSelector"
    at = article.index("voted on Tuesday to close the north pier for repairs")
    assert (position["start"], position["end"]) == (
        at,
        at + len("voted on Tuesday to close the north pier for repairs"),
    )
    assert quote["exact"] == "voted on Tuesday to close the north pier for repairs"
    assert quote["prefix"] == article[at - 32 : at] and quote["prefix"].endswith(
        "The Port Authority "
    )
    assert quote["suffix"] == article[position["end"] : position["end"] + 32] and quote[
        "suffix"
    ].startswith(", a decision")
    assert first["body"]["value"].startswith("The Port Authority has voted to close the north pier")


def test_edition_at_a_git_revision_of_a_project_in_a_subfolder(tmp_path: Path) -> None:
    """Read from git, not the working tree: a later edit or an uncommitted file changes nothing."""
    import subprocess

    from briefgen.edition.previous import EditionNotFound, edition_at_revision

    repo = tmp_path / "repo"
    project = shutil.copytree(FIXTURES / "good/harbour", repo / "briefings" / "harbour")
    source = project / "briefing/sources/herald.yaml"
    source.write_text(
        source.read_text().replace(
            "file: articles/herald.txt", "file: ./articles/../articles/herald.txt"
        )
    )

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "one")
    expected = edition_of(project).to_json()
    (project / "articles/gazette.txt").write_text("changed after the commit\n")
    (project / "briefing/book.yaml").write_text("title: [broken\n")
    assert edition_at_revision(project, "HEAD").to_json() == expected
    with pytest.raises(EditionNotFound):
        edition_at_revision(project, "no-such-revision")
    with pytest.raises(EditionNotFound):
        edition_at_revision(tmp_path, "HEAD")  # not a git repository


def test_an_edition_compared_with_itself_has_no_changes(harbour: Path) -> None:
    from briefgen.edition.changes import compare, format_changes

    edition = edition_of(harbour)
    # through its own JSON and back
    changes = compare(edition, Edition.model_validate_json(edition.to_json()))
    assert (
        changes.empty
        and format_changes(changes)
        == "Changes since the edition of 2024-05-06 (North Pier Closure): none\n"
    )
