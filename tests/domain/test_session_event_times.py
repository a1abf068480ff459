"""Session.event_times: the plan's event offsets with the time added by +15 s."""

from __future__ import annotations

import pytest

from guide_bot.domain.clock import FakeClock
from guide_bot.domain.cues import CueKind
from guide_bot.domain.session import SessionMachine as Session
from guide_bot.domain.timeline import Timeline


def test_event_times_follow_added_time(two_steps: Timeline, clock: FakeClock) -> None:
    session = Session(two_steps)
    base = [event.at_s for event in two_steps.events]
    assert session.event_times() == tuple(base)  # before start: the plan as planned
    t0 = clock.now()
    session.start(t0)
    first_hold = two_steps.holds[0]
    at = first_hold.start_s + 1.0
    session.add_time(t0 + at)
    times = session.event_times()
    later = next(i for i, t in enumerate(base) if t > at)  # the hold's next cue and all after it
    assert two_steps.events[later].kind is not CueKind.HOLD_START
    assert times[:later] == pytest.approx(base[:later])
    assert times[later:] == pytest.approx([t + 15.0 for t in base[later:]])
    assert times[-1] == pytest.approx(session.total_s)
