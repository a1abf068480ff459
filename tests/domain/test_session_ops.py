"""Every session operation and transition, driven by a fake clock."""

from __future__ import annotations

import pytest

from guide_bot.domain.clock import FakeClock
from guide_bot.domain.session import (
    AlreadyPaused,
    AlreadyStarted,
    Due,
    NotInHold,
    NotPaused,
    NotStarted,
    SessionClosed,
    SessionMachine,
    SessionState,
)
from guide_bot.domain.timeline import CueKind, Timeline


def kinds(dues: list[Due]) -> list[str]:
    return [due.event.kind.value for due in dues]


def at(timeline: Timeline, kind: CueKind, step: int | None, nth: int = 0) -> float:
    """at_s of the nth event of a kind in a step."""
    found = [e.at_s for e in timeline.events if e.kind is kind and e.step == step]
    return found[nth]


def started(timeline: Timeline, clock: FakeClock) -> tuple[SessionMachine, float]:
    session = SessionMachine(timeline)
    t0 = clock.now()
    dues = session.start(t0)
    assert kinds(dues) == ["prepare"]
    assert dues[0].due_at == t0
    return session, t0


def test_start_runs_and_schedules_the_first_announcement(
    two_steps: Timeline, clock: FakeClock
) -> None:
    session = SessionMachine(two_steps)
    assert session.state is SessionState.READY
    assert session.next_due() is None
    session.start(clock.now())
    assert session.state is SessionState.RUNNING
    assert session.next_due() == pytest.approx(clock.now() + two_steps.step_starts[0])


def test_start_twice_is_refused(two_steps: Timeline, clock: FakeClock) -> None:
    session, _ = started(two_steps, clock)
    with pytest.raises(AlreadyStarted):
        session.start(clock.now())


def test_operations_before_start_are_refused(two_steps: Timeline, clock: FakeClock) -> None:
    session = SessionMachine(two_steps)
    for operation in (session.advance, session.pause, session.skip, session.back):
        with pytest.raises(NotStarted):
            operation(clock.now())
    with pytest.raises(NotStarted):
        session.add_time(clock.now())
    with pytest.raises(NotStarted):
        session.resume(clock.now())


def test_advance_delivers_each_event_when_due(two_steps: Timeline, clock: FakeClock) -> None:
    session, t0 = started(two_steps, clock)
    assert session.advance(t0 + two_steps.step_starts[0] - 0.01) == []
    dues = session.advance(t0 + two_steps.step_starts[0])
    assert kinds(dues) == ["announce"]
    assert dues[0].event.step == 1


def test_following_next_due_walks_the_whole_plan(two_steps: Timeline, clock: FakeClock) -> None:
    session, t0 = started(two_steps, clock)
    seen: list[Due] = []
    while (due := session.next_due()) is not None:
        got = session.advance(due)
        assert got, "next_due must name a time at which something is due"
        seen.extend(got)
    assert [d.index for d in seen] == list(range(1, len(two_steps.events)))
    assert seen[-1].event.kind is CueKind.COMPLETE
    assert seen[-1].due_at == pytest.approx(t0 + two_steps.total_s)
    assert seen[-1].state is SessionState.FINISHED
    assert session.state is SessionState.FINISHED


def test_late_advance_delivers_missed_events_in_order(
    two_steps: Timeline, clock: FakeClock
) -> None:
    session, t0 = started(two_steps, clock)
    release = at(two_steps, CueKind.RELEASE, 1)
    dues = session.advance(t0 + release + 0.5)
    assert kinds(dues) == [
        "announce",
        "hold_start",
        "halfway",
        "countdown",
        "countdown",
        "countdown",
        "release",
    ]
    assert [d.due_at for d in dues] == sorted(d.due_at for d in dues)
    assert dues[-1].due_at == pytest.approx(t0 + release)
    assert [d.event.text for d in dues[3:6]] == ["3", "2", "1"]


def test_very_late_advance_finishes_at_the_planned_end(
    two_steps: Timeline, clock: FakeClock
) -> None:
    session, t0 = started(two_steps, clock)
    dues = session.advance(t0 + 10_000)
    assert len(dues) == len(two_steps.events) - 1
    assert session.state is SessionState.FINISHED
    assert session.elapsed_active_s == pytest.approx(two_steps.total_s)
    assert session.updated_at == pytest.approx(t0 + two_steps.total_s)


