"""After a restart: pick up every stored session, continuing or pausing it.

The rule (docs/bot.md): a running session whose next cue is at most `CONTINUE_WITHIN_S` late is
continued at the right step and time (missed cues are delivered at once, stale countdowns
dropped). One that is later is paused where the bot last left it, with a message and a Resume
button, so the user misses nothing. A paused session stays paused. A session whose routine is gone
or has changed (its stored data no longer fits) is ended as stopped in the history, with a message.

The bot answers before the sessions are back (`Restorer`): at start-up only the keys of the stored
sessions are read (chat and user, one small query); the sessions themselves are taken in by a
background task in batches of `BATCH`, yielding to the event loop between batches, and a chat that
is touched before its batch came (a button, a command, the live view) has its session taken in
at once, from its own row. What the front ends say about a restored session (a late cue, "paused
after a restart") and its runs are follow-ups, done a few at a time in the background.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from itertools import islice
from typing import TYPE_CHECKING, Any

from guide_bot.domain.routine import Routine
from guide_bot.domain.session import SessionDataError, SessionMachine, SessionState
from guide_bot.domain.timeline import Timeline
from guide_bot.logsafe_errors import error_summary
from guide_bot.sessions.live import LiveSession
from guide_bot.sessions.plans import (
    RoutineRefused,
    played_routine,
    rebuild_plan,
    session_language,
)
from guide_bot.storage.sessions import StoredSession

if TYPE_CHECKING:
    from guide_bot.sessions.service import SessionService

log = logging.getLogger(__name__)

CONTINUE_WITHIN_S = 60.0
SAY_LATE_AFTER_S = 5.0  # a restart that made a cue later than this is mentioned

FollowUp = Callable[[], Awaitable[None]]


BATCH = 15  # sessions taken in per turn of the event loop (1.5-2 ms of work: an update waits
# at most that long between its own turns, and answering /help takes about 40 of them; each batch
# is one query of about 0.35 ms, so smaller batches make the whole restore slower)
FOLLOW_UPS_AT_ONCE = 8  # follow-ups in flight (the Bot API client's own gate is 8 calls)


class Restorer:
    """Takes the stored sessions in: in batches in the background, or a chat at once when it is
    touched first (`take`). Counts outcomes in `counts`."""

    def __init__(self, service: SessionService) -> None:
        self._service = service
        self.counts = {"continued": 0, "paused": 0, "kept_paused": 0, "lost": 0}
        self._pending: dict[int, int] = {}  # chat -> user of the sessions not taken in yet
        self._plans = _Plans()
        self._blocked: set[int] = set()
        self._follow_ups: deque[FollowUp] = deque()
        self._wake = asyncio.Event()
        self._taking = False

    def begin(self) -> None:
        """Read which sessions are stored (not the sessions themselves)."""
        self._pending = dict(self._service.store.keys())
        self._blocked = self._service.users.blocked_user_ids()
        self._taking = bool(self._pending)

    @property
    def pending(self) -> int:
        """How many stored sessions are not taken in yet."""
        return len(self._pending)

    def take(self, chat_id: int) -> None:
        """Take the chat's stored session in now, if it is still waiting for its batch."""
        if self._pending.pop(chat_id, None) is None:
            return
        record = self._service.store.get(chat_id)
        if record is not None:
            self._take(record)

    def take_user(self, user_id: int) -> None:
        """Take in every waiting session this person started (any chat)."""
        for chat_id in [c for c, u in self._pending.items() if u == user_id]:
            self.take(chat_id)

    async def run(self) -> None:
        """Take the sessions in, batch by batch, and carry out their follow-ups meanwhile."""
        worker = asyncio.create_task(self._follow())
        try:
            while self._pending:
                self._take_batch()
                await asyncio.sleep(0)  # updates and runs go on between batches
            log.info("restored sessions: %s", self.counts)
        finally:
            self._taking = False
            self._wake.set()
        await worker

    def _take_batch(self) -> None:
        chats = list(islice(self._pending, BATCH))
        for record in self._service.store.some(chats):
            if self._pending.pop(record.chat_id, None) is not None:
                self._take(record)
        for chat_id in chats:  # rows gone meanwhile (the session ended elsewhere)
            self._pending.pop(chat_id, None)

    def _take(self, record: StoredSession) -> None:
        service = self._service
        try:
            outcome, follow_up = _take_in(
                service, record, self._blocked, service.clock.now(), self._plans
            )
        except Exception as exc:
            log.error(
                "chat %s: could not restore its session: %s", record.chat_id, error_summary(exc)
            )
            outcome, follow_up = "lost", _lost(service, record, notify=False)
        self.counts[outcome] += 1
        if follow_up is not None:
            self._follow_ups.append(follow_up)
            self._wake.set()

    async def _follow(self) -> None:
        """Run the follow-ups as they come, a few at a time, until all are taken in and done."""
        window = asyncio.Semaphore(FOLLOW_UPS_AT_ONCE)
        running: set[asyncio.Task[None]] = set()

        async def one(step: FollowUp) -> None:
            try:
                await step()
            except Exception as exc:
                log.error("a restored session's follow-up failed: %s", error_summary(exc))
            finally:
                window.release()

        while self._follow_ups or self._taking:
            if not self._follow_ups:
                self._wake.clear()
                await self._wake.wait()
                continue
            await window.acquire()
            task = asyncio.create_task(one(self._follow_ups.popleft()))
            running.add(task)
            task.add_done_callback(running.discard)
        if running:
            await asyncio.gather(*running)


