"""Safety checks of a routine: pictures, danger zones, spoken cautions, sides, tags, stop rule.

- every step has a picture (`where:`), on the figure of its view, with a one-sided step marked on
  the person's right (left of the front view, right of the back view: domain/body_map.py);
- a pressure step (compress, roll) never marks a point in a danger zone (the endangerment sites
  of the domain notes), and one in a caution zone (next to a nerve or a vessel) speaks its own
  `caution:`;
- a side-lying step with sides says which side to lie on (`lie_on:`);
- a step whose words name a load (lying on the back, a twist, a forward fold...) lists it in
  `loads:`, so that the condition that rules it out can find it (domain/conditions.py);
- a breathing step that counts its breaths paces them instead (`pace:`);
- every length says the stop rule in its first minute.
"""

from __future__ import annotations

import re

from guide_bot.domain.body_map import CAUTION_ZONES, DANGER_ZONES, mirror, on_body, zones_hit
from guide_bot.domain.lengths import available_lengths, select_length
from guide_bot.domain.routine import Load, Point, Routine, StepFields, Where
from guide_bot.domain.timeline import plan
from guide_bot.library.issues import Issue

STOP_WORDS = ("numb", "tingl", "sharp", "dizz")
STOP_WITHIN_S = 60.0
PRESSING = {"compress", "roll"}
SIDE_LYING = re.compile(r"\b(?:lie|lying) on (?:your|one) side\b|\bside-lying\b", re.IGNORECASE)
COUNTED_BREATH = re.compile(
    r"\b(?:for|count of) (?:two|three|four|five|six|seven|eight|\d)\b", re.IGNORECASE
)
# Words that mean a load; a step that says them must list the load (docs/routines.md, "Loads").
LOAD_WORDS: dict[Load, re.Pattern[str]] = {
    "lying-on-back": re.compile(r"\b(?:lie|lying|lies) (?:flat )?on your back\b|\blie back\b"),
    "lying-face-down": re.compile(r"\bface down\b"),
    "trunk-twist": re.compile(r"\btwist"),
    "trunk-flexion": re.compile(
        r"\bfold (?:forward|again)|\bforward fold|\bknees (?:gently )?(?:toward|to) (?:your )?"
        r"chest|\bchild's pose|\bhug (?:both|your) knees"
    ),
    "spine-rolling": re.compile(r"\broller (?:across|along) (?:your|the) (?:upper |mid )?back"),
    "kneeling": re.compile(r"\bkneel|\bhands and knees"),
    "vein-pressure": re.compile(r"\bcal(?:f|ves)\b|\bhamstring|\binner thigh|\bback of the thigh"),
}
PRESSING_ONLY: set[Load] = {"vein-pressure"}


def _issue(file: str, number: int, title: str, field: str, message: str) -> Issue:
    return Issue(
        file=file, step=number, step_title=title, field=field, message=message, severity="warning"
    )


def _all_points(where: Where, one_sided: bool) -> tuple[tuple[Point, ...], ...]:
    """The point or line, and its mirror image when the other side is worked too."""
    shapes = [where.points]
    if (one_sided or where.both_sides) and where.view != "side":
        shapes.append(tuple(mirror(p) for p in where.points))
    return tuple(shapes)


def _on_right(view: str, x: float) -> bool:
    """Whether x is on the person's right: left of the front view, right of the back view."""
    return x <= 0.5 if view == "front" else x >= 0.5


def _where_checks(step: StepFields) -> list[tuple[str, str]]:
    where = step.where
    if where is None:
        return [
            (
                "where",
                "no picture of where the step works; allowed: where: {view: front|back|side, "
                "point: [x, y]} or {view, line: [[x, y], [x, y]]} on the body map",
            )
        ]
    found: list[tuple[str, str]] = []
    off = [p for p in where.points if not on_body(where.view, p)]
    if off:
        found.append(
            (
                "where",
                f"{list(off[0])} is not on the figure of the {where.view} view; allowed: a point "
                "on the body (docs/routines.md, 'Body map')",
            )
        )
    one_sided = step.sides == "left-right"
    on_right = all(_on_right(where.view, p[0]) for p in where.points)
    if one_sided and where.view != "side" and not on_right:
        half = "left half (x <= 0.5)" if where.view == "front" else "right half (x >= 0.5)"
        found.append(
            (
                "where",
                f"a one-sided step marks the person's right side first; allowed: in the "
                f"{where.view} view, the {half}",
            )
        )
    if step.technique in PRESSING:
        shapes = _all_points(where, one_sided)
        danger = sorted({n for s in shapes for n in zones_hit(where.view, s, DANGER_ZONES)})
        if danger:
            found.append(
                (
                    "where",
                    f"pressure in a danger zone ({', '.join(danger)}); allowed: a point outside "
                    "the endangerment sites (docs/routines.md, 'Danger zones')",
                )
            )
        near = sorted({n for s in shapes for n in zones_hit(where.view, s, CAUTION_ZONES)})
        if near and not step.caution:
            found.append(
                (
                    "caution",
                    f"the step presses near {', '.join(near)} but speaks no caution; allowed: "
                    "a `caution:` said with the step, e.g. 'Ease off if you feel tingling.'",
                )
            )
    return found


def _words_checks(step: StepFields) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    words = f"{step.title}. {step.instruction}".casefold()
    if step.sides == "left-right" and step.lie_on is None and SIDE_LYING.search(words):
        found.append(
            (
                "lie_on",
                "a side-lying step with sides must say which side to lie on; allowed: lie_on: "
                "worked-side or other-side",
            )
        )
    for load, pattern in LOAD_WORDS.items():
        if load in PRESSING_ONLY and step.technique not in PRESSING:
            continue
        match = pattern.search(words)
        if match and load not in step.loads:
            found.append(
                (
                    "loads",
                    f"the words say {match.group(0)!r} but loads does not list {load}; allowed: "
                    f"add {load}, so that the conditions that rule it out find it",
                )
            )
    if step.technique == "breathe" and step.pace is None and COUNTED_BREATH.search(words):
        found.append(
            (
                "pace",
                "the breath is counted in words the person must keep; allowed: pace: {in_s, "
                "out_s}, so that the breath is paced with cues (about 6 a minute)",
            )
        )
    return found


def _stop_rule(routine: Routine, file: str) -> list[Issue]:
    found: list[Issue] = []
    for length in available_lengths(routine):
        timeline = plan(select_length(routine, length))
        early = " ".join(e.text for e in timeline.events if e.at_s < STOP_WITHIN_S).casefold()
        missing = [word for word in STOP_WORDS if word not in early]
        if missing:
            found.append(
                Issue(
                    file=file,
                    field="stop_rule",
                    message=f"the {length} length does not say when to stop in its first "
                    f"minute (missing: {', '.join(missing)}); allowed: a stop rule naming "
                    "numbness, tingling, sharp pain and dizziness",
                    severity="warning",
                )
            )
    return found


def lint_safety(routine: Routine, file: str) -> list[Issue]:
    """The safety warnings for one valid routine."""
    found: list[Issue] = []
    for number, step in enumerate(routine.steps, start=1):
        for field, message in _where_checks(step) + _words_checks(step):
            found.append(_issue(file, number, step.title, field, message))
        if step.alternative is not None:
            alt = step.alternative
            for field, message in _where_checks(alt) + _words_checks(alt):
                found.append(_issue(file, number, step.title, f"alternative.{field}", message))
    return found + _stop_rule(routine, file)
