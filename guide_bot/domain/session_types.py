"""Value types of the session state machine: its states, what it hands out, and its refusals.

Kept apart from the machine itself (session.py) so that adapters can import the small vocabulary
without the logic; session.py re-exports every name here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from guide_bot.domain.timeline import TimelineEvent


class SessionState(StrEnum):
    """Where a session is in its life; the values are stored in `SessionMachine.to_dict()`."""

    READY = "ready"  # built, not started
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"  # the `complete` event was delivered
    STOPPED = "stopped"  # the user ended it early

    @property
    def closed(self) -> bool:
        """Whether the session has ended and refuses every operation."""
        return self in (SessionState.FINISHED, SessionState.STOPPED)


@dataclass(frozen=True, kw_only=True, slots=True)
class Due:
    """One event handed out by the session: what to say, when it fell due, and the state after it.

    `event.at_s` is the offset in the session's own plan, which is the routine's timeline moved
    later by any time the user added; `due_at` is the wall-clock time (epoch seconds) at which it
    fell due, so `now - due_at` says how late it is delivered.
    """

    event: TimelineEvent
    index: int  # position of the event in the timeline; a repeated step repeats indices
    due_at: float
    state: SessionState


@dataclass(frozen=True, kw_only=True, slots=True)
class Position:
    """Where a session is at a moment, for displays (a pure reading: nothing is delivered)."""

    state: SessionState
    step: int | None  # 1-based; None while getting ready
    step_count: int
    side: str | None  # the side of the current or latest hold of this step
    in_hold: bool
    hold_left_s: float | None  # seconds left in the current hold, None outside a hold
    offset_s: float  # where in the session's plan (seconds from its start)
    total_s: float  # the plan's length, including added time
    elapsed_active_s: float  # running time so far
    paused_total_s: float  # paused time so far

    @property
    def remaining_s(self) -> float:
        """Seconds of the plan still ahead."""
        return max(0.0, self.total_s - self.offset_s)


class SessionError(Exception):
    """An operation the session refuses in its current state; the message says why."""


class SessionClosed(SessionError):
    """The session was finished or stopped; nothing more can be done with it."""


class NotStarted(SessionError):
    """The session was built but not started yet."""


class AlreadyStarted(SessionError):
    """`start` on a session that has already been started."""


class NotPaused(SessionError):
    """`resume` on a session that is not paused."""


class AlreadyPaused(SessionError):
    """`pause` on a session that is already paused."""


class NotInHold(SessionError):
    """`add_time` outside a hold: there is no hold to extend."""


class SessionDataError(SessionError, ValueError):
    """A stored session dict is malformed or belongs to another plan."""