def test_pause_freezes_remaining_hold_time_and_resume_continues(
    two_steps: Timeline, clock: FakeClock
) -> None:
    session, t0 = started(two_steps, clock)
    start = at(two_steps, CueKind.HOLD_START, 1)
    release = at(two_steps, CueKind.RELEASE, 1)
    session.advance(t0 + start + 5)
    session.pause(t0 + start + 5)
    assert session.state is SessionState.PAUSED
    assert session.next_due() is None
    frozen = session.position(t0 + start + 500)
    assert frozen.in_hold
    assert frozen.hold_left_s == pytest.approx(release - start - 5)
    assert session.advance(t0 + start + 500) == []
    session.resume(t0 + start + 600)
    assert session.position(t0 + start + 600).hold_left_s == pytest.approx(release - start - 5)
    dues = session.advance(t0 + 595 + release)
    assert kinds(dues)[-1] == "release"
    assert dues[-1].due_at == pytest.approx(t0 + 595 + release)
    assert session.paused_total_s == pytest.approx(595)


def test_pause_during_rest_keeps_the_rest(two_steps: Timeline, clock: FakeClock) -> None:
    session, t0 = started(two_steps, clock)
    rest = at(two_steps, CueKind.REST, 1, nth=1)  # the rest before step 2
    session.advance(t0 + rest + 1)
    position = session.position(t0 + rest + 1)
    assert position.step == 1
    assert not position.in_hold
    session.pause(t0 + rest + 1)
    session.resume(t0 + rest + 61)
    left = two_steps.step_starts[1] - rest - 1
    assert session.next_due() == pytest.approx(t0 + rest + 61 + left)
    dues = session.advance(t0 + rest + 61 + left)
    assert kinds(dues) == ["announce"]
    assert dues[0].event.step == 2


def test_double_pause_is_refused(two_steps: Timeline, clock: FakeClock) -> None:
    session, t0 = started(two_steps, clock)
    session.pause(t0 + 1)
    with pytest.raises(AlreadyPaused):
        session.pause(t0 + 2)
    assert session.state is SessionState.PAUSED


def test_resume_when_running_is_refused(two_steps: Timeline, clock: FakeClock) -> None:
    session, t0 = started(two_steps, clock)
    with pytest.raises(NotPaused):
        session.resume(t0 + 1)


def test_pause_delivers_what_fell_due_before_it(two_steps: Timeline, clock: FakeClock) -> None:
    session, t0 = started(two_steps, clock)
    dues = session.pause(t0 + two_steps.step_starts[0] + 0.1)
    assert kinds(dues) == ["announce"]


def test_skip_goes_to_the_next_announcement(two_steps: Timeline, clock: FakeClock) -> None:
    session, t0 = started(two_steps, clock)
    now = t0 + at(two_steps, CueKind.HOLD_START, 1) + 3
    session.advance(now)
    dues = session.skip(now)
    assert kinds(dues) == ["announce"]
    assert dues[-1].event.step == 2
    assert dues[-1].due_at == now
    assert session.position(now).step == 2
    nxt = session.next_due()
    assert nxt == pytest.approx(
        now + at(two_steps, CueKind.HOLD_START, 2) - two_steps.step_starts[1]
    )


def test_skip_while_getting_ready_goes_to_step_one(two_steps: Timeline, clock: FakeClock) -> None:
    session, t0 = started(two_steps, clock)
    dues = session.skip(t0 + 1)
    assert kinds(dues) == ["announce"]
    assert dues[0].event.step == 1


def test_skip_on_the_last_step_completes(two_steps: Timeline, clock: FakeClock) -> None:
    session, t0 = started(two_steps, clock)
    session.skip(t0 + 1)
    session.skip(t0 + 2)
    dues = session.skip(t0 + 3)
    assert kinds(dues) == ["complete"]
    assert dues[0].due_at == t0 + 3
    assert dues[0].state is SessionState.FINISHED
    assert session.state is SessionState.FINISHED
    assert session.next_due() is None
    with pytest.raises(SessionClosed):
        session.skip(t0 + 4)


