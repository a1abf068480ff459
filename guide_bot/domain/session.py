"""The session state machine: where a user is in a timeline, moved only by `now` passed in.

A `SessionMachine` runs one `Timeline`. Every operation takes the wall-clock time (epoch
seconds) and returns the events that fell due up to that moment, in order, as `Due` items;
`next_due()` says when the next one is due, so a scheduler can call `advance(next_due())`.
Nothing here reads a clock or sleeps.

Choices worth knowing:
- A late `advance` (or any operation after a gap) delivers every missed event, in order, each
  with the time it was due: nothing is summarised and the end of a step is never skipped
  silently. The caller decides whether to speak stale cues.
- Every operation first catches up to `now`, then acts. A refused operation raises a
  `SessionError` subclass and leaves the session unchanged (the caught-up events stay pending).
- Pausing freezes the plan offset exactly; resuming continues from it.
- `skip` jumps to the next step's announcement (on the last step it finishes the session with
  `complete`); `back` restarts the current step from its announcement, and pressed again within
  BACK_GRACE_S of a step's start it goes to the step before, like a music player's "previous"
  (on the first step it restarts step 1; while getting ready, the get-ready). While paused both
  only move the position: the announcement is delivered on `resume`.
- `add_time` extends the current hold: its remaining cues, its release and everything after move
  later; if the countdown had begun, it is said again at the new times. The added time stays in
  the plan if the step is repeated with `back`.
- `now` earlier than the latest time seen (the wall clock stepped back) is treated as that time.
"""

from __future__ import annotations

import functools
from dataclasses import replace

from guide_bot.domain.routine import MAX_HOLD_S
from guide_bot.domain.session_shape import EPS, SessionShape
from guide_bot.domain.session_store import SessionCore, core_from_dict, core_to_dict
from guide_bot.domain.session_types import (
    AlreadyPaused,
    AlreadyStarted,
    Due,
    NotInHold,
    NotPaused,
    NotStarted,
    Position,
    SessionClosed,
    SessionDataError,
    SessionError,
    SessionState,
)
from guide_bot.domain.timeline import Timeline

__all__ = [
    "AlreadyPaused",
    "AlreadyStarted",
    "Due",
    "NotInHold",
    "NotPaused",
    "NotStarted",
    "Position",
    "SessionClosed",
    "SessionDataError",
    "SessionError",
    "SessionMachine",
    "SessionState",
]

ADD_TIME_S = 15.0
BACK_GRACE_S = 3.0  # `back` this soon after a step began goes to the previous step


@functools.lru_cache(maxsize=256)
def _shape_of(timeline: Timeline) -> SessionShape:
    """The shape of a timeline, shared by the sessions on it (it is frozen, as is the shape)."""
    return SessionShape.of(timeline)


