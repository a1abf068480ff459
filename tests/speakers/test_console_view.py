"""The speaker's terminal view: the player's screen fed from a speaker status (pure, fake time)."""

from __future__ import annotations

import io
from collections.abc import Mapping

from guide_bot.console.display import LogDisplay
from guide_bot.console.screen import render
from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import plan
from guide_bot.speakers.console import CueLog, view_of
from guide_bot.speakers.follower import Follower
from guide_bot.speakers.homeassistant import PlayerState

T0 = 1_800_000_000.0


def _follower(routine: Routine) -> Follower:
    return Follower(
        entity="media_player.kitchen",
        speaker="Kitchen",
        timeline=plan(routine),
        step_titles=tuple(s.title for s in routine.steps),
        engine="espeak",
        track_marker="/media/track/speaker-test/",
        now=T0,
    )


def _state(name: str, position: float | None = None) -> PlayerState:
    return PlayerState(
        entity_id="media_player.kitchen",
        state=name,
        name="Kitchen",
        media_position_s=position,
        position_updated_at=T0 if position is not None else None,
    )


def test_screen_shows_the_hold_and_the_interruption(routines: Mapping[str, Routine]) -> None:
    routine = routines["speaker-test"]
    follower = _follower(routine)
    follower.observe(_state("playing", 0.0), T0)
    hold = follower.timeline.holds[0]
    now = T0 + hold.start_s + 4
    lines = render(view_of(follower.status(now), routine, feedback=None, notices=("On kitchen",)))
    assert lines[0] == "On kitchen"
    assert "Step 1 of 3" in lines[1]
    assert any(line.startswith("PRESS  0:06 left") for line in lines)
    follower.observe(_state("unavailable"), now)
    lines = render(view_of(follower.status(now + 50), routine, feedback=None, notices=()))
    text = "\n".join(lines)
    assert "The speaker became unavailable at 0:" in text
    assert "press space to start again from there" in text
    assert "PAUSED" in text


def test_cue_log_prints_each_cue_once_and_only_the_latest_after_a_jump(
    routines: Mapping[str, Routine],
) -> None:
    timeline = plan(routines["speaker-test"])
    out = io.StringIO()
    log = CueLog(timeline, LogDisplay(out))
    spoken = [e for e in timeline.events if e.spoken]
    log.advance(0.0)
    log.advance(0.1)
    assert out.getvalue().count("\n") == 1  # the get-ready cue, once
    log.advance(timeline.step_starts[2] + 0.01)  # a seek far ahead: only the cue it lands on
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[-1].endswith(next(e.text for e in spoken if e.at_s == timeline.step_starts[2]))
    log.advance(timeline.step_starts[1] + 0.01)  # back a step: its cue is heard and shown again
    log.advance(timeline.step_starts[1] + 0.02)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3  # once, and nothing new until the next cue comes
    assert lines[-1].endswith(next(e.text for e in spoken if e.at_s == timeline.step_starts[1]))
