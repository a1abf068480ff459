"""Parsing /remind arguments, and the specific answers to bad input."""

from __future__ import annotations

from datetime import time

import pytest

from guide_bot.reminders.parsing import (
    InputProblem,
    ReminderInputError,
    describe_days,
    parse_days,
    parse_remind,
    parse_time,
)
from guide_bot.reminders.rules import EVERY_DAY, WEEKDAYS, WEEKENDS
from guide_bot.telegram.reminders.texts import input_error

ROUTINES = {"neck-release", "desk-reset", "sleep-wind-down"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07:30", time(7, 30)),
        ("7:30", time(7, 30)),
        ("19.45", time(19, 45)),
        ("7am", time(7, 0)),
        ("7:30pm", time(19, 30)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("noon", time(12, 0)),
        ("0:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("7", time(7, 0)),
    ],
)
def test_times(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:99", "24:00", "7:60", "13pm", "0am", "seven", "7:5", ""])
def test_bad_times(text: str) -> None:
    with pytest.raises(ReminderInputError) as info:
        parse_time(text)
    assert info.value.problem is InputProblem.BAD_TIME


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("daily", EVERY_DAY),
        ("weekdays", WEEKDAYS),
        ("weekends", WEEKENDS),
        ("mon-fri", WEEKDAYS),
        ("sat-sun", WEEKENDS),
        ("mon,wed,fri", frozenset({0, 2, 4})),
        ("fri-mon", frozenset({4, 5, 6, 0})),
        ("Monday,Thursday", frozenset({0, 3})),
        ("tue-thu,sun", frozenset({1, 2, 3, 6})),
    ],
)
def test_days(text: str, expected: frozenset[int]) -> None:
    assert parse_days(text) == expected


def test_full_command() -> None:
    got = parse_remind(["07:30", "mon-fri", "neck-release"], ROUTINES)
    assert (got.at, got.days, got.routine_id) == (time(7, 30), WEEKDAYS, "neck-release")


def test_defaults_and_loose_forms() -> None:
    assert parse_remind(["7:30"], ROUTINES).days == EVERY_DAY
    assert parse_remind(["7:30", "every", "day"], ROUTINES).days == EVERY_DAY
    assert parse_remind(["7", "am", "mon,", "wed,", "fri"], ROUTINES).days == frozenset({0, 2, 4})
    assert parse_remind(["7:30", "mon", "-", "fri"], ROUTINES).days == WEEKDAYS
    only_routine = parse_remind(["21:00", "sleep-wind-down"], ROUTINES)
    assert (only_routine.days, only_routine.routine_id) == (EVERY_DAY, "sleep-wind-down")


@pytest.mark.parametrize(
    ("args", "problem", "token", "suggestion"),
    [
        ([], InputProblem.MISSING_TIME, "", None),
        (["25:99"], InputProblem.BAD_TIME, "25:99", None),
        (["07:30", "fun"], InputProblem.UNKNOWN_DAY, "fun", "sun"),
        (["07:30", "mon-fun"], InputProblem.UNKNOWN_DAY, "fun", "sun"),
        (["07:30", "mon,wensday"], InputProblem.UNKNOWN_DAY, "wensday", "wednesday"),
        (["07:30", "neck-relase"], InputProblem.UNKNOWN_ROUTINE, "neck-relase", "neck-release"),
        (["07:30", "daily", "yoga-flow"], InputProblem.UNKNOWN_ROUTINE, "yoga-flow", None),
        (["07:30", "fun", "neck-release"], InputProblem.UNKNOWN_DAY, "fun", "sun"),
        (["07:30", "daily", "neck-release", "extra"], InputProblem.TOO_MANY, "extra", None),
    ],
)
def test_bad_input_is_specific(
    args: list[str], problem: InputProblem, token: str, suggestion: str | None
) -> None:
    with pytest.raises(ReminderInputError) as info:
        parse_remind(args, ROUTINES)
    error = info.value
    assert (error.problem, error.token, error.suggestion) == (problem, token, suggestion)
    answer = input_error(error)
    assert "/remind 07:30 mon-fri neck-release" in answer  # an example that works
    assert token in answer
    if suggestion:
        assert suggestion in answer
    # and every example offered really parses
    for line in answer.splitlines():
        if line.startswith("/remind "):
            parse_remind(line.split(" — ")[0].split()[1:], ROUTINES)


def test_days_round_trip_through_labels() -> None:
    assert describe_days(frozenset({1, 2, 3})) == "Tue-Thu"
    assert describe_days(frozenset({0, 2, 4})) == "Mon, Wed, Fri"
