"""Each hard validation rule refuses a malformed file, saying where and what is allowed.

Each case breaks one thing in an otherwise valid routine (step 2 is "Upper trapezius") and checks
the error through both `load_routines` and `guide-bot validate FILE --json`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Routine = Callable[..., dict[str, Any]]
Refused = Callable[..., list[Any]]
Write = Callable[..., Path]

STEP = {"step": 2, "step_title": "Upper trapezius"}
ROUTINE_FIELDS = ("allowed fields of a routine: id, title, summary, areas",)
STEP_FIELDS = ("allowed fields of a step: title, instruction, technique, hold_s",)


def _step_change(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data["steps"][1].update(changes)
    return data


def _step_drop(data: dict[str, Any], key: str) -> dict[str, Any]:
    del data["steps"][1][key]
    return data


def _cue_change(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data["steps"][1]["cues"][0].update(changes)
    return data


def _cue_drop(data: dict[str, Any], key: str) -> dict[str, Any]:
    del data["steps"][1]["cues"][0][key]
    return data


def _drop(data: dict[str, Any], key: str) -> dict[str, Any]:
    del data[key]
    return data


# (name, how to break the routine, field, what the message must say is allowed, where)
CASES: list[tuple[str, Callable[[dict[str, Any]], dict[str, Any]], str, tuple[str, ...], bool]] = [
    ("unknown routine field", lambda d: {**d, "colour": "red"}, "colour", ROUTINE_FIELDS, False),
    ("unknown step field", lambda d: _step_change(d, colour="red"), "colour", STEP_FIELDS, True),
    (
        "unknown cue field",
        lambda d: _cue_change(d, txt="hi"),
        "cues[1].txt",
        ("allowed fields of a cue: at_s, text",),
        True,
    ),
    ("missing routine field", lambda d: _drop(d, "summary"), "summary", ("required",), False),
    (
        "missing step field",
        lambda d: _step_drop(d, "technique"),
        "technique",
        ("required", "compress, stretch, roll, breathe, move"),
        True,
    ),
    (
        "missing step hold",
        lambda d: _step_drop(d, "hold_s"),
        "hold_s",
        ("required", "from 1 to 600"),
        True,
    ),
    (
        "missing cue text",
        lambda d: _cue_drop(d, "text"),
        "cues[1].text",
        ("required", "1-200 characters"),
        True,
    ),
    ("hold of 0 s", lambda d: _step_change(d, hold_s=0), "hold_s", ("from 1 to 600",), True),
    (
        "settle time over a minute",
        lambda d: _step_change(d, settle_s=61),
        "settle_s",
        ("61 is too large", "from 0 to 60 (lint: 5-30)"),
        True,
    ),
    (
        "settle time as text",
        lambda d: _step_change(d, settle_s="10"),
        "settle_s",
        ("not the text '10'", "from 0 to 60"),
        True,
    ),
    ("hold of 601 s", lambda d: _step_change(d, hold_s=601), "hold_s", ("from 1 to 600",), True),
    (
        "cue at the end of its hold",
        lambda d: _cue_change(d, at_s=45),
        "cues[1].at_s",
        ("outside the 45 s hold", "less than 45 s"),
        True,
    ),
    (
        "cue after its hold",
        lambda d: _cue_change(d, at_s=50),
        "cues[1].at_s",
        ("outside the 45 s hold", "less than 45 s"),
        True,
    ),
    (
        "cue at 0 s",
        lambda d: _cue_change(d, at_s=0),
        "cues[1].at_s",
        ("more than 0 and less than the hold",),
        True,
    ),
    (
        "hold as a word",
        lambda d: _step_change(d, hold_s="long"),
        "hold_s",
        ("whole number", "from 1 to 600"),
        True,
    ),
    (
        "hold as a quoted number",
        lambda d: _step_change(d, hold_s="45"),
        "hold_s",
        ("whole number", "'45'"),
        True,
    ),
    (
        "hold as a fraction",
        lambda d: _step_change(d, hold_s=45.5),
        "hold_s",
        ("whole number",),
        True,
    ),
    ("reps as true", lambda d: _step_change(d, reps=True), "reps", ("from 1 to 10",), True),
    ("title as a number", lambda d: {**d, "title": 123}, "title", ("must be text",), False),
    (
        "areas as one word",
        lambda d: {**d, "areas": "neck"},
        "areas",
        ("must be a list", "head-jaw, neck"),
        False,
    ),
    ("steps as a mapping", lambda d: {**d, "steps": {"a": 1}}, "steps", ("list",), False),
    ("no steps", lambda d: {**d, "steps": []}, "steps", ("1 to 40 steps",), False),
    (
        "unknown technique",
        lambda d: _step_change(d, technique="squeeze"),
        "technique",
        ("'squeeze'", "compress, stretch, roll, breathe, move"),
        True,
    ),
    (
        "unknown area",
        lambda d: {**d, "areas": ["nose"]},
        "areas",
        ("'nose'", "head-jaw, neck, shoulders-upper-back, chest"),
        False,
    ),
    (
        "unknown complaint",
        lambda d: {**d, "complaints": ["hiccups"]},
        "complaints",
        ("'hiccups'", "tension-headache, neck-pain"),
        False,
    ),
    (
        "unknown routine tool",
        lambda d: {**d, "tools": ["ball", "hammer"]},
        "tools",
        ("'hammer'", "hands, ball, foam-roller, wall, strap"),
        False,
    ),
    (
        "unknown step tool",
        lambda d: _step_change(d, tools=["hammer"]),
        "tools",
        ("'hammer'", "hands, ball, foam-roller"),
        True,
    ),
    (
        "unknown sides",
        lambda d: _step_change(d, sides="both"),
        "sides",
        ("'both'", "none, left-right"),
        True,
    ),
    (
        "pressure above 10",
        lambda d: _step_change(d, pressure=11),
        "pressure",
        ("11 is too large", "0 (none) to 10"),
        True,
    ),
]


@pytest.mark.parametrize(
    ("breaks", "field", "allowed", "in_step"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_a_broken_routine_is_refused_with_a_precise_error(
    write: Write,
    make_routine: Routine,
    refused: Refused,
    breaks: Callable[[dict[str, Any]], dict[str, Any]],
    field: str,
    allowed: tuple[str, ...],
    in_step: bool,
) -> None:
    path = write(breaks(make_routine()), name="sample.yaml")
    where = STEP if in_step else {}
    refused([path], path, field=field, allowed=allowed, **where)


def test_only_the_real_problem_is_reported(
    write: Write, make_routine: Routine, refused: Refused
) -> None:
    """A bad step is one error, not also an echo saying the steps list is too short."""
    data = make_routine()
    data["steps"] = [data["steps"][1]]
    data["steps"][0]["hold_s"] = 0
    path = write(data)
    issues = refused(
        [path], path, field="hold_s", allowed=("1 to 600",), step=1, step_title="Upper trapezius"
    )
    assert len(issues) == 1


@pytest.mark.parametrize(
    ("bad_id", "allowed"),
    [
        ("Neck-release", ("not a safe id", "lowercase letters")),
        ("neck release", ("not a safe id", "lowercase letters")),
        ("../x", ("not a safe id", "lowercase letters")),
        ("neck--release", ("not a safe id", "single hyphens")),
        ("a" * 65, ("too long", "at most 64 characters")),
    ],
)
def test_an_unsafe_id_is_refused(
    write: Write, make_routine: Routine, refused: Refused, bad_id: str, allowed: tuple[str, ...]
) -> None:
    path = write(make_routine(id=bad_id), name="routine.yaml")
    refused([path], path, field="id", allowed=allowed)


def test_the_longest_safe_id_is_accepted(write: Write, make_routine: Routine) -> None:
    from guide_bot.library.loader import load_routines

    path = write(make_routine(id="a" * 64))
    assert load_routines([path]).errors == []


def test_an_id_that_differs_from_the_file_name_is_refused(
    write: Write, make_routine: Routine, refused: Refused
) -> None:
    path = write(make_routine(id="sample"), name="other-name.yaml")
    refused([path], path, field="id", allowed=("differs from the file name", "'other-name'"))


def test_the_same_id_in_two_folders_is_refused(
    tmp_path: Path, write: Write, make_routine: Routine, refused: Refused
) -> None:
    first = write(make_routine(), folder=tmp_path / "one")
    second = write(make_routine(), folder=tmp_path / "two")
    issues = refused(
        [tmp_path / "one", tmp_path / "two"],
        second,
        field="id",
        allowed=("duplicate id 'sample'", "an id no other routine uses"),
    )
    assert str(first) in issues[0].message


def test_the_same_id_as_yaml_and_yml_is_refused(
    tmp_path: Path, write: Write, make_routine: Routine, refused: Refused
) -> None:
    write(make_routine(), name="sample.yaml")
    yml = write(make_routine(), name="sample.yml")
    refused([tmp_path], yml, field="id", allowed=("duplicate id 'sample'", "sample.yaml"))


def test_a_file_named_twice_is_loaded_once(write: Write, make_routine: Routine) -> None:
    from guide_bot.library.loader import load_routines

    path = write(make_routine())
    result = load_routines([path, path])
    assert result.errors == []
    assert list(result.routines) == ["sample"]


def test_a_bad_file_does_not_stop_the_others(
    tmp_path: Path, write: Write, make_routine: Routine
) -> None:
    from guide_bot.library.loader import load_routines

    write(make_routine())
    write(make_routine(id="broken", title=""))
    result = load_routines([tmp_path])
    assert list(result.routines) == ["sample"]
    assert [(e.file, e.field) for e in result.errors] == [(str(tmp_path / "broken.yaml"), "title")]


@pytest.mark.parametrize(
    ("fields", "path", "allowed"),
    [
        ({"where": {"view": "top", "point": [0.5, 0.5]}}, "where.view", "front, back, side"),
        ({"where": {"view": "back", "point": [2, 0.5]}}, "where.point", "x and y from 0 to 1"),
        ({"where": {"view": "back"}}, "where", "exactly one of point"),
        ({"lengths": ["short"]}, "lengths", "quick, standard, full"),
        ({"quick": {"hold_s": 30}}, "quick", "add quick to `lengths`"),
        ({"pace": {"in_s": 4.0, "out_s": 6.0}}, "pace", "only with technique: breathe"),
        ({"lie_on": "worked-side", "sides": "none"}, "lie_on", "only with sides: left-right"),
        ({"loads": ["heavy"]}, "loads", "trunk-flexion"),
        (
            {"alternative": {"title": "A", "instruction": "B", "technique": "move", "hold_s": 20,
                             "cues": [{"at_s": 30, "text": "x"}]}},
            "alternative.cues[1].at_s",
            "less than 20 s",
        ),
    ],
)  # fmt: skip
def test_new_step_fields_are_refused_with_the_field_and_what_is_allowed(
    make_routine: Routine, write: Write, fields: dict[str, Any], path: str, allowed: str
) -> None:
    data = make_routine()
    data["steps"][1].update(fields)
    from guide_bot.library.loader import load_routines

    result = load_routines([write(data)])
    (issue,) = result.errors
    assert (issue.step, issue.field) == (2, path)
    assert "allowed: " in issue.message
    assert allowed in issue.message