def test_skip_while_paused_moves_and_announces_on_resume(
    two_steps: Timeline, clock: FakeClock
) -> None:
    session, t0 = started(two_steps, clock)
    session.pause(t0 + 1)
    assert session.skip(t0 + 2) == []
    assert session.state is SessionState.PAUSED
    assert session.position(t0 + 2).step == 1
    dues = session.resume(t0 + 10)
    assert kinds(dues) == ["announce"]
    assert dues[0].due_at == t0 + 10


def test_back_restarts_the_current_step(two_steps: Timeline, clock: FakeClock) -> None:
    session, t0 = started(two_steps, clock)
    now = t0 + at(two_steps, CueKind.HALFWAY, 2) + 1
    session.advance(now)
    dues = session.back(now)
    assert kinds(dues) == ["announce"]
    assert dues[0].event.step == 2
    later = session.advance(now + 1000)
    assert kinds(later)[0] == "hold_start"
    assert later[0].event.step == 2
    assert kinds(later)[-1] == "complete"


def test_back_on_the_first_step_restarts_step_one(two_steps: Timeline, clock: FakeClock) -> None:
    session, t0 = started(two_steps, clock)
    now = t0 + at(two_steps, CueKind.HOLD_START, 1) + 2
    session.advance(now)
    dues = session.back(now)
    assert kinds(dues) == ["announce"]
    assert dues[0].event.step == 1
    assert session.position(now).offset_s == pytest.approx(two_steps.step_starts[0])


def test_back_twice_goes_to_the_previous_step(two_steps: Timeline, clock: FakeClock) -> None:
    session, t0 = started(two_steps, clock)
    now = t0 + at(two_steps, CueKind.HALFWAY, 2)
    session.advance(now)
    assert session.back(now)[0].event.step == 2
    again = session.back(now + 1)
    assert kinds(again) == ["announce"]
    assert again[0].event.step == 1
    assert session.position(now + 1).offset_s == pytest.approx(two_steps.step_starts[0])
    assert session.back(now + 2)[0].event.step == 1  # no step before the first


def test_back_just_after_a_step_began_goes_to_the_one_before(
    two_steps: Timeline, clock: FakeClock
) -> None:
    session, t0 = started(two_steps, clock)
    now = t0 + two_steps.step_starts[1] + 2.5
    session.advance(now)
    assert session.back(now)[0].event.step == 1
    skipped = now + 10
    assert session.skip(skipped)[-1].event.step == 2
    assert session.back(skipped + 3.5)[-1].event.step == 2  # past the grace: restart step 2


def test_back_while_getting_ready_restarts_the_get_ready(
    two_steps: Timeline, clock: FakeClock
) -> None:
    session, t0 = started(two_steps, clock)
    dues = session.back(t0 + 2)
    assert kinds(dues) == ["prepare"]
    assert session.next_due() == pytest.approx(t0 + 2 + two_steps.step_starts[0])


def test_add_time_extends_the_hold_and_moves_everything_after(
    two_steps: Timeline, clock: FakeClock
) -> None:
    session, t0 = started(two_steps, clock)
    start = at(two_steps, CueKind.HOLD_START, 2)
    release = at(two_steps, CueKind.RELEASE, 2)
    session.advance(t0 + start + 2)
    assert session.add_time(t0 + start + 2) == []
    assert session.total_s == pytest.approx(two_steps.total_s + 15)
    assert session.position(t0 + start + 2).hold_left_s == pytest.approx(release - start - 2 + 15)
    dues = session.advance(t0 + 10_000)
    by_kind = {d.event.kind: d for d in dues}
    assert by_kind[CueKind.RELEASE].due_at == pytest.approx(t0 + release + 15)
    assert by_kind[CueKind.HALFWAY].event.at_s == pytest.approx(
        at(two_steps, CueKind.HALFWAY, 2) + 15
    )
    assert by_kind[CueKind.COMPLETE].due_at == pytest.approx(t0 + two_steps.total_s + 15)


