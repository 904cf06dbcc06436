"""The actor map's parts and their direction: every part fits a text column where a layout can."""

from __future__ import annotations

import pytest
from test_charts import contrast

from briefgen.compose.actormap import DARK_MAP, LIGHT_MAP, MapPalette, direction, map_parts
from briefgen.core.model import Actors

CITE = [{"source": "s", "quote": "q"}]


def actors(*pairs: tuple[str, str]) -> Actors:
    names = sorted({x for pair in pairs for x in pair})
    return Actors.model_validate(
        {
            "actors": [
                {
                    "id": n,
                    "name": n.title(),
                    "kind": "person",
                    "role": "r",
                    "statements": [{"text": "t", "cite": CITE}],
                }
                for n in names
            ],
            "relations": [{"from": a, "to": b, "kind": "meets", "cite": CITE} for a, b in pairs],
        }
    )


def test_parts_are_groups_of_connected_actors_in_order_of_first_relation() -> None:
    parts = map_parts(actors(("a", "b"), ("c", "d"), ("b", "e"), ("d", "a"), ("x", "y")))
    assert [[(r.source, r.target) for r in part] for part in parts] == [
        [("a", "b"), ("c", "d"), ("b", "e"), ("d", "a")],  # d-a joins the first two groups
        [("x", "y")],
    ]


def test_a_long_chain_is_drawn_top_to_bottom_and_a_short_or_wide_one_left_to_right() -> None:
    chain = map_parts(actors(("a", "b"), ("b", "c"), ("c", "d")))[0]
    assert direction(chain) == "TB"
    pair = map_parts(actors(("a", "b")))[0]
    assert direction(pair) == "LR"
    star = map_parts(actors(*[("hub", f"t{n}") for n in range(6)]))[0]
    assert direction(star) == "LR"  # six actors side by side would be wider still
    cycle = map_parts(actors(("a", "b"), ("b", "c"), ("c", "a")))[0]
    assert direction(cycle) in {"LR", "TB"}  # a cycle ends


@pytest.mark.parametrize("palette", [LIGHT_MAP, DARK_MAP])
def test_map_text_is_legible_on_every_fill_in_both_themes(palette: MapPalette) -> None:
    """A map in the dark theme's colours (a light SVG on a dark page glared) keeps text at
    4.5:1 on every party's tint, and its lines visible against the background."""
    background = "#ffffff" if palette.background == "white" else palette.background
    for fill in (*palette.fills, palette.no_party):
        assert contrast(palette.text, fill) >= 4.5
        assert contrast(palette.small, fill) >= 4.5
    assert contrast(palette.edge_text, background) >= 4.5
    assert contrast(palette.edge, background) >= 3
    assert contrast(palette.border, background) >= 3
