"""The body map: points in polygons, mirror images, and the zones where no one should press."""

from __future__ import annotations

from guide_bot.domain.body_map import (
    CAUTION_ZONES,
    DANGER_ZONES,
    inside,
    mirror,
    on_body,
    samples,
    zones_hit,
)
from guide_bot.domain.routine import Routine

SQUARE = ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0))


def test_inside_counts_the_edge_and_nothing_outside() -> None:
    assert inside((0.5, 0.5), SQUARE)
    assert inside((1.0, 0.3), SQUARE)  # on the edge
    assert not inside((1.01, 0.3), SQUARE)
    assert mirror((0.3, 0.4)) == (0.7, 0.4)
    assert len(samples(((0.0, 0.0), (0.0, 0.1)), step=0.01)) == 11


def test_each_named_site_is_a_danger_zone() -> None:
    cases = {
        ("front", (0.5, 0.15)): "front and sides of the neck",
        ("front", (0.32, 0.24)): "armpit",
        ("front", (0.45, 0.53)): "groin crease",
        ("front", (0.27, 0.34)): "inside of the elbow",
        ("back", (0.5, 0.30)): "the spine",
        ("back", (0.54, 0.38)): "over the kidneys (lowest rib to hip bone, beside the spine)",
        ("back", (0.41, 0.73)): "back of the knee",
        ("side", (0.52, 0.14)): "front and sides of the neck",
    }
    for (view, point), name in cases.items():
        assert zones_hit(view, (point,), DANGER_ZONES) == [name], (view, point)
        assert on_body(view, point), (view, point)
    # The zones come in pairs: the mirror image of a danger point is one too.
    assert zones_hit("back", (mirror((0.54, 0.38)),), DANGER_ZONES)


def test_a_line_that_crosses_a_zone_is_caught() -> None:
    crossing = ((0.45, 0.30), (0.55, 0.30))  # across the spine
    assert zones_hit("back", crossing, DANGER_ZONES) == ["the spine"]
    assert zones_hit("back", ((0.53, 0.21), (0.53, 0.32)), DANGER_ZONES) == []


def test_the_fixed_placements_are_safe_and_the_old_ones_were_not(
    shipped: dict[str, Routine],
) -> None:
    lower_back = shipped["lower-back-relief"].steps[0]
    assert lower_back.where is not None
    assert lower_back.where.point is not None
    assert zones_hit("back", (lower_back.where.point,), DANGER_ZONES) == []
    assert zones_hit("back", ((0.55, 0.39),), DANGER_ZONES)  # between the lowest rib and hip bone
    chest = shipped["chest-opener"].steps[0]
    assert chest.where is not None
    assert chest.where.point is not None
    assert zones_hit("front", (chest.where.point,), DANGER_ZONES) == []
    assert zones_hit("front", (chest.where.point,), CAUTION_ZONES)  # near the armpit: a caution
    assert chest.caution


def test_off_the_figure_is_off_the_body() -> None:
    assert not on_body("front", (0.05, 0.5))
    assert not on_body("side", (0.9, 0.9))
    assert on_body("side", (0.545, 0.095))  # the jaw
