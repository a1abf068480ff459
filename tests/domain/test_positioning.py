"""Time to get into position: the quiet between a step's instruction and its "... now"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from routine_builder import build_routine

from guide_bot.domain.lengths import available_lengths, select_length
from guide_bot.domain.positioning import (
    POSITION_CHANGE_S,
    SETTLE_BY_TECHNIQUE_S,
    SIDE_LYING_SWITCH_S,
    changes_position,
    settle_times,
    setup_of,
)
from guide_bot.domain.reading import speaking_time_s
from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import CueKind, PlanOptions, Timeline, plan
from guide_bot.library.loader import load_routines

LIBRARY = Path(__file__).resolve().parents[2] / "scripts_library"

STANDING: dict[str, Any] = {"technique": "stretch", "hold_s": 20}
ON_THE_BACK: dict[str, Any] = {"technique": "compress", "hold_s": 30, "loads": ["lying-on-back"]}
AT_THE_WALL: dict[str, Any] = {"technique": "compress", "hold_s": 30, "tools": ["wall"]}
ON_A_ROLLER: dict[str, Any] = {"technique": "roll", "hold_s": 60, "tools": ["foam-roller"]}


def quiet_before_now(timeline: Timeline) -> list[float]:
    """Per step: seconds from the end of the announcement's words to its first hold start."""
    gaps: list[float] = []
    for number in range(1, timeline.step_count + 1):
        announce = next(
            e for e in timeline.events if e.kind is CueKind.ANNOUNCE and e.step == number
        )
        start = next(
            e for e in timeline.events if e.kind is CueKind.HOLD_START and e.step == number
        )
        gaps.append(start.at_s - (announce.at_s + announce.speak_s))
    return gaps


def test_every_technique_has_a_default_of_at_least_five_seconds() -> None:
    assert set(SETTLE_BY_TECHNIQUE_S) == {"compress", "stretch", "roll", "breathe", "move"}
    assert min(SETTLE_BY_TECHNIQUE_S.values()) >= 5


def test_a_step_that_moves_the_person_gets_more_time() -> None:
    routine = build_routine([STANDING, ON_THE_BACK, ON_THE_BACK, AT_THE_WALL, STANDING])
    assert settle_times(routine.steps) == (
        5,  # standing, as at the start
        6 + POSITION_CHANGE_S,  # down onto the floor
        6,  # still on the back: nothing to change
        6 + POSITION_CHANGE_S,  # up against a wall
        5,  # standing freely: the default covers stepping away
    )
    gaps = quiet_before_now(plan(routine))
    assert gaps == pytest.approx([5, 11, 6, 11, 5], abs=1e-9)


def test_the_first_step_counts_from_standing() -> None:
    routine = build_routine([ON_A_ROLLER, {**ON_A_ROLLER, "loads": ["lying-on-back"]}])
    assert changes_position(routine.steps[0], None)
    assert changes_position(routine.steps[1], routine.steps[0])  # on the roller, now lying back
    assert settle_times(routine.steps) == (11, 11)


def test_a_wall_or_mat_is_not_counted_when_the_step_lies_down() -> None:
    lying_with_a_wall = build_routine([{**ON_THE_BACK, "tools": ["ball", "wall"]}]).steps[0]
    assert setup_of(lying_with_a_wall) == {"lying-on-back"}
    sitting_on_the_mat = build_routine([{"technique": "compress", "hold_s": 30, "tools": ["mat"]}])
    assert setup_of(sitting_on_the_mat.steps[0]) == {"floor"}


def test_the_step_own_settle_time_wins() -> None:
    own = [STANDING, {**ON_THE_BACK, "settle_s": 20}, {**STANDING, "settle_s": 7}]
    routine = build_routine(own)
    assert settle_times(routine.steps) == (5, 20, 7)
    assert quiet_before_now(plan(routine)) == pytest.approx([5, 20, 7], abs=1e-9)


def test_side_lying_switch_gives_time_to_turn_over() -> None:
    common: dict[str, Any] = {"technique": "stretch", "hold_s": 20, "sides": "left-right"}
    routine = build_routine([common, {**common, "lie_on": "other-side"}])
    timeline = plan(routine)
    switches = [e for e in timeline.events if e.kind is CueKind.SWITCH_SIDES]
    starts = [e for e in timeline.events if e.kind is CueKind.HOLD_START and e.side == "left"]
    moves = [s.at_s - (w.at_s + w.speak_s) for w, s in zip(switches, starts, strict=True)]
    switch_s = PlanOptions().switch_s
    assert moves == pytest.approx([switch_s, switch_s + SIDE_LYING_SWITCH_S])
    assert switches[1].text == "Switch to the left side. Lie on your right side."


def test_plans_stored_before_keep_their_one_second() -> None:
    routine = build_routine([STANDING, ON_THE_BACK])
    old = plan(routine, options=PlanOptions(legacy_settle_s=1.0))
    assert quiet_before_now(old) == pytest.approx([1, 1], abs=1e-9)
    assert old.total_s < plan(routine).total_s


def shipped() -> dict[str, Routine]:
    loaded = load_routines([LIBRARY])
    assert not loaded.errors
    return loaded.routines


@pytest.mark.parametrize("routine_id", sorted(shipped()))
def test_every_shipped_step_in_every_length_leaves_five_seconds(routine_id: str) -> None:
    """Between the end of the instruction (and "Right side first.") and "... now", at least
    5 s; at least 10 s where the step puts the person on the floor, a roller or a wall."""
    routine = shipped()[routine_id]
    for length in available_lengths(routine):
        played = select_length(routine, length)
        gaps = quiet_before_now(plan(played, speak_s=speaking_time_s))
        previous = None
        for step, gap in zip(played.steps, gaps, strict=True):
            least = 10 if changes_position(step, previous) else 5
            assert gap >= least - 1e-6, (routine_id, length, step.title, gap)
            previous = step


def test_the_issue_example_neck_release() -> None:
    """neck-release: step 1 lies down on a ball, step 2 leans on a wall, step 3 stands."""
    timeline = plan(shipped()["neck-release"])
    gaps = quiet_before_now(timeline)
    assert min(gaps[:2]) >= 10
    assert all(5 <= gap < 10 for gap in gaps[2:])
    announce = next(e for e in timeline.events if e.kind is CueKind.ANNOUNCE)
    assert announce.text.endswith("Right side first.")
