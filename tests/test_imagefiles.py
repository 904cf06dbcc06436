"""Image files no page refers to are removed before publishing (briefgen.building.imagefiles)."""

from __future__ import annotations

from pathlib import Path

from briefgen.building.imagefiles import ImageUse, referenced


def _page(outdir: Path, name: str, *images: str) -> str:
    depth = "../" * name.count("/")
    body = "".join(f'<img src="{depth}_images/{image}" alt="">' for image in images)
    (outdir / f"{name}.html").parent.mkdir(parents=True, exist_ok=True)
    (outdir / f"{name}.html").write_text(f"<html><body>{body}</body></html>")
    return body


def _images(outdir: Path, *names: str) -> None:
    (outdir / "_images").mkdir(parents=True, exist_ok=True)
    for name in names:
        (outdir / "_images" / name).write_text(name)


def test_references_are_found_in_src_data_and_href() -> None:
    html = '<img src="../_images/a.svg"><object data="_images/b.svg"></object><a href="../../_images/c.png?x=1">'
    assert referenced(html) == {"a.svg", "b.svg", "c.png"}


def test_a_serial_build_prunes_from_its_record_and_the_pages_it_wrote(tmp_path: Path) -> None:
    out, record = tmp_path / "html", tmp_path / "images.json"
    _images(out, "map-1.svg", "chart.svg")
    use = ImageUse(record)
    known = use.start()
    for page, images in (("actors", ["map-1.svg"]), ("timeline", ["chart.svg"])):
        use.saw(page, _page(out, page, *images))
    assert use.prune(out, ["actors", "timeline"], known, whole=True) == []
    # the map is redrawn under a new name; only the actors page is written again
    _images(out, "map-2.svg")
    known = use.start()
    assert not record.exists()  # a build that fails now leaves no record behind
    use.saw("actors", _page(out, "actors", "map-2.svg"))
    (out / "timeline.html").write_text("stale: must not be read")  # the record answers for it
    assert use.prune(out, ["actors", "timeline"], known, whole=True) == ["map-1.svg"]
    assert sorted(p.name for p in (out / "_images").iterdir()) == ["chart.svg", "map-2.svg"]


def test_without_a_record_or_after_a_parallel_write_every_page_is_read_back(tmp_path: Path) -> None:
    out, record = tmp_path / "html", tmp_path / "images.json"
    _images(out, "used.svg", "unused.svg", "nested.svg")
    _page(out, "index", "used.svg")
    _page(out, "sources/a", "nested.svg")
    use = ImageUse(record)
    assert use.prune(out, ["index", "sources/a"], use.start(), whole=True) == ["unused.svg"]
    _images(out, "later.svg")
    _page(out, "index", "later.svg")  # written by a worker process: not seen
    assert use.prune(out, ["index", "sources/a"], use.start(), whole=False) == ["used.svg"]
