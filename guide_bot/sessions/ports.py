"""The session service's ports: what it needs from outside, and what it tells the front ends.

A front end (the Telegram chat, the live view, a speaker) implements `FrontEnd` and is attached to
the service; the service calls it for every session event, and every attached front end hears
every event of every session. A front end that follows only some sessions ignores the others.
The service imports no front end: adding one means writing one class against `FrontEnd`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from guide_bot.domain.session import Due, Position, SessionState

if TYPE_CHECKING:
    from guide_bot.sessions.live import LiveSession
    from guide_bot.storage.sessions import StoredSession

StepCallback = Callable[[int], Awaitable[None]]


@dataclass(frozen=True, kw_only=True, slots=True)
class Ended:
    """How a session ended: its history entry (for the pain rating after) and whether complete."""

    entry_id: int
    completed: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class Acted:
    """A user action that was carried out: which, and the session's state before it."""

    action: str
    before: SessionState
    now: float


class FrontEnd(Protocol):
    """Something that shows sessions to people: it renders the service's events."""

    async def delivered(self, live: LiveSession, dues: Sequence[Due], now: float) -> None:
        """Events fell due (cues, step announcements, the end): show or say them, in order."""
        ...

    async def undelivered(self, live: LiveSession) -> None:
        """Messages of the session could not be delivered and it was paused: send them again
        with a word on why it is paused, emptying `live.undelivered` once they arrived."""
        ...

    async def storage_trouble(self, live: LiveSession, trouble: str) -> None:
        """Storing fails (`trouble`: "full" disk, or "failing"): the session goes on and what
        could not be stored is kept until it can be. Said once per user and outage."""
        ...

    async def acted(self, live: LiveSession, acted: Acted) -> None:
        """A user action changed the session (after its events were delivered)."""
        ...

    async def speech_unavailable(self, live: LiveSession) -> None:
        """The session asked for speech and none works: it carries on in text."""
        ...

    async def ended(self, live: LiveSession, ended: Ended, *, notify: bool, ask_pain: bool) -> None:
        """The session is over and stored in the history (`notify`: tell the user)."""
        ...

    async def restored_late(self, live: LiveSession) -> None:
        """After a restart the session continues, some seconds late."""
        ...

    async def restored_paused(self, live: LiveSession, where: Position) -> None:
        """After a restart the session was paused where the bot left it."""
        ...

    async def restored_lost(self, record: StoredSession) -> None:
        """After a restart the session could not be picked up (its routine changed or is gone)."""
        ...


class StepScheduler(Protocol):
    """Runs `callback(chat_id)` at wall time `at`; scheduling again replaces the pending one."""

    def schedule(self, chat_id: int, at: float, callback: StepCallback) -> None:
        """Run the callback for this chat at `at` (epoch seconds), replacing any pending one."""
        ...

    def cancel(self, chat_id: int) -> None:
        """Forget the chat's pending callback, if any."""
        ...
