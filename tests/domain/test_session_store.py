"""A session survives a trip through a plain dict; malformed or foreign data is refused clearly."""

from __future__ import annotations

import json
from typing import Any

import pytest

from guide_bot.domain.clock import FakeClock
from guide_bot.domain.session import SessionDataError, SessionMachine, SessionState
from guide_bot.domain.timeline import CueKind, Timeline, plan


def running_session(timeline: Timeline, clock: FakeClock) -> tuple[SessionMachine, float]:
    session = SessionMachine(timeline)
    t0 = clock.now()
    session.start(t0)
    hold = next(e for e in timeline.events if e.kind is CueKind.HOLD_START)
    session.advance(t0 + hold.at_s + 1)
    session.add_time(t0 + hold.at_s + 1)
    session.pause(t0 + hold.at_s + 2)
    return session, t0


def test_round_trip_through_json_continues_identically(
    two_steps: Timeline, clock: FakeClock
) -> None:
    session, t0 = running_session(two_steps, clock)
    data = json.loads(json.dumps(session.to_dict()))
    assert data["version"] == 1
    copy = SessionMachine.from_dict(data, two_steps)
    assert copy.state is SessionState.PAUSED
    assert copy.to_dict() == session.to_dict()
    for each in (session, copy):
        each.resume(t0 + 100)
    assert session.advance(t0 + 10_000) == copy.advance(t0 + 10_000)


def test_ready_session_round_trips(two_steps: Timeline) -> None:
    copy = SessionMachine.from_dict(SessionMachine(two_steps).to_dict(), two_steps)
    assert copy.state is SessionState.READY


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"version": 2}, "version 2"),
        ({"state": "dancing"}, "state"),
        ({"cursor": -1}, "cursor"),
        ({"cursor": 10_000}, "past the"),
        ({"cursor": "3"}, "cursor"),
        ({"shifts": [[0, -15.0]]}, "added time"),
        ({"shifts": [[999, 15.0]]}, "added time"),
        ({"shifts": [[1]]}, "shifts"),
        ({"paused_total_s": -1.0}, "paused_total_s"),
        ({"anchor_wall": float("nan")}, "anchor_wall"),
        ({"started_at": None}, "start time"),
        ({"routine": "other"}, "routine 'other'"),
        ({"plan": "0000"}, "has changed"),
        ({"extra": 1}, "extra"),
        ({"state": "finished"}, "every event"),
        ({"updated_at": 1.0}, "before it started"),
    ],
)
def test_malformed_data_is_refused_with_a_clear_message(
    two_steps: Timeline, clock: FakeClock, change: dict[str, Any], message: str
) -> None:
    session, _ = running_session(two_steps, clock)
    data = {**session.to_dict(), **change}
    with pytest.raises(SessionDataError, match=message):
        SessionMachine.from_dict(data, two_steps)


def test_missing_fields_and_non_dicts_are_refused(two_steps: Timeline, clock: FakeClock) -> None:
    session, _ = running_session(two_steps, clock)
    data = session.to_dict()
    del data["cursor"]
    with pytest.raises(SessionDataError, match="cursor"):
        SessionMachine.from_dict(data, two_steps)
    with pytest.raises(SessionDataError, match="expected a dict"):
        SessionMachine.from_dict([1, 2], two_steps)
    with pytest.raises(SessionDataError, match="JSON"):
        SessionMachine.from_dict({**session.to_dict(), "cursor": object()}, two_steps)


def test_data_for_another_plan_of_the_same_routine_is_refused(
    two_steps: Timeline, clock: FakeClock, make_routine: Any
) -> None:
    session, _ = running_session(two_steps, clock)
    other = plan(make_routine([{"hold_s": 31, "sides": "left-right", "rest_s": 5}, {"hold_s": 20}]))
    with pytest.raises(SessionDataError, match="has changed"):
        SessionMachine.from_dict(session.to_dict(), other)
