"""The standard body map: three views of one figure, and the zones where no one should press.

Coordinates are (x, y) in a frame 1 wide and 1 high, from its top left corner; the frame is drawn
twice as tall as it is wide (body_picture.py), so a unit of y is twice a unit of x on screen.
The figure stands upright, head at the top (y about 0.005) and soles at the bottom (y about 0.985):

- front view: the person faces you, so their right side is on the left of the picture (x < 0.5);
- back view: you see their back, so their right side is on the right of the picture (x > 0.5);
- side view: you see their right side, face toward the right of the picture.

Landmarks (front and back): shoulders y 0.19, armpits 0.25, lowest rib 0.345, waist 0.40, top of
the hip bone 0.45, groin crease 0.50-0.55, knees 0.73, ankles 0.94; the midline is x 0.5.

Danger zones are the endangerment sites of the domain notes (Werner, ABMP; anatomy texts): no
pressure step may mark a point in one. Caution zones lie next to a nerve or a vessel: a step that
works there must speak its own caution. Both kinds are polygons on the same map.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import hypot

from guide_bot.domain.routine import Point, View

Polygon = tuple[Point, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class Zone:
    """A named region of one view."""

    name: str
    view: View
    polygon: Polygon


@dataclass(frozen=True, kw_only=True, slots=True)
class Limb:
    """A body part drawn as a tapered band along a line: from (x, y) to (x, y), widths at ends."""

    start: Point
    end: Point
    start_width: float
    end_width: float


@dataclass(frozen=True, kw_only=True, slots=True)
class Figure:
    """The outline of one view: the head as an ellipse, the trunk as a polygon, limbs as bands."""

    head_center: Point
    head_size: tuple[float, float]  # width, height
    trunk: Polygon
    limbs: tuple[Limb, ...]
    extras: tuple[Polygon, ...] = ()  # the nose in the side view, to show which way it faces


def mirror(point: Point) -> Point:
    """The same place on the other side of the body (front and back views)."""
    return (round(1.0 - point[0], 6), point[1])


def _box(x0: float, y0: float, x1: float, y1: float) -> Polygon:
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def _both(polygon: Polygon) -> tuple[Polygon, Polygon]:
    return polygon, tuple(mirror(p) for p in polygon)


def _limb(start: Point, end: Point, w0: float, w1: float) -> Limb:
    return Limb(start=start, end=end, start_width=w0, end_width=w1)


def _paired(*limbs: Limb) -> tuple[Limb, ...]:
    mirrored = tuple(
        _limb(mirror(li.start), mirror(li.end), li.start_width, li.end_width) for li in limbs
    )
    return (*limbs, *mirrored)


_FRONT_BACK_TRUNK: Polygon = (
    (0.45, 0.165), (0.34, 0.185), (0.30, 0.21), (0.33, 0.26), (0.35, 0.34), (0.36, 0.42),
    (0.34, 0.50), (0.35, 0.54), (0.5, 0.55), (0.65, 0.54), (0.66, 0.50), (0.64, 0.42),
    (0.65, 0.34), (0.67, 0.26), (0.70, 0.21), (0.66, 0.185), (0.55, 0.165),
)  # fmt: skip
_FRONT_BACK = Figure(
    head_center=(0.5, 0.065),
    head_size=(0.14, 0.12),
    trunk=_FRONT_BACK_TRUNK,
    limbs=(
        _limb((0.5, 0.11), (0.5, 0.175), 0.09, 0.09),  # neck
        *_paired(
            _limb((0.305, 0.215), (0.27, 0.34), 0.065, 0.05),  # upper arm
            _limb((0.27, 0.34), (0.235, 0.46), 0.05, 0.04),  # forearm
            _limb((0.235, 0.46), (0.22, 0.53), 0.045, 0.035),  # hand
            _limb((0.42, 0.52), (0.41, 0.73), 0.13, 0.08),  # thigh
            _limb((0.41, 0.73), (0.42, 0.94), 0.075, 0.05),  # shin and calf
            _limb((0.42, 0.94), (0.415, 0.985), 0.055, 0.05),  # foot
        ),
    ),
)
_SIDE = Figure(
    head_center=(0.51, 0.065),
    head_size=(0.13, 0.12),
    trunk=(
        (0.45, 0.165),
        (0.53, 0.165),
        (0.58, 0.22),
        (0.60, 0.28),
        (0.57, 0.36),
        (0.58, 0.44),
        (0.58, 0.52),
        (0.52, 0.555),
        (0.42, 0.555),
        (0.39, 0.50),
        (0.41, 0.42),
        (0.40, 0.30),
        (0.42, 0.20),
    ),
    limbs=(
        _limb((0.49, 0.11), (0.49, 0.175), 0.08, 0.08),  # neck
        _limb((0.49, 0.20), (0.49, 0.34), 0.06, 0.05),  # upper arm
        _limb((0.49, 0.34), (0.51, 0.46), 0.05, 0.04),  # forearm
        _limb((0.51, 0.46), (0.52, 0.53), 0.045, 0.035),  # hand
        _limb((0.49, 0.52), (0.50, 0.73), 0.13, 0.085),  # thigh
        _limb((0.50, 0.73), (0.49, 0.94), 0.07, 0.05),  # shin and calf
        _limb((0.48, 0.95), (0.58, 0.975), 0.045, 0.025),  # foot, heel to toes
    ),
    extras=(((0.57, 0.05), (0.595, 0.075), (0.57, 0.08)),),
)
FIGURES: dict[str, Figure] = {"front": _FRONT_BACK, "back": _FRONT_BACK, "side": _SIDE}


def _one(name: str, view: View, polygon: Polygon) -> tuple[Zone, ...]:
    return (Zone(name=name, view=view, polygon=polygon),)


def _pair(name: str, view: View, polygon: Polygon) -> tuple[Zone, ...]:
    """A zone on the person's right and its mirror image on the left."""
    return tuple(Zone(name=name, view=view, polygon=p) for p in _both(polygon))


