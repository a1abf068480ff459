"""The words that open a voice note picked up mid-step: where the person is, and what is left."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from routine_builder import build_routine

from guide_bot.domain.lead_in import lead_in_texts, number_words, time_left_words
from guide_bot.domain.routine import Routine
from guide_bot.domain.session import SessionMachine
from guide_bot.domain.timeline import CueKind, Timeline, moved, plan

SIDED: dict[str, Any] = {"title": "Upper trapezius", "hold_s": 80, "sides": "left-right"}
REPEATED: dict[str, Any] = {
    "title": "Neck stretch",
    "technique": "stretch",
    "hold_s": 30,
    "reps": 2,
    "rest_s": 5,
}
BREATHING: dict[str, Any] = {"title": "Slow breathing", "technique": "breathe", "hold_s": 60}


@pytest.fixture
def routine() -> Routine:
    return build_routine([SIDED, REPEATED, BREATHING])


@pytest.fixture
def timeline(routine: Routine) -> Timeline:
    return plan(routine)


def hold_start(timeline: Timeline, step: int, nth: int = 0) -> float:
    starts = [e for e in timeline.events if e.kind is CueKind.HOLD_START and e.step == step]
    return starts[nth].at_s + starts[nth].speak_s


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0.4, "one second"),
        (1, "one second"),
        (3.4, "three seconds"),
        (19.4, "nineteen seconds"),
        (22, "twenty seconds"),
        (45, "forty five seconds"),
        (60, "one minute"),
        (64, "one minute and five seconds"),
        (80, "one minute twenty"),
        (81.9, "one minute twenty"),
        (125, "two minutes and five seconds"),
        (600, "ten minutes"),
    ],
)
def test_time_left_is_said_as_people_say_it(seconds: float, words: str) -> None:
    assert time_left_words(seconds) == words


def test_number_words() -> None:
    assert [number_words(n) for n in (0, 13, 20, 42, 99, 100)] == [
        "zero",
        "thirteen",
        "twenty",
        "forty two",
        "ninety nine",
        "100",
    ]


def test_in_a_one_sided_hold_it_says_the_side_and_the_time_left(
    routine: Routine, timeline: Timeline
) -> None:
    at = hold_start(timeline, 1) + 0.5  # 79.5 s left of the right side
    assert lead_in_texts(routine, timeline, at) == (
        "Right side, one minute twenty left.",
        "Right side.",
    )
    at = hold_start(timeline, 1, nth=1) + 50
    assert lead_in_texts(routine, timeline, at)[0] == "Left side, thirty seconds left."


def test_before_the_hold_it_names_the_step_and_the_first_side(
    routine: Routine, timeline: Timeline
) -> None:
    at = timeline.step_starts[0] + 1  # during the announcement or the time to get ready
    assert lead_in_texts(routine, timeline, at) == (
        "Step 1, Upper trapezius. Right side first.",
        "Step 1.",
    )


def test_between_the_sides_it_says_which_comes_next(routine: Routine, timeline: Timeline) -> None:
    switch = next(e for e in timeline.events if e.kind is CueKind.SWITCH_SIDES)
    assert lead_in_texts(routine, timeline, switch.at_s + 2) == (
        "Step 1, Upper trapezius. Left side next.",
        "Left side next.",
    )


def test_repetitions_say_which_one(routine: Routine, timeline: Timeline) -> None:
    at = hold_start(timeline, 2, nth=1) + 10
    assert lead_in_texts(routine, timeline, at)[0] == "Repetition 2 of 2, twenty seconds left."
    rest = next(e for e in timeline.events if e.kind is CueKind.REST and e.step == 2)
    assert lead_in_texts(routine, timeline, rest.at_s + 1)[1] == "Repetition 2 of 2 next."


def test_a_hold_without_sides_or_repetitions_is_named_by_its_title(
    routine: Routine, timeline: Timeline
) -> None:
    at = hold_start(timeline, 3) + 30
    assert lead_in_texts(routine, timeline, at) == (
        "Slow breathing, thirty seconds left.",
        "Slow breathing.",
    )


def test_after_the_last_hold_of_a_step_it_names_the_next_step() -> None:
    routine = build_routine([{**SIDED, "rest_s": 20}, BREATHING])
    timeline = plan(routine)
    rests = [e for e in timeline.events if e.kind is CueKind.REST]
    assert lead_in_texts(routine, timeline, rests[-1].at_s + 5) == (
        "Rest. Next: Slow breathing.",
        "Rest.",
    )


def test_nothing_before_the_first_step(routine: Routine, timeline: Timeline) -> None:
    assert lead_in_texts(routine, timeline, 1.0) == ()


def test_added_time_is_counted_in_the_time_left(routine: Routine, timeline: Timeline) -> None:
    session = SessionMachine(timeline)
    t0 = 1_800_000_000.0
    session.start(t0)
    at = hold_start(timeline, 1) + 60  # 20 s left
    session.advance(t0 + at)
    session.add_time(t0 + at, 15)
    now_plan = moved(timeline, session.event_times())
    assert lead_in_texts(routine, now_plan, at)[0] == "Right side, thirty five seconds left."
    # the hold itself moved, not only its release words (its chime follows them)
    release = next(e for e in now_plan.events if e.kind is CueKind.RELEASE)
    assert now_plan.holds[0].end_s == release.at_s == pytest.approx(timeline.holds[0].end_s + 15)
    assert now_plan.holds[1].start_s == pytest.approx(timeline.holds[1].start_s + 15)
    assert now_plan.total_s == pytest.approx(timeline.total_s + 15)


def test_moved_refuses_times_that_do_not_fit(timeline: Timeline) -> None:
    with pytest.raises(ValueError, match="times for"):
        moved(timeline, [0.0])


class _German:
    """A Wording with a few German words, as a translator's catalog gives them."""

    code = "de"
    words: ClassVar[dict[str, str]] = {
        "Right side": "Rechte Seite",
        "Left side": "Linke Seite",
        "{name}, {time} left.": "{name}, noch {time}.",
        "{name}.": "{name}.",
        "{minutes} {seconds}": "{minutes} {seconds}",
        "Step {number}, {title}.": "Schritt {number}, {title}.",
        "Right side first.": "Zuerst die rechte Seite.",
        "Step {number}.": "Schritt {number}.",
    }

    def gettext(self, message: str) -> str:
        return self.words.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = {
            "{n} second": ("{n} Sekunde", "{n} Sekunden"),
            "{n} minute": ("{n} Minute", "{n} Minuten"),
        }
        one, many = forms[singular]
        return one if n == 1 else many


def test_the_lead_in_speaks_the_wording_language(routine: Routine, timeline: Timeline) -> None:
    german = _German()
    at = hold_start(timeline, 1) + 0.5
    assert lead_in_texts(routine, timeline, at, german) == (
        "Rechte Seite, noch 1 Minute 20.",
        "Rechte Seite.",
    )
    at = hold_start(timeline, 1, nth=1) + 79
    assert lead_in_texts(routine, timeline, at, german)[0] == "Linke Seite, noch 1 Sekunde."
    at = timeline.step_starts[0] + 1
    assert lead_in_texts(routine, timeline, at, german) == (
        "Schritt 1, Upper trapezius. Zuerst die rechte Seite.",
        "Schritt 1.",
    )
