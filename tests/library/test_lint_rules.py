"""Each lint rule: a warning without --strict (exit 0), an error with --strict (exit 1)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from guide_bot.library.lint import lint_routine
from guide_bot.library.loader import load_routines

Routine = Callable[..., dict[str, Any]]
Validate = Callable[..., tuple[int, dict[str, Any]]]
Write = Callable[..., Path]
Breaks = Callable[[dict[str, Any]], None]

LONG_INSTRUCTION = " ".join(["Press the ball gently into the muscle and breathe."] * 9)


def _step(**changes: Any) -> Breaks:
    def breaks(data: dict[str, Any]) -> None:
        data["steps"][1].update(changes)

    return breaks


def _too_much_on_one_point(data: dict[str, Any]) -> None:
    # 180 s + 180 s on the same point (spelled differently) per side: over the 300 s limit.
    data["steps"][1].update(hold_s=60, reps=3)
    second = copy.deepcopy(data["steps"][1])  # a copy: shared lists would dump as YAML aliases
    second.update(title="Upper trapezius again", point="Upper Trapezius")
    data["steps"].append(second)


def _roll(hold_s: int, reps: int) -> Breaks:
    return _step(technique="roll", hold_s=hold_s, reps=reps, point="calf", cues=[])


# (name, how to break the lint-clean routine, step number or None, field, words in the message)
CASES: list[tuple[str, Breaks, int | None, str, tuple[str, ...]]] = [
    ("compress too short", _step(hold_s=20), 2, "hold_s", ("20 s", "allowed: 30-90 s", "compress")),
    ("compress too long", _step(hold_s=100, cues=[]), 2, "hold_s", ("100 s", "30-90 s")),
    (
        "stretch too long",
        _step(technique="stretch", hold_s=90, pressure=None),
        2,
        "hold_s",
        ("10-60 s", "stretch"),
    ),
    ("too little rolling", _roll(45, 1), 2, "reps", ("45 s of rolling", "90 s")),
    ("pressure missing", _step(pressure=None), 2, "pressure", ("how hard", "4-7 of 10")),
    ("pressure too high", _step(pressure=9), 2, "pressure", ("9/10", "4-7/10")),
    ("pressure too low", _step(pressure=2), 2, "pressure", ("2/10", "4-7/10")),
    (
        "rolling without pressure",
        _step(technique="roll", hold_s=90, pressure=None, cues=[]),
        2,
        "pressure",
        ("a roll step should say how hard",),
    ),
    (
        "over 5 minutes on one point",
        _too_much_on_one_point,
        None,
        "steps",
        ("360 s of pressure on 'upper trapezius'", "at most 300 s"),
    ),
    (
        "instruction too long to speak",
        _step(instruction=LONG_INSTRUCTION),
        2,
        "instruction",
        ("to speak before the hold starts", "under 25 s"),
    ),
    (
        "too little time to get into position",
        _step(settle_s=3),
        2,
        "settle_s",
        ("3 s to get into position", "allowed: 5-30 s", "no settle_s for the default"),
    ),
    (
        "a silence after the instruction that feels stuck",
        _step(settle_s=45),
        2,
        "settle_s",
        ("45 s to get into position", "allowed: 5-30 s"),
    ),
    (
        "an alternative with too little time to get into position",
        _step(
            alternative={
                "title": "Shoulder squeeze by hand",
                "instruction": "Squeeze the top of the other shoulder gently, and hold.",
                "technique": "compress",
                "hold_s": 45,
                "sides": "left-right",
                "pressure": 4,
                "settle_s": 0,
                "where": {"view": "back", "point": [0.60, 0.18]},
            }
        ),
        2,
        "alternative.settle_s",
        ("0 s to get into position", "allowed: 5-30 s"),
    ),
    (
        "step tool the routine does not list",
        _step(tools=["foam-roller"]),
        2,
        "tools",
        ("foam-roller not in the routine's tools",),
    ),
]


@pytest.mark.parametrize(
    ("breaks", "step", "field", "words"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_a_lint_rule_warns_and_fails_only_with_strict(
    write: Write,
    make_routine: Routine,
    validate: Validate,
    breaks: Breaks,
    step: int | None,
    field: str,
    words: tuple[str, ...],
) -> None:
    data = make_routine()
    breaks(data)
    path = write(data)

    code, report = validate(str(path))
    assert code == 0
    assert report["errors"] == []
    assert report["routines"] == 1
    hits = [w for w in report["warnings"] if w["field"] == field and w["step"] == step]
    assert len(hits) == 1, report["warnings"]
    assert hits[0]["file"] == str(path)
    if step is not None:
        assert hits[0]["step_title"] == data["steps"][step - 1]["title"]
    assert "; allowed: " in hits[0]["message"]
    for word in words:
        assert word in hits[0]["message"]

    code, report = validate(str(path), "--strict")
    assert code == 1
    assert report["warnings"] == []
    assert hits[0] in report["errors"]


def test_five_minutes_on_one_point_is_still_fine(write: Write, make_routine: Routine) -> None:
    data = make_routine()
    data["steps"][1].update(hold_s=60, reps=5)
    path = write(data)
    routine = load_routines([path]).routines["sample"]
    assert lint_routine(routine, str(path)) == []


def test_ninety_seconds_of_rolling_in_two_rounds_is_enough(
    write: Write, make_routine: Routine
) -> None:
    data = make_routine()
    _roll(45, 2)(data)
    path = write(data)
    routine = load_routines([path]).routines["sample"]
    assert lint_routine(routine, str(path)) == []


@pytest.mark.parametrize("settle_s", [5, 12, 30])
def test_a_settle_time_within_range_is_fine(
    write: Write, make_routine: Routine, settle_s: int
) -> None:
    data = make_routine()
    data["steps"][1]["settle_s"] = settle_s
    path = write(data)
    routine = load_routines([path]).routines["sample"]
    assert lint_routine(routine, str(path)) == []
