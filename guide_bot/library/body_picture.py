"""Pictures of where a step works: the body map's figure with the point or line marked, as PNG.

Drawn with matplotlib's Agg canvas (no pyplot, no display, safe in threads). The red dot or line
is the side worked first (the right); a hollow ring or dashed line marks the other side of a
one-sided step, or the second side of a step that works both at once.

matplotlib is imported with the first picture, not with this module: it takes about 0.4 s, and
the bot imports this module at start-up (issue 18: /help within 2 s of a restart).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from guide_bot.domain.body_map import FIGURES, limb_polygon, mirror
from guide_bot.domain.routine import Point, Routine, Step, View, Where

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MARK_COLOR = "#d62728"
BODY_COLOR = "#d9d4cc"
WIDTH_IN, HEIGHT_IN, DPI = 2.4, 4.8, 100  # 240 x 480 pixels: the frame is twice as tall as wide
VIEW_WORDS = {"front": "front", "back": "back", "side": "right side"}
VIEW_ORDER: tuple[View, ...] = ("front", "back", "side")


class NoPicture(LookupError):
    """The step has no `where:`, or there is no such step."""


def _side_letters(view: View) -> tuple[str, str] | None:
    """Which picture edge is the person's right and left ("R" at the left in the front view)."""
    if view == "front":
        return "R", "L"
    if view == "back":
        return "L", "R"
    return None


def _draw_body(ax: Axes, view: View) -> None:
    """The figure of one view, in an axes whose x and y run 0 to 1 as on the map."""
    from matplotlib.patches import Ellipse, Polygon

    ax.set_xlim(0, 1)
    ax.set_ylim(1, 0)  # y grows downward, as on the map
    ax.axis("off")
    figure = FIGURES[view]
    ax.add_patch(
        Ellipse(figure.head_center, figure.head_size[0], figure.head_size[1], color=BODY_COLOR)
    )
    ax.add_patch(Polygon(figure.trunk, closed=True, color=BODY_COLOR))
    for extra in figure.extras:
        ax.add_patch(Polygon(extra, closed=True, color=BODY_COLOR))
    for limb in figure.limbs:
        ax.add_patch(Polygon(limb_polygon(limb), closed=True, color=BODY_COLOR))
    letters = _side_letters(view)
    if letters is not None:
        ax.text(0.04, 0.97, letters[0], fontsize=11, color="#555555", va="bottom")
        ax.text(0.96, 0.97, letters[1], fontsize=11, color="#555555", ha="right", va="bottom")


def _figure(width_in: float) -> Figure:
    """A matplotlib figure on the Agg canvas (imported here: see the module docstring)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def render_where(where: Where, *, title: str, one_sided: bool) -> bytes:
    """PNG bytes of the figure of `where.view` with its point or line marked."""
    fig = _figure(WIDTH_IN)
    ax = fig.add_axes((0.0, 0.0, 1.0, 0.93))
    _draw_body(ax, where.view)
    second = one_sided or where.both_sides
    if where.point is not None:
        ax.plot(*where.point, "o", color=MARK_COLOR, markersize=11, markeredgecolor="white")
        if second and where.view != "side":
            other = mirror(where.point)
            ax.plot(*other, "o", markerfacecolor="none", markeredgecolor=MARK_COLOR, markersize=9)
    elif where.line is not None:
        (x0, y0), (x1, y1) = where.line
        ax.plot([x0, x1], [y0, y1], "-", color=MARK_COLOR, linewidth=6, solid_capstyle="round")
        if second and where.view != "side":
            (a0, b0), (a1, b1) = mirror(where.line[0]), mirror(where.line[1])
            ax.plot([a0, a1], [b0, b1], "--", color=MARK_COLOR, linewidth=2)
    fig.suptitle(f"{title}\n({VIEW_WORDS[where.view]})", fontsize=9, y=0.995, va="top")
    return _png(fig)


def _number_spot(where: Where, taken: list[Point]) -> Point:
    """Where a step's number goes: on its point, or the middle of its line, nudged down past
    numbers already there so that two steps on one spot both stay readable."""
    if where.point is not None:
        x, y = where.point
    else:
        assert where.line is not None
        (x0, y0), (x1, y1) = where.line
        x, y = (x0 + x1) / 2, (y0 + y1) / 2
    while any(abs(x - a) < 0.05 and abs(y - b) < 0.035 for a, b in taken):
        y += 0.04
    taken.append((x, y))
    return x, y


def render_routine_picture(routine: Routine) -> bytes:
    """PNG bytes of the whole routine: one figure per view it uses (front, back, side), each
    step marked with its number as on the routine card. NoPicture when no step has `where:`."""
    placed = [(n, step.where) for n, step in enumerate(routine.steps, 1) if step.where is not None]
    if not placed:
        raise NoPicture(f"routine {routine.id!r} has no step with `where:`")
    views = [v for v in VIEW_ORDER if any(w.view == v for _, w in placed)]
    fig = _figure(WIDTH_IN * len(views))
    for column, view in enumerate(views):
        ax = fig.add_axes((column / len(views), 0.0, 1 / len(views), 0.93))
        _draw_body(ax, view)
        ax.set_title(VIEW_WORDS[view], fontsize=9)
        taken: list[Point] = []
        for number, where in placed:
            if where.view != view:
                continue
            if where.line is not None:
                (x0, y0), (x1, y1) = where.line
                ax.plot([x0, x1], [y0, y1], "-", color=MARK_COLOR, linewidth=4, alpha=0.6)
            x, y = _number_spot(where, taken)
            ax.plot(x, y, "o", color=MARK_COLOR, markersize=15, markeredgecolor="white")
            ax.text(x, y, str(number), color="white", fontsize=8, ha="center", va="center",
                    fontweight="bold")  # fmt: skip
    return _png(fig)


def step_where(step: Step) -> Where:
    """The step's place on the body map, or NoPicture."""
    if step.where is None:
        raise NoPicture(f"step {step.title!r} has no `where:`, so it has no picture")
    return step.where


def render_step_picture(routine: Routine, step_index: int) -> bytes:
    """PNG bytes of where step `step_index` (0-based, as in routine.steps) works."""
    if not 0 <= step_index < len(routine.steps):
        raise NoPicture(
            f"routine {routine.id!r} has no step {step_index + 1}; allowed: 1-{len(routine.steps)}"
        )
    step = routine.steps[step_index]
    return render_where(step_where(step), title=step.title, one_sided=step.sides == "left-right")
