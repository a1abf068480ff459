"""Properties of the session machine over random routines and random operation sequences."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from routine_strategies import routines

from guide_bot.domain.routine import Routine
from guide_bot.domain.session import Due, SessionError, SessionMachine, SessionState
from guide_bot.domain.timeline import CueKind, plan

T0 = 1_800_000_000.125
FAST = settings(deadline=None)
OPERATIONS = ("advance", "advance", "advance", "pause", "resume", "skip", "back", "add_time")
Op = tuple[str, float]


def operations(names: tuple[str, ...] = OPERATIONS) -> st.SearchStrategy[list[Op]]:
    """(operation, seconds since the previous one); sometimes none pass, sometimes minutes."""
    gaps = st.one_of(st.just(0.0), st.floats(min_value=0.0, max_value=40.0), st.just(400.0))
    return st.lists(st.tuples(st.sampled_from((*names, "stop")), gaps), max_size=25)


def apply(session: SessionMachine, op: str, now: float) -> list[Due]:
    """Run one operation; a refusal (SessionError) delivers nothing and changes nothing."""
    method: Callable[[float], list[Due]] = getattr(session, op)
    before = session.to_dict()
    try:
        return method(now)
    except SessionError:
        assert session.to_dict() == before, f"refused {op} changed the session"
        return []


def run(session: SessionMachine, ops: list[Op], now: float) -> tuple[list[list[Due]], float]:
    out = []
    for op, gap in ops:
        now += gap
        out.append(apply(session, op, now))
    return out, now


@FAST
@given(routine=routines(), ops=operations())
def test_events_come_out_in_time_order_and_time_adds_up(routine: Routine, ops: list[Op]) -> None:
    session = SessionMachine(plan(routine))
    batches = [session.start(T0)]
    more, now = run(session, ops, T0)
    batches += more
    if session.state is SessionState.PAUSED:
        batches.append(session.resume(now))
    if not session.state.closed:
        batches.append(session.advance(now + 10_000))
    dues = [due for batch in batches for due in batch]
    times = [due.due_at for due in dues]
    assert times == sorted(times)
    assert all(T0 <= time <= now + 10_000 for time in times)
    assert session.state.closed
    assert session.started_at == T0
    assert session.updated_at is not None
    wall = session.updated_at - T0
    assert session.paused_total_s + session.elapsed_active_s == pytest.approx(wall, abs=1e-5)
    assert session.paused_total_s >= 0
    assert session.elapsed_active_s >= 0
    completes = [d for d in dues if d.event.kind is CueKind.COMPLETE]
    if session.state is SessionState.FINISHED:
        assert completes == [dues[-1]]
        assert dues[-1].state is SessionState.FINISHED
        assert dues[-1].event.at_s == pytest.approx(session.total_s)
    else:
        assert completes == []


@FAST
@given(routine=routines(), ops=operations(), cut=st.integers(min_value=0, max_value=25))
def test_a_stored_session_continues_with_the_same_events(
    routine: Routine, ops: list[Op], cut: int
) -> None:
    timeline = plan(routine)
    session = SessionMachine(timeline)
    session.start(T0)
    _, now = run(session, ops[:cut], T0)
    stored = json.loads(json.dumps(session.to_dict()))
    copy = SessionMachine.from_dict(stored, timeline)
    assert copy.to_dict() == session.to_dict()
    assert copy.next_due() == session.next_due()
    assert copy.position(now + 1) == session.position(now + 1)
    rest = [*ops[cut:], ("advance", 10_000.0)]
    assert run(copy, rest, now) == run(session, rest, now)
    assert copy.to_dict() == session.to_dict()


@FAST
@given(routine=routines(), start=st.floats(min_value=0, max_value=2e9))
def test_without_operations_the_last_event_is_at_total_s(routine: Routine, start: float) -> None:
    timeline = plan(routine)
    session = SessionMachine(timeline)
    dues = session.start(start)
    while (due := session.next_due()) is not None:
        got = session.advance(due)
        assert got, "next_due named a time at which nothing fell due"
        dues += got
    assert [d.index for d in dues] == list(range(len(timeline.events)))
    assert [d.event for d in dues] == list(timeline.events)
    assert dues[-1].event.at_s == timeline.total_s
    assert dues[-1].due_at == pytest.approx(start + timeline.total_s, abs=1e-5)
    assert session.elapsed_active_s == pytest.approx(timeline.total_s, abs=1e-5)


@FAST
@given(routine=routines(), ops=operations(("advance", "pause", "resume", "add_time")))
def test_without_skip_or_back_no_event_is_ever_left_out(routine: Routine, ops: list[Op]) -> None:
    timeline = plan(routine)
    session = SessionMachine(timeline)
    dues = session.start(T0)
    more, now = run(session, [op for op in ops if op[0] != "stop"], T0)
    dues += [due for batch in more for due in batch]
    if not session.state.closed:
        if session.state is SessionState.PAUSED:
            dues += session.resume(now)
        dues += session.advance(now + 100_000)
    assert session.state is SessionState.FINISHED
    firsts = list(dict.fromkeys(d.index for d in dues))
    assert firsts == list(range(len(timeline.events)))  # each at least once, in plan order
    again = {d.event.kind for d in dues if d.index in _seen_twice(dues)}
    assert again <= {CueKind.COUNTDOWN, CueKind.CUE}  # only a hold's last seconds are said again
    added = session.added_s
    assert dues[-1].event.at_s == pytest.approx(timeline.total_s + added)


def _seen_twice(dues: list[Due]) -> set[int]:
    seen: set[int] = set()
    twice: set[int] = set()
    for due in dues:
        (twice if due.index in seen else seen).add(due.index)
    return twice


@FAST
@given(routine=routines(), ops=operations(("advance", "pause", "resume")))
def test_pauses_shift_every_event_by_exactly_the_time_paused(
    routine: Routine, ops: list[Op]
) -> None:
    timeline = plan(routine)
    session = SessionMachine(timeline)
    dues = session.start(T0)
    now = T0
    paused_before: list[float] = []  # paused time when each due was delivered
    for op, gap in [op for op in ops if op[0] != "stop"]:
        now += gap
        got = apply(session, op, now)
        dues += got
        paused_before += [session.paused_total_s] * len(got)
    if session.state is SessionState.PAUSED:
        now += 1
        got = session.resume(now)
        dues += got
        paused_before += [session.paused_total_s] * len(got)
    if not session.state.closed:
        got = session.advance(now + 100_000)
        dues += got
        paused_before += [session.paused_total_s] * len(got)
    assert [d.event for d in dues] == list(timeline.events)
    for due, paused in zip(dues[1:], paused_before, strict=True):
        assert due.due_at == pytest.approx(T0 + due.event.at_s + paused, abs=1e-5)