NECK = "front and sides of the neck"
KIDNEYS = "over the kidneys (lowest rib to hip bone, beside the spine)"
GROIN: Polygon = ((0.34, 0.485), (0.38, 0.485), (0.495, 0.53), (0.495, 0.565), (0.34, 0.53))
SCIATIC: Polygon = ((0.545, 0.46), (0.60, 0.46), (0.61, 0.70), (0.565, 0.70))

DANGER_ZONES: tuple[Zone, ...] = (
    *_one(NECK, "front", _box(0.44, 0.11, 0.56, 0.18)),
    *_pair("armpit", "front", _box(0.29, 0.215, 0.35, 0.275)),
    *_pair("groin crease", "front", GROIN),
    *_pair("inside of the elbow", "front", _box(0.24, 0.32, 0.30, 0.36)),
    *_pair("sides of the neck", "back", _box(0.44, 0.125, 0.47, 0.18)),
    *_one("the spine", "back", _box(0.488, 0.10, 0.512, 0.545)),
    *_pair(KIDNEYS, "back", _box(0.512, 0.34, 0.60, 0.42)),
    *_pair("armpit", "back", _box(0.29, 0.215, 0.35, 0.275)),
    *_pair("back of the knee", "back", _box(0.365, 0.705, 0.455, 0.755)),
    *_one(NECK, "side", _box(0.47, 0.11, 0.56, 0.18)),
    *_one("armpit", "side", _box(0.45, 0.205, 0.53, 0.26)),
    *_one("groin crease", "side", _box(0.53, 0.49, 0.60, 0.56)),
    *_one("back of the knee", "side", _box(0.43, 0.70, 0.48, 0.76)),
)

CAUTION_ZONES: tuple[Zone, ...] = (
    *_one("base of the skull (vertebral artery)", "back", _box(0.43, 0.095, 0.57, 0.135)),
    *_pair("sciatic nerve (middle of the buttock, back of the thigh)", "back", SCIATIC),
    *_pair("calf veins", "back", _box(0.545, 0.755, 0.64, 0.90)),
    *_pair("nerves near the armpit and collarbone", "front", _box(0.33, 0.185, 0.44, 0.29)),
    *_pair("nerves of the forearm near the elbow", "front", _box(0.22, 0.30, 0.31, 0.40)),
    *_one("temple pulse (temporal artery)", "side", _box(0.50, 0.02, 0.575, 0.07)),
)


def inside(point: Point, polygon: Polygon) -> bool:
    """Whether a point lies inside a polygon (even-odd rule; the edge counts as inside)."""
    x, y = point
    hit = False
    for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if _on_segment(point, (x0, y0), (x1, y1)):
            return True
        if (y0 > y) != (y1 > y) and x < (x1 - x0) * (y - y0) / (y1 - y0) + x0:
            hit = not hit
    return hit


def _on_segment(p: Point, a: Point, b: Point) -> bool:
    length = hypot(b[0] - a[0], b[1] - a[1])
    return abs(hypot(p[0] - a[0], p[1] - a[1]) + hypot(p[0] - b[0], p[1] - b[1]) - length) < 1e-9


def samples(points: tuple[Point, ...], step: float = 0.005) -> tuple[Point, ...]:
    """A point as itself; a line as points every `step` along it (to test it against zones)."""
    if len(points) < 2:
        return points
    (x0, y0), (x1, y1) = points[0], points[1]
    count = max(1, int(hypot(x1 - x0, y1 - y0) / step))
    return tuple((x0 + (x1 - x0) * i / count, y0 + (y1 - y0) * i / count) for i in range(count + 1))


def zones_hit(view: View, points: tuple[Point, ...], zones: tuple[Zone, ...]) -> list[str]:
    """The names of the zones of `view` that a point, or any part of a line, falls in."""
    names: dict[str, None] = {}
    for zone in zones:
        if zone.view == view and any(inside(p, zone.polygon) for p in samples(points)):
            names[zone.name] = None
    return list(names)


def on_body(view: View, point: Point) -> bool:
    """Whether a point lies on the figure of a view (head, trunk or a limb)."""
    figure = FIGURES[view]
    (cx, cy), (w, h) = figure.head_center, figure.head_size
    if ((point[0] - cx) / (w / 2)) ** 2 + ((point[1] - cy) / (h / 2)) ** 2 <= 1:
        return True
    if inside(point, figure.trunk):
        return True
    if any(inside(point, extra) for extra in figure.extras):
        return True
    return any(inside(point, limb_polygon(limb)) for limb in figure.limbs)


def limb_polygon(limb: Limb) -> Polygon:
    """The four corners of a limb's band (on a frame where y counts twice: see the docstring)."""
    (x0, y0), (x1, y1) = limb.start, limb.end
    dx, dy = x1 - x0, (y1 - y0) * 2
    norm = hypot(dx, dy) or 1.0
    nx, ny = -dy / norm, dx / norm  # unit normal in screen units
    a, b = limb.start_width / 2, limb.end_width / 2
    return (
        (x0 + nx * a, y0 + ny * a / 2),
        (x1 + nx * b, y1 + ny * b / 2),
        (x1 - nx * b, y1 - ny * b / 2),
        (x0 - nx * a, y0 - ny * a / 2),
    )
