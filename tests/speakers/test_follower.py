"""The pure follower and timeline reading: reported states -> where the session is (fake time)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import CueKind, Timeline, plan
from guide_bot.speakers.follower import (
    END_SLACK_S,
    INTERRUPT_OTHER_MEDIA,
    INTERRUPT_STOPPED,
    INTERRUPT_UNAVAILABLE,
    START_TIMEOUT_S,
    Follower,
    Phase,
)
from guide_bot.speakers.homeassistant import PlayerState
from guide_bot.speakers.routine_query import RoutineNotFound, find_routine
from guide_bot.speakers.timeline_reading import next_step_offset, previous_step_offset, read

T0 = 1_800_000_000.0
MARK = "/media/track/speaker-test/espeak.mp3"
URL = f"https://guide.example{MARK}?exp=1&sig=x"


@pytest.fixture
def timeline(routines: Mapping[str, Routine]) -> Timeline:
    return plan(routines["speaker-test"])


@pytest.fixture
def follower(timeline: Timeline) -> Follower:
    return Follower(
        entity="media_player.kitchen",
        speaker="Kitchen",
        timeline=timeline,
        step_titles=("Thumb press", "Side stretch", "Shoulder roll"),
        engine="espeak",
        track_marker=MARK,
        now=T0,
    )


def state(
    name: str, position: float | None = None, at: float = T0, content: str | None = URL
) -> PlayerState:
    return PlayerState(
        entity_id="media_player.kitchen",
        state=name,
        name="Kitchen",
        media_position_s=position,
        position_updated_at=at if position is not None else None,
        media_content_id=content,
    )


def test_reading_steps_sides_and_holds(timeline: Timeline) -> None:
    assert read(timeline, 0.5).step is None
    first_hold = timeline.holds[0]
    inside = read(timeline, first_hold.start_s + 2)
    assert (inside.step, inside.side, inside.hold) == (1, first_hold.side, first_hold)
    assert inside.hold_left_s == pytest.approx(first_hold.end_s - first_hold.start_s - 2)
    second = timeline.holds[1]
    assert read(timeline, second.start_s + 1).side == second.side != first_hold.side
    assert read(timeline, timeline.step_starts[2] + 0.1).step == 3
    end = read(timeline, timeline.total_s + 100)
    assert end.offset_s == timeline.total_s
    assert end.latest is not None
    assert end.latest.kind is CueKind.COMPLETE


def test_next_and_previous_targets(timeline: Timeline) -> None:
    s1, s2, s3 = timeline.step_starts
    assert next_step_offset(timeline, 0.0) == s1
    assert next_step_offset(timeline, s1 + 5) == s2
    final_release = [e for e in timeline.events if e.kind is CueKind.RELEASE][-1].at_s
    assert next_step_offset(timeline, s3 + 1) == final_release
    assert previous_step_offset(timeline, s2 + 10) == s2
    assert previous_step_offset(timeline, s2 + 1) == s1  # just past the start: the step before
    assert previous_step_offset(timeline, s1 + 1) == s1  # nothing before the first step
    assert previous_step_offset(timeline, 1.0) == 0.0


def test_position_runs_with_the_clock_and_resyncs(follower: Follower) -> None:
    assert follower.phase is Phase.STARTING
    follower.observe(state("playing", 0.0, T0 + 1), T0 + 1)
    assert follower.phase is Phase.PLAYING
    assert follower.offset(T0 + 11) == pytest.approx(10.0)
    # the player says it is a little behind: the follower takes its word
    follower.observe(state("playing", 9.0, T0 + 11), T0 + 11.2)
    assert follower.offset(T0 + 12) == pytest.approx(10.0)
    # paused on the speaker itself: the position stops
    follower.observe(state("paused", 20.0, T0 + 22), T0 + 22)
    assert follower.phase is Phase.PAUSED
    assert follower.offset(T0 + 500) == pytest.approx(20.0)
    status = follower.status(T0 + 500)
    assert status.to_dict()["phase"] == "paused"
    assert status.to_dict()["offset_s"] == 20.0


def test_players_without_positions_are_followed_by_the_clock(follower: Follower) -> None:
    follower.observe(state("playing"), T0)
    follower.observe(state("paused"), T0 + 30)
    assert follower.offset(T0 + 99) == pytest.approx(30.0)
    follower.observe(state("playing"), T0 + 100)
    assert follower.offset(T0 + 105) == pytest.approx(35.0)


def test_previous_media_before_ours_is_ignored_then_other_media_interrupts(
    timeline: Timeline,
) -> None:
    follower = Follower(
        entity="media_player.kitchen",
        speaker="Kitchen",
        timeline=timeline,
        step_titles=("Thumb press", "Side stretch", "Shoulder roll"),
        engine="espeak",
        track_marker=MARK,
        now=T0,
        previous_content="spotify:track:1",
    )
    follower.observe(state("playing", 80.0, content="spotify:track:1"), T0)
    assert follower.phase is Phase.STARTING
    follower.observe(state("playing", 0.0, T0 + 1), T0 + 1)
    follower.observe(state("playing", 3.0, T0 + 20, content="spotify:track:2"), T0 + 20)
    assert (follower.phase, follower.message) == (Phase.INTERRUPTED, INTERRUPT_OTHER_MEDIA)
    assert follower.offset(T0 + 60) == pytest.approx(19.0)  # kept where our track was


def test_unavailable_keeps_the_position_and_restart_seeks_back(follower: Follower) -> None:
    follower.observe(state("playing", 0.0), T0)
    follower.observe(state("unavailable"), T0 + 40)
    assert (follower.phase, follower.message) == (Phase.INTERRUPTED, INTERRUPT_UNAVAILABLE)
    assert follower.restarted(T0 + 100) == pytest.approx(40.0)
    assert follower.phase is Phase.STARTING
    follower.observe(state("playing", 0.0, T0 + 101), T0 + 101)
    assert follower.pending_seek == pytest.approx(40.0)


def test_idle_before_the_end_is_a_stop_near_the_end_a_finish(
    follower: Follower, timeline: Timeline
) -> None:
    follower.observe(state("playing", 0.0), T0)
    follower.observe(state("idle"), T0 + 30)
    assert (follower.phase, follower.message) == (Phase.INTERRUPTED, INTERRUPT_STOPPED)
    follower.restarted(T0 + 31)
    follower.observe(state("playing", timeline.total_s - 1, T0 + 40), T0 + 40)
    follower.observe(state("idle"), T0 + 41)
    assert follower.phase is Phase.FINISHED
    follower.observe(state("playing", 0.0, T0 + 50), T0 + 50)  # ended sessions stay ended
    assert follower.phase is Phase.FINISHED


def test_time_driven_checks(follower: Follower, timeline: Timeline) -> None:
    follower.check(T0 + START_TIMEOUT_S - 1)
    assert follower.phase is Phase.STARTING
    follower.check(T0 + START_TIMEOUT_S + 1)
    assert follower.phase is Phase.INTERRUPTED
    follower.restarted(T0 + 100)
    follower.observe(state("playing", 0.0, T0 + 100), T0 + 100)
    follower.check(T0 + 100 + timeline.total_s + END_SLACK_S + 0.1)
    assert follower.phase is Phase.FINISHED


def test_hold_on_pauses_only_during_a_hold(follower: Follower, timeline: Timeline) -> None:
    follower.observe(state("playing", 0.0), T0)
    with pytest.raises(ValueError, match="only while a hold"):
        follower.hold_on(T0 + 0.5)
    hold = timeline.holds[0]
    at = T0 + hold.start_s + 1
    assert follower.hold_on(at) is True
    assert follower.phase is Phase.HOLDING_ON
    assert follower.hold_on(at + 1) is False  # another 15 s on the same pause
    assert not follower.resume_due(at + 29)
    assert follower.resume_due(at + 30)
    assert follower.status(at + 10).hold_on_left_s == pytest.approx(20.0)
    follower.observe(state("paused", hold.start_s + 1, at), at + 0.1)
    assert follower.phase is Phase.HOLDING_ON  # the speaker confirms the pause
    follower.observe(state("playing", hold.start_s + 1, at + 5), at + 5)
    assert (follower.phase, follower.hold_on_until) == (Phase.PLAYING, None)


def test_routine_query(routines: Mapping[str, Routine]) -> None:
    assert find_routine("speaker-test", routines).id == "speaker-test"
    assert find_routine("the Speaker Test routine", routines).id == "speaker-test"
    assert find_routine("tiny", routines).id == "tiny-test"
    with pytest.raises(RoutineNotFound, match="several"):
        find_routine("test", routines)
    with pytest.raises(RoutineNotFound, match="did you mean speaker-test"):
        find_routine("speaker tset", routines)


def test_a_report_measured_before_our_command_does_not_undo_it(
    follower: Follower, timeline: Timeline
) -> None:
    follower.observe(state("playing", 0.0), T0)
    at = T0 + timeline.holds[0].start_s + 1
    follower.hold_on(at)
    # a position update the player sent just before the pause arrives just after it
    follower.observe(state("playing", at - T0 - 0.4, at - 0.4), at + 0.2)
    assert follower.phase is Phase.HOLDING_ON
    follower.observe(state("paused", at - T0, at + 0.1), at + 0.3)  # the pause, confirmed
    assert follower.phase is Phase.HOLDING_ON
    # once things have settled, the player's word counts again: resumed on the speaker
    follower.observe(state("playing", at - T0, at + 5), at + 5)
    assert follower.phase is Phase.PLAYING


def test_a_player_that_renames_our_track_is_still_followed(follower: Follower) -> None:
    follower.observe(state("buffering", 0.0, content="ma_queue_item_42"), T0)
    follower.observe(state("playing", 0.0, content="ma_queue_item_42"), T0 + 1)
    assert follower.phase is Phase.PLAYING
    follower.observe(state("playing", 0.0, T0 + 9, content="ma_queue_item_43"), T0 + 9)
    assert (follower.phase, follower.message) == (Phase.INTERRUPTED, INTERRUPT_OTHER_MEDIA)