def test_add_time_during_the_countdown_says_it_again(two_steps: Timeline, clock: FakeClock) -> None:
    session, t0 = started(two_steps, clock)
    three = at(two_steps, CueKind.COUNTDOWN, 2, nth=0)
    release = at(two_steps, CueKind.RELEASE, 2)
    first = session.advance(t0 + three + 1.2)
    assert [d.event.text for d in first][-2:] == ["3", "2"]
    session.add_time(t0 + three + 1.2)
    dues = session.advance(t0 + release + 15)
    assert [(d.event.text, round(d.due_at - t0, 3)) for d in dues] == [
        ("3", round(three + 15, 3)),
        ("2", round(three + 16, 3)),
        ("1", round(three + 17, 3)),
        ("Release. Session complete, well done.", round(release + 15, 3)),
    ]
    assert session.position(t0 + release + 15).remaining_s == pytest.approx(
        two_steps.total_s - release
    )


def test_add_time_outside_a_hold_is_refused(two_steps: Timeline, clock: FakeClock) -> None:
    session, t0 = started(two_steps, clock)
    with pytest.raises(NotInHold):
        session.add_time(t0 + 1)
    rest = at(two_steps, CueKind.REST, 1)
    session.advance(t0 + rest + 1)
    with pytest.raises(NotInHold):
        session.add_time(t0 + rest + 1)
    assert session.total_s == two_steps.total_s
    for bad in (0.0, -5.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="positive"):
            session.add_time(t0 + rest + 1, seconds=bad)


def test_add_time_while_paused_in_a_hold(two_steps: Timeline, clock: FakeClock) -> None:
    session, t0 = started(two_steps, clock)
    start = at(two_steps, CueKind.HOLD_START, 1)
    session.pause(t0 + start + 1)
    session.add_time(t0 + start + 2)
    assert session.position(t0 + start + 2).hold_left_s == pytest.approx(
        at(two_steps, CueKind.RELEASE, 1) - start - 1 + 15
    )


def test_stop_then_resume_is_refused(two_steps: Timeline, clock: FakeClock) -> None:
    session, t0 = started(two_steps, clock)
    session.pause(t0 + 3)
    session.stop(t0 + 4)
    assert session.state is SessionState.STOPPED
    assert session.next_due() is None
    for operation in (
        session.resume,
        session.pause,
        session.advance,
        session.skip,
        session.back,
        session.stop,
        session.add_time,
        session.start,
    ):
        with pytest.raises(SessionClosed):
            operation(t0 + 5)
    assert session.paused_total_s == pytest.approx(1)
    assert session.elapsed_active_s == pytest.approx(3)


def test_stop_before_start(two_steps: Timeline, clock: FakeClock) -> None:
    session = SessionMachine(two_steps)
    assert session.stop(clock.now()) == []
    assert session.state is SessionState.STOPPED


def test_stop_after_the_end_finishes_instead(two_steps: Timeline, clock: FakeClock) -> None:
    session, t0 = started(two_steps, clock)
    dues = session.stop(t0 + 10_000)
    assert dues[-1].event.kind is CueKind.COMPLETE
    assert session.state is SessionState.FINISHED


def test_refused_operation_leaves_the_session_unchanged(
    two_steps: Timeline, clock: FakeClock
) -> None:
    session, t0 = started(two_steps, clock)
    before = session.to_dict()
    with pytest.raises(SessionClosed):
        session.pause(t0 + 10_000)  # the session ran to its end in the meantime
    assert session.to_dict() == before
    assert session.advance(t0 + 10_000)[-1].event.kind is CueKind.COMPLETE


def test_clock_stepping_back_is_treated_as_no_time_passing(
    two_steps: Timeline, clock: FakeClock
) -> None:
    session, t0 = started(two_steps, clock)
    session.advance(t0 + 50)
    assert session.advance(t0 + 20) == []
    assert session.updated_at == t0 + 50


def test_position_while_getting_ready_and_in_a_hold(two_steps: Timeline, clock: FakeClock) -> None:
    session, t0 = started(two_steps, clock)
    ready = session.position(t0 + 1)
    assert ready.step is None
    assert ready.step_count == 2
    assert not ready.in_hold
    assert ready.remaining_s == pytest.approx(two_steps.total_s - 1)
    second = at(two_steps, CueKind.HOLD_START, 1, nth=1)
    holding = session.position(t0 + second + 4)
    assert (holding.step, holding.side, holding.in_hold) == (1, "left", True)
    assert holding.hold_left_s == pytest.approx(two_steps.holds[1].end_s - second - 4)
    assert two_steps.holds[1].end_s - two_steps.holds[1].start_s == pytest.approx(30)
