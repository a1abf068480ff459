"""Lengths, and what the planner now says: the stop rule, cautions, sides, paced breath, fading."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from guide_bot.domain.cues import BREATHE_IN_TEXT, BREATHE_OUT_TEXT, FADE_TEXT, STOP_RULE
from guide_bot.domain.lengths import (
    LengthUnavailable,
    available_lengths,
    select_length,
    step_in_length,
)
from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import CueKind, plan

BASE: dict[str, Any] = {
    "id": "t",
    "title": "T",
    "summary": "x",
    "areas": ["neck"],
    "complaints": ["neck-pain"],
    "tools": ["ball"],
    "get_ready_s": 0,
    "steps": [
        {
            "title": "Press",
            "instruction": "Lean in.",
            "technique": "compress",
            "hold_s": 45,
            "lengths": ["quick", "standard", "full"],
            "quick": {"hold_s": 30},
            "full": {"hold_s": 60},
        },
        {"title": "Stretch", "instruction": "Reach.", "technique": "stretch", "hold_s": 30,
         "reps": 2, "full": {"reps": 3}},
    ],
}  # fmt: skip


def routine(**changes: Any) -> Routine:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return Routine.model_validate(data)


def test_each_length_plays_its_steps_with_their_overrides() -> None:
    r = routine()
    assert available_lengths(r) == ("quick", "standard", "full")
    quick, standard, full = (select_length(r, n) for n in ("quick", "standard", "full"))
    assert [(s.title, s.hold_s, s.reps) for s in quick.steps] == [("Press", 30, 1)]
    assert [(s.hold_s, s.reps) for s in standard.steps] == [(45, 1), (30, 2)]
    assert [(s.hold_s, s.reps) for s in full.steps] == [(60, 1), (30, 3)]
    assert plan(quick).total_s < plan(standard).total_s < plan(full).total_s
    assert plan(r) == plan(standard)  # an unselected routine plays its standard length


def test_a_missing_length_is_refused_with_the_allowed_ones() -> None:
    old = Routine.model_validate(
        BASE | {"steps": [{"title": "P", "instruction": "x", "technique": "move", "hold_s": 20}]}
    )
    assert available_lengths(old) == ("standard", "full")
    with pytest.raises(LengthUnavailable, match="no quick length; allowed: standard, full"):
        select_length(old, "quick")


def test_an_override_needs_its_length_and_cues_must_fit_the_shorter_hold() -> None:
    with pytest.raises(ValueError, match="not in the quick length"):
        routine(steps=[BASE["steps"][1] | {"quick": {"reps": 1}}])
    step = BASE["steps"][0] | {"cues": [{"at_s": 40, "text": "Breathe."}]}
    with pytest.raises(ValueError, match="outside the 30 s hold of the quick length"):
        routine(steps=[step])
    assert step_in_length(routine().steps[1], "quick") is None


def test_the_stop_rule_is_said_first_in_every_shipped_routine_and_length(
    shipped: dict[str, Routine],
) -> None:
    for r in shipped.values():
        for length in available_lengths(r):
            first = plan(select_length(r, length)).events[0]
            assert first.at_s == 0
            assert first.kind is CueKind.PREPARE
            words = first.text.casefold()
            assert all(w in words for w in ("numb", "tingl", "sharp", "dizz")), r.id
    assert STOP_RULE in plan(routine()).events[0].text


def test_caution_side_first_and_lying_side_are_spoken() -> None:
    step = {
        "title": "Hip",
        "instruction": "Lie on your side on the ball.",
        "technique": "compress",
        "hold_s": 40,
        "sides": "left-right",
        "lie_on": "worked-side",
        "caution": "Keep off the bony point.",
    }
    timeline = plan(routine(steps=[step]))
    announce = next(e for e in timeline.events if e.kind is CueKind.ANNOUNCE)
    assert announce.text.endswith(
        "Lie on your side on the ball. Keep off the bony point. Right side first. "
        "Lie on your right side."
    )
    switch = next(e for e in timeline.events if e.kind is CueKind.SWITCH_SIDES)
    assert switch.text == "Switch to the left side. Lie on your left side."
    other = plan(routine(steps=[step | {"lie_on": "other-side"}]))
    assert next(e for e in other.events if e.kind is CueKind.ANNOUNCE).text.endswith(
        "Right side first. Lie on your left side."
    )


def test_paced_breathing_says_in_and_out_at_the_rate_and_no_halfway() -> None:
    step = {
        "title": "Breathe",
        "instruction": "Follow the voice.",
        "technique": "breathe",
        "hold_s": 60,
        "pace": {"in_s": 4.0, "out_s": 6.0},
    }
    timeline = plan(routine(steps=[step]))
    (hold,) = timeline.holds
    start = next(e for e in timeline.events if e.kind is CueKind.HOLD_START)
    assert start.text == BREATHE_IN_TEXT
    pace = [
        (round(e.at_s - hold.start_s, 6), e.text) for e in timeline.events if e.kind is CueKind.PACE
    ]
    expected = [(4.0, BREATHE_OUT_TEXT)]
    for cycle in range(1, 6):
        expected += [(10.0 * cycle, BREATHE_IN_TEXT), (10.0 * cycle + 4, BREATHE_OUT_TEXT)]
    assert pace == expected  # 6 breaths a minute
    kinds = {e.kind for e in timeline.events}
    assert CueKind.HALFWAY not in kinds
    assert CueKind.COUNTDOWN not in kinds
    assert timeline.events[-2].text == "Let your breath settle. Session complete, well done."


def test_a_fading_routine_ends_quietly(shipped: dict[str, Routine]) -> None:
    timeline = plan(shipped["bedtime-relaxation"])
    release = [e for e in timeline.events if e.kind is CueKind.RELEASE][-1]
    assert release.text == FADE_TEXT
    assert timeline.quiet_end
    assert "complete" not in " ".join(e.text for e in timeline.events if e.spoken).casefold()
    last_hold = timeline.holds[-1]
    inside = [e for e in timeline.events if last_hold.start_s < e.at_s < last_hold.end_s]
    assert CueKind.COUNTDOWN not in {e.kind for e in inside}


def test_movement_says_no_halfway_and_no_release() -> None:
    step = {"title": "Circles", "instruction": "Circle.", "technique": "move", "hold_s": 40}
    timeline = plan(routine(steps=[step, step]))
    assert CueKind.HALFWAY not in {e.kind for e in timeline.events}
    releases = [e.text for e in timeline.events if e.kind is CueKind.RELEASE]
    assert releases == ["And rest.", "And rest. Session complete, well done."]


def test_the_terminal_player_fades_out_without_a_chime(shipped: dict[str, Routine]) -> None:
    import threading

    from guide_bot.console.sound import VoiceSound
    from guide_bot.console.speaker import Speaker
    from guide_bot.domain.timeline import TimelineEvent

    played: list[bytes] = []

    class Output:
        name = "memory"

        def play(self, wav: bytes, cancel: threading.Event) -> None:
            played.append(wav)

    class Clips:
        def event_wav(self, event: TimelineEvent) -> bytes:
            return event.kind.value.encode()

    timeline = plan(shipped["bedtime-relaxation"])
    for quiet, expected in ((True, b"release"), (False, b"complete")):
        played.clear()
        speaker = Speaker(Output())
        sound = VoiceSound(Clips(), speaker, lambda: None, quiet_end=quiet)
        for event in timeline.events[-2:]:  # the last release ("Stay here...") and the end
            sound.cue(event)
        sound.finish(2.0)
        assert played[-1] == expected
