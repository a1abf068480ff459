"""The frame is a pure function of the session's position: checked by moving a fake clock."""

from __future__ import annotations

import pytest
from player_fakes import tiny_routine

from guide_bot.console.screen import View, bar, clock_text, render
from guide_bot.domain.clock import FakeClock
from guide_bot.domain.reading import reading_time_s
from guide_bot.domain.session import SessionMachine
from guide_bot.domain.timeline import CueKind, plan


def _frame(session: SessionMachine, now: float, **fields: object) -> str:
    view = View(routine=tiny_routine(), position=session.position(now), **fields)  # type: ignore[arg-type]
    lines = render(view, 60)
    assert all(len(line) <= 60 for line in lines)
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0:00"), (0.2, "0:01"), (1.0, "0:01"), (1.01, "0:02"), (59.9999999, "1:00"), (61, "1:01")],
)
def test_clock_text_rounds_up_so_a_countdown_ends_at_zero(seconds: float, text: str) -> None:
    assert clock_text(seconds) == text


def test_bar_fills_in_proportion() -> None:
    assert bar(0.0, 4) == "░░░░"
    assert bar(0.5, 4) == "██░░"
    assert bar(1.5, 4) == "████"


def test_hold_countdown_moves_with_the_clock() -> None:
    routine = tiny_routine()
    timeline = plan(routine, speak_s=reading_time_s)
    clock = FakeClock()
    session = SessionMachine(timeline)
    session.start(clock.now())
    hold = timeline.holds[0]
    clock.set(clock.now() + hold.start_s + 0.01)
    session.advance(clock.now())
    frame = _frame(session, clock.now())
    assert "Tiny test" in frame
    assert "Step 1 of 2" in frame
    assert "First press" in frame
    assert "pressure 5/10 · point: upper trapezius · tools: ball" in frame
    assert "PRESS  0:03 left" in frame
    assert "Next: step 2 · Second press (2 s)" in frame
    clock.advance(1.2)
    assert "PRESS  0:02 left" in _frame(session, clock.now())
    clock.advance(1.0)
    assert "PRESS  0:01 left" in _frame(session, clock.now())


def test_before_the_hold_it_counts_down_to_the_hold_and_names_the_phase() -> None:
    timeline = plan(tiny_routine(), speak_s=reading_time_s)
    clock = FakeClock()
    session = SessionMachine(timeline)
    session.start(clock.now())
    clock.set(clock.now() + timeline.step_starts[0] + 0.01)
    (due,) = session.advance(clock.now())
    assert due.event.kind is CueKind.ANNOUNCE
    next_due = session.next_due()
    assert next_due is not None
    frame = _frame(
        session,
        clock.now(),
        last_kind=due.event.kind,
        said=due.event.text,
        next_kind=CueKind.HOLD_START,
        next_in_s=next_due - clock.now(),
    )
    assert "Get into position  Hold starts in 0:0" in frame
    assert "Said: Step 1. First press. Press." in frame
    assert "PRESS" not in frame


def test_paused_finished_and_stopped_frames() -> None:
    timeline = plan(tiny_routine(), speak_s=reading_time_s)
    clock = FakeClock()
    session = SessionMachine(timeline)
    session.start(clock.now())
    clock.advance(timeline.holds[0].start_s + 1)
    session.pause(clock.now())
    paused = _frame(session, clock.now())
    assert "PAUSED · press space to resume" in paused
    assert "PRESS  0:02 left" in paused
    clock.advance(30)  # the countdown stays frozen while paused
    assert "PRESS  0:02 left" in _frame(session, clock.now())
    assert "PAUSED" in _frame(session, clock.now(), keys=False)
    assert "press space" not in _frame(session, clock.now(), keys=False)
    session.resume(clock.now())
    clock.advance(timeline.total_s)
    session.advance(clock.now())
    done = _frame(session, clock.now())
    assert "Session complete. Well done." in done
    assert "space pause" not in done
    stopped = SessionMachine(timeline)
    stopped.start(clock.now())
    stopped.stop(clock.now() + 1)
    assert "Stopped." in _frame(stopped, clock.now() + 1)


def test_notices_come_first_and_key_help_last() -> None:
    session = SessionMachine(plan(tiny_routine(), speak_s=reading_time_s))
    clock = FakeClock()
    session.start(clock.now())
    lines = render(
        View(
            routine=tiny_routine(),
            position=session.position(clock.now()),
            notices=("No audio output (test).",),
            feedback="Paused.",
        ),
        80,
    )
    assert lines[0] == "No audio output (test)."
    assert lines[1].startswith("Tiny test")
    assert lines[1].endswith("Getting ready")
    assert "Paused." in lines
    assert lines[-1] == "space pause/resume · n skip · b back · + add 15 s · q stop"
