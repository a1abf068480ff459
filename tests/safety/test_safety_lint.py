"""The safety lint rules: each one warns (and fails --strict) on a routine that breaks it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from guide_bot.domain.routine import Routine
from guide_bot.library.issues import Issue
from guide_bot.library.lint import lint_routine

CLEAN: dict[str, Any] = {
    "id": "clean",
    "title": "Clean",
    "summary": "A lint-clean routine for these tests.",
    "areas": ["neck"],
    "complaints": ["neck-pain"],
    "tools": ["ball", "wall"],
    "steps": [
        {
            "title": "Breathe",
            "instruction": "Close your eyes.",
            "technique": "breathe",
            "hold_s": 40,
            "where": {"view": "front", "point": [0.5, 0.38]},
            "lengths": ["quick", "standard", "full"],
            "quick": {"hold_s": 110},
        },
        {
            "title": "Shoulder blade",
            "instruction": "Lean the ball into the shoulder blade, about 5 out of 10.",
            "technique": "compress",
            "hold_s": 45,
            "sides": "left-right",
            "pressure": 5,
            "point": "infraspinatus",
            "tools": ["ball", "wall"],
            "where": {"view": "back", "point": [0.59, 0.245]},
        },
    ],
}


def lint(change: Callable[[dict[str, Any]], None] | None = None) -> list[Issue]:
    data = copy.deepcopy(CLEAN)
    if change is not None:
        change(data)
    return lint_routine(Routine.model_validate(data), "clean.yaml")


def step2(**fields: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["steps"][1].update(fields)

    return change


def test_the_base_is_clean() -> None:
    assert lint() == []


CASES: list[tuple[str, Callable[[dict[str, Any]], None], str, tuple[str, ...]]] = [
    ("no picture", step2(where=None), "where", ("no picture",)),
    (
        "pressure on the kidneys",
        step2(where={"view": "back", "point": [0.55, 0.39]}),
        "where",
        ("danger zone", "kidneys"),
    ),
    (
        "a roll line across the spine",
        step2(
            technique="roll",
            sides="none",
            hold_s=90,
            where={"view": "back", "line": [[0.45, 0.3], [0.55, 0.3]]},
        ),
        "where",
        ("danger zone", "the spine"),
    ),
    (
        "pressure in the armpit (the mirror side counts too)",
        step2(where={"view": "front", "point": [0.32, 0.24]}),
        "where",
        ("armpit",),
    ),
    (
        "near the sciatic nerve without a caution",
        step2(where={"view": "back", "point": [0.58, 0.49]}),
        "caution",
        ("sciatic nerve", "caution"),
    ),
    (
        "a one-sided point on the left",
        step2(where={"view": "back", "point": [0.41, 0.245]}),
        "where",
        ("right side first", "right half"),
    ),
    (
        "off the figure",
        step2(where={"view": "front", "point": [0.05, 0.5]}),
        "where",
        ("not on the figure",),
    ),
    (
        "side-lying without which side",
        step2(instruction="Lie on your side on the ball, about 5 out of 10."),
        "lie_on",
        ("which side to lie on",),
    ),
    (
        "lying on the back without its load",
        step2(instruction="Lie on your back on the ball, about 5 out of 10."),
        "loads",
        ("lying-on-back",),
    ),
    (
        "a twist without its load",
        step2(title="Seated twist", technique="stretch", pressure=None, hold_s=30, reps=2),
        "loads",
        ("trunk-twist",),
    ),
    (
        "a one-repetition stretch in the standard length",
        step2(technique="stretch", pressure=None, hold_s=30, reps=1),
        "reps",
        ("1 x 30 s", "2-4 repetitions", "about 60 s"),
    ),
]


@pytest.mark.parametrize(
    ("change", "field", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_safety_rule_names_the_step_the_field_and_what_is_allowed(
    change: Callable[[dict[str, Any]], None], field: str, words: tuple[str, ...]
) -> None:
    hits = [i for i in lint(change) if i.field == field]
    assert len(hits) == 1, lint(change)
    assert hits[0].step == 2
    assert hits[0].step_title is not None
    assert "allowed: " in hits[0].message
    for word in words:
        assert word in hits[0].message


def test_a_counted_breath_must_be_paced() -> None:
    def counted(data: dict[str, Any]) -> None:
        data["steps"][0]["instruction"] = "Breathe in for four and out for six."

    (hit,) = [i for i in lint(counted) if i.field == "pace"]
    assert hit.step == 1
    assert "paced with cues" in hit.message

    def paced(data: dict[str, Any]) -> None:
        counted(data)
        data["steps"][0]["pace"] = {"in_s": 4.0, "out_s": 6.0}

    assert lint(paced) == []


def test_a_stop_rule_that_forgets_the_words_is_caught_in_every_length() -> None:
    def vague(data: dict[str, Any]) -> None:
        data["stop_rule"] = "Be careful."

    hits = [i for i in lint(vague) if i.field == "stop_rule"]
    assert len(hits) == 3
    assert "numb, tingl, sharp, dizz" in hits[0].message


def test_every_length_is_checked() -> None:
    def no_quick(data: dict[str, Any]) -> None:
        del data["steps"][0]["lengths"], data["steps"][0]["quick"]

    (hit,) = [i for i in lint(no_quick) if i.field == "steps"]
    assert "no step is in the quick length" in hit.message

    def long_quick(data: dict[str, Any]) -> None:
        data["steps"][1]["lengths"] = ["quick", "standard", "full"]

    (hit,) = [i for i in lint(long_quick) if i.field == "steps"]
    assert "the quick length lasts" in hit.message
    assert "120-240 s" in hit.message

    def short_full_roll(data: dict[str, Any]) -> None:
        data["steps"][1].update(technique="roll", hold_s=90, full={"hold_s": 60})
        data["steps"][1]["lengths"] = ["standard", "full"]

    (hit,) = [i for i in lint(short_full_roll) if i.field == "full.hold_s"]
    assert hit.message.startswith("60 s of rolling per side")


def test_an_alternative_is_checked_too() -> None:
    alternative = {
        "title": "By hand",
        "instruction": "Squeeze gently.",
        "technique": "compress",
        "hold_s": 40,
        "sides": "left-right",
        "pressure": 4,
        "where": {"view": "front", "point": [0.5, 0.15]},  # the throat
    }
    (hit,) = [i for i in lint(step2(alternative=alternative)) if i.field == "alternative.where"]
    assert "front and sides of the neck" in hit.message