class _Plans:
    """Rebuilt timelines by routine and plan inputs: sessions on the same plan share one.

    Rebuilding is the costly part of taking a session in, and thousands of stored sessions run
    on a few plans; a shared timeline also lets the engine reuse its digest and shape.
    """

    def __init__(self) -> None:
        self._built: dict[tuple[int, str], tuple[Routine, Routine, Timeline]] = {}
        # sessions read together share one decoded plan (storage/sessions.py `some`): the same
        # object is the same plan, found without writing it out (repr of a plan was 20 us)
        self._same: dict[tuple[int, int], tuple[Routine, dict[str, Any], Routine, Timeline]] = {}

    def get(self, routine: Routine, inputs: dict[str, Any]) -> Timeline:
        """The timeline of the routine as the session played it."""
        return self.played(routine, inputs)[1]

    def played(self, routine: Routine, inputs: dict[str, Any]) -> tuple[Routine, Timeline]:
        """The routine as the session played it (length, adaptation) and its timeline."""
        # repr of the decoded JSON: equal text means equal inputs (a different key order only
        # rebuilds once more); json.dumps(sort_keys=True) per session was 14 % of the start-up
        same = self._same.get((id(routine), id(inputs)))
        if same is not None and same[0] is routine and same[1] is inputs:  # both kept: their
            return same[2], same[3]  # ids are still theirs
        key = (id(routine), repr(inputs))
        found = self._built.get(key)
        if found is not None and found[0] is routine:  # the routine is kept, so its id is too
            played, timeline = found[1], found[2]
        else:
            played = played_routine(routine, inputs)
            timeline = rebuild_plan(played, inputs)
            self._built[key] = (routine, played, timeline)
        self._same[(id(routine), id(inputs))] = (routine, inputs, played, timeline)
        return played, timeline


def _rebuilt(
    record: StoredSession, routine: Routine, plans: _Plans, *, quiet: bool = False
) -> tuple[SessionMachine, Routine] | None:
    """The stored session on this routine's plan (and the routine as played), or None if its
    data does not fit."""
    try:
        played, timeline = plans.played(routine, record.plan)
        return SessionMachine.from_dict(record.state, timeline), played
    except (SessionDataError, RoutineRefused) as exc:
        if not quiet:
            log.warning("chat %s: stored session unusable: %s", record.chat_id, type(exc).__name__)
        return None


def _take_in(
    service: SessionService,
    record: StoredSession,
    blocked: set[int],
    now: float,
    plans: _Plans | None = None,
) -> tuple[str, FollowUp | None]:
    plans = plans or _Plans()
    # Most sessions run a library routine: try it first, without asking the database for the
    # user's own routines (a query per session at start-up). The stored plan digest tells
    # whether the session really ran on it; if not, the user's routine is looked up as usual.
    # A session in another language runs on the routine's translation in it.
    language = session_language(record.plan)
    routine = service.catalog.library.get(record.routine_id)
    if routine is not None:
        routine = service.catalog.localized(routine, language)
    found = _rebuilt(record, routine, plans, quiet=True) if routine is not None else None
    if found is None:
        routine = service.catalog.find(record.user_id, record.routine_id)
        if routine is not None:
            routine = service.catalog.localized(routine, language)
        found = _rebuilt(record, routine, plans) if routine is not None else None
    if found is None or found[0].state.closed or record.user_id in blocked:
        return "lost", _lost(service, record, notify=record.user_id not in blocked)
    session, played = found
    live = LiveSession(record=record, session=session, routine=played)
    service.adopt(live)
    if session.state is not SessionState.RUNNING:
        return "kept_paused", None
    due = session.next_due()
    if live.hands_free or due is None or now - due <= CONTINUE_WITHIN_S:
        # a hands-free track plays on in the player whatever the bot does: never paused here
        late = not live.hands_free and due is not None and now - due > SAY_LATE_AFTER_S

        async def go_on() -> None:
            await service.continue_restored(live, late=late)

        return "continued", go_on
    updated = session.updated_at or now
    session.pause(updated)  # at once, so that its buttons act on a paused session

    async def tell() -> None:
        await service.announce_paused(live, updated)

    return "paused", tell


def _lost(service: SessionService, record: StoredSession, *, notify: bool) -> FollowUp:
    async def close() -> None:
        await service.close_lost(record, notify=notify)

    return close