class SessionMachine:
    """One run of a timeline; mutable, but each operation either fully applies or raises."""

    def __init__(self, timeline: Timeline, core: SessionCore | None = None) -> None:
        self._timeline = timeline
        self._shape = _shape_of(timeline)
        self._core = core or SessionCore()
        self._times_for: tuple[tuple[int, float], ...] | None = None
        self._times: list[float] = []

    # ----------------------------------------------------------------- readings
    @property
    def timeline(self) -> Timeline:
        """The plan this session runs (without added time)."""
        return self._timeline

    @property
    def state(self) -> SessionState:
        """ready, running, paused, finished or stopped."""
        return self._core.state

    @property
    def started_at(self) -> float | None:
        """Wall time of `start`, None before."""
        return self._core.started_at

    @property
    def updated_at(self) -> float | None:
        """The latest time the session has accounted up to (its end time once closed)."""
        return self._core.updated_at

    @property
    def paused_total_s(self) -> float:
        """Seconds spent paused, up to `updated_at`."""
        return self._core.paused_total_s

    @property
    def elapsed_active_s(self) -> float:
        """Seconds spent running, up to `updated_at`."""
        return self._core.active_total_s

    @property
    def added_s(self) -> float:
        """Seconds added to holds with `add_time`."""
        return sum(seconds for _, seconds in self._core.shifts)

    @property
    def total_s(self) -> float:
        """The length of the session's plan, including added time."""
        return self._times_now()[-1]

    def event_times(self) -> tuple[float, ...]:
        """The at_s of every event of the timeline in this session's plan, added time included.

        Index i is `timeline.events[i]` moved later by the time added before it; displays that
        show when a cue or a hold falls due (the live view) read it with `position`.
        """
        return tuple(self._times_now())

    def next_due(self) -> float | None:
        """Wall time at which the next event falls due; None unless running."""
        core = self._core
        if core.state is not SessionState.RUNNING or core.cursor >= len(self._timeline.events):
            return None
        at = self._times_now()[core.cursor]
        return max(core.anchor_wall + (at - core.anchor_offset), core.updated_at or 0.0)

    def position(self, now: float) -> Position:
        """Where the session is at `now`, without delivering anything."""
        core = self._core
        times = self._times_now()
        now = max(now, core.updated_at or now)
        since = now - (core.updated_at or now)
        offset = self._offset(core, now)
        active, paused = core.active_total_s, core.paused_total_s
        if core.state is SessionState.RUNNING:
            active += since
        elif core.state is SessionState.PAUSED:
            paused += since
        step, side, hold_left = self._shape.locate(times, offset)
        return Position(
            state=core.state,
            step=step,
            step_count=self._timeline.step_count,
            side=side,
            in_hold=hold_left is not None,
            hold_left_s=hold_left,
            offset_s=offset,
            total_s=times[-1],
            elapsed_active_s=active,
            paused_total_s=paused,
        )

    # --------------------------------------------------------------- operations
    def start(self, now: float) -> list[Due]:
        """Start the session at `now`; returns the events due at once (the get-ready cue)."""
        if self._core.state.closed:
            raise SessionClosed(f"the session is {self._core.state.value}")
        if self._core.state is not SessionState.READY:
            raise AlreadyStarted("the session has already started")
        core = SessionCore(
            state=SessionState.RUNNING, anchor_wall=now, started_at=now, updated_at=now
        )
        return self._commit(*self._deliver(core, now))

    def advance(self, now: float) -> list[Due]:
        """Deliver every event that has fallen due up to `now`, in order (late ones too)."""
        core, now, dues = self._catch_up(now)
        self._core = core
        return dues

    def pause(self, now: float) -> list[Due]:
        """Freeze the session at `now`; returns the events that fell due before it."""
        self._require_open()
        if self._core.state is SessionState.PAUSED:
            raise AlreadyPaused("the session is already paused")
        core, now, dues = self._catch_up_open(now)
        core = replace(
            core, state=SessionState.PAUSED, anchor_offset=self._offset(core, now), anchor_wall=now
        )
        return self._commit(core, dues)

    def resume(self, now: float) -> list[Due]:
        """Continue a paused session from where it was frozen."""
        self._require_open()
        if self._core.state is not SessionState.PAUSED:
            raise NotPaused("the session is not paused")
        core, now, dues = self._catch_up(now)
        core = replace(core, state=SessionState.RUNNING, anchor_wall=now)
        more_core, more = self._deliver(core, now)
        return self._commit(more_core, dues + more)

    def skip(self, now: float) -> list[Due]:
        """Go to the next step's announcement; on the last step, finish with `complete`."""
        self._require_open()
        core, now, dues = self._catch_up_open(now)
        step = self._shape.step_at(self._times_now(core), self._offset(core, now)) or 0
        if step >= len(self._shape.announce):
            return self._commit(*self._finish_now(core, now, dues))
        return self._jump(core, now, dues, self._shape.announce[step])

    def back(self, now: float) -> list[Due]:
        """Restart the current step; within BACK_GRACE_S of its start, go to the step before."""
        self._require_open()
        core, now, dues = self._catch_up_open(now)
        times, offset = self._times_now(core), self._offset(core, now)
        step = self._shape.step_at(times, offset)
        if step is None:
            return self._jump(core, now, dues, 0)
        if step > 1 and offset - times[self._shape.announce[step - 1]] < BACK_GRACE_S:
            step -= 1  # pressed again at the very start of a step: to the one before
        return self._jump(core, now, dues, self._shape.announce[step - 1])

    def add_time(self, now: float, seconds: float = ADD_TIME_S) -> list[Due]:
        """Extend the current hold by `seconds`; raises NotInHold outside a hold."""
        if not 0 < seconds <= MAX_HOLD_S:  # also refuses NaN, which would poison the plan
            raise ValueError(f"added time must be positive and at most {MAX_HOLD_S} s")
        self._require_open()
        core, now, dues = self._catch_up_open(now)
        hold = self._shape.hold_around(core.cursor)
        if hold is None:
            raise NotInHold("time can be added only during a hold")
        threshold = core.cursor
        if hold.countdown and hold.countdown[0] < core.cursor:
            threshold = hold.countdown[0]  # the countdown had begun: say it again, later
        core = replace(core, cursor=threshold, shifts=(*core.shifts, (threshold, float(seconds))))
        return self._commit(core, dues)

    def stop(self, now: float) -> list[Due]:
        """End the session early. If it had already run to its end, it is finished instead."""
        self._require_open(allow_ready=True)
        if self._core.state is SessionState.READY:
            self._core = replace(self._core, state=SessionState.STOPPED)
            return []
        core, now, dues = self._catch_up(now)
        if core.state is SessionState.RUNNING:
            core = replace(core, anchor_offset=self._offset(core, now), anchor_wall=now)
        if not core.state.closed:
            core = replace(core, state=SessionState.STOPPED)
        return self._commit(core, dues)

    # ---------------------------------------------------------------- storage
    def to_dict(self) -> dict[str, object]:
        """A plain JSON-able dict of the session, for `from_dict` after a restart."""
        return core_to_dict(self._core, self._timeline)

    @classmethod
    def from_dict(cls, data: object, timeline: Timeline) -> SessionMachine:
        """Rebuild a stored session on its timeline; SessionDataError if it does not fit."""
        return cls(timeline, core_from_dict(data, timeline))

    # ---------------------------------------------------------------- internals
    def _times_now(self, core: SessionCore | None = None) -> list[float]:
        """The at_s of every event in the plan of `core` (default: the committed one)."""
        shifts = (core or self._core).shifts
        if self._times_for != shifts:
            self._times, self._times_for = self._shape.times(shifts), shifts
        return self._times

    @staticmethod
    def _offset(core: SessionCore, now: float) -> float:
        if core.state is SessionState.RUNNING:
            return core.anchor_offset + (now - core.anchor_wall)
        return core.anchor_offset

    def _require_open(self, *, allow_ready: bool = False) -> None:
        state = self._core.state
        if state.closed:
            raise SessionClosed(f"the session is {state.value}")
        if state is SessionState.READY and not allow_ready:
            raise NotStarted("the session has not started")

    def _commit(self, core: SessionCore, dues: list[Due]) -> list[Due]:
        self._core = core
        return dues

    def _catch_up(self, now: float) -> tuple[SessionCore, float, list[Due]]:
        """The core and due events at `now`, without committing them; `now` never goes back."""
        self._require_open()
        core = self._core
        assert core.updated_at is not None  # started
        now = max(now, core.updated_at)
        if core.state is SessionState.PAUSED:
            paused = core.paused_total_s + (now - core.updated_at)
            return replace(core, paused_total_s=paused, updated_at=now), now, []
        core, dues = self._deliver(core, now)
        return core, now, dues

    def _catch_up_open(self, now: float) -> tuple[SessionCore, float, list[Due]]:
        core, now, dues = self._catch_up(now)
        if core.state.closed:
            raise SessionClosed("the session ran to its end before this")
        return core, now, dues

    def _deliver(self, core: SessionCore, now: float) -> tuple[SessionCore, list[Due]]:
        """Hand out the events of a running core due by `now`; finish on the last one."""
        if core.state is not SessionState.RUNNING:
            return core, []
        assert core.updated_at is not None
        times = self._times_now(core)
        events = self._timeline.events
        offset = self._offset(core, now)
        cursor, floor, dues = core.cursor, core.updated_at, []
        while cursor < len(events) and times[cursor] <= offset + EPS:
            due_at = min(now, max(floor, core.anchor_wall + (times[cursor] - core.anchor_offset)))
            last = cursor == len(events) - 1
            state = SessionState.FINISHED if last else SessionState.RUNNING
            event = replace(events[cursor], at_s=times[cursor])
            dues.append(Due(event=event, index=cursor, due_at=due_at, state=state))
            cursor += 1
            if last:
                active = core.active_total_s + (due_at - core.updated_at)
                done = replace(
                    core,
                    state=state,
                    cursor=cursor,
                    anchor_offset=times[-1],
                    active_total_s=active,
                    updated_at=due_at,
                )
                return done, dues
        active = core.active_total_s + (now - core.updated_at)
        return replace(core, cursor=cursor, active_total_s=active, updated_at=now), dues

    def _finish_now(
        self, core: SessionCore, now: float, dues: list[Due]
    ) -> tuple[SessionCore, list[Due]]:
        """Skip past the last step: deliver `complete` at once, even from a pause."""
        times = self._times_now(core)
        last = len(times) - 1
        event = replace(self._timeline.events[last], at_s=times[last])
        done = Due(event=event, index=last, due_at=now, state=SessionState.FINISHED)
        core = replace(
            core, state=SessionState.FINISHED, cursor=last + 1, anchor_offset=times[last]
        )
        return core, [*dues, done]

    def _jump(self, core: SessionCore, now: float, dues: list[Due], index: int) -> list[Due]:
        """Move the position to event `index`; a running session delivers it at once."""
        at = self._times_now(core)[index]
        core = replace(core, cursor=index, anchor_offset=at, anchor_wall=now)
        core, more = self._deliver(core, now)
        return self._commit(core, dues + more)
