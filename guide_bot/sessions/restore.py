"""After a restart: pick up every stored session, continuing or pausing it.

The rule (docs/bot.md): a running session whose next cue is at most `CONTINUE_WITHIN_S` late is
continued at the right step and time (missed cues are delivered at once, stale countdowns
dropped). One that is later is paused where the bot last left it, with a message and a Resume
button, so the user misses nothing. A paused session stays paused. A session whose routine is gone
or has changed (its stored data no longer fits) is ended as stopped in the history, with a message.

It works in two phases so that the bot answers at once even with many sessions stored: first every
session is rebuilt in memory and taken in (its buttons work from then on), without any request to
a front end; then what the front ends say and the runs are done in the background.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from guide_bot.domain.routine import Routine
from guide_bot.domain.session import SessionDataError, SessionMachine, SessionState
from guide_bot.domain.timeline import Timeline
from guide_bot.logsafe_errors import error_summary
from guide_bot.sessions.live import LiveSession
from guide_bot.sessions.plans import RoutineRefused, played_routine, rebuild_plan
from guide_bot.storage.sessions import StoredSession

if TYPE_CHECKING:
    from guide_bot.sessions.service import SessionService

log = logging.getLogger(__name__)

CONTINUE_WITHIN_S = 60.0
SAY_LATE_AFTER_S = 5.0  # a restart that made a cue later than this is mentioned

FollowUp = Callable[[], Awaitable[None]]


def restore_all(service: SessionService) -> tuple[dict[str, int], list[FollowUp]]:
    """Take every stored session in; returns counts by outcome and the follow-ups to run."""
    counts = {"continued": 0, "paused": 0, "kept_paused": 0, "lost": 0}
    follow_ups: list[FollowUp] = []
    plans = _Plans()
    blocked = service.users.blocked_user_ids()
    now = service.clock.now()
    for record in service.store.all():
        try:
            outcome, follow_up = _take_in(service, record, blocked, now, plans)
        except Exception as exc:
            log.error(
                "chat %s: could not restore its session: %s", record.chat_id, error_summary(exc)
            )
            outcome, follow_up = "lost", _lost(service, record, notify=False)
        counts[outcome] += 1
        if follow_up is not None:
            follow_ups.append(follow_up)
    log.info("restored sessions: %s", counts)
    return counts, follow_ups


class _Plans:
    """Rebuilt timelines by routine and plan inputs: sessions on the same plan share one.

    Rebuilding is the costly part of taking a session in, and thousands of stored sessions run
    on a few plans; a shared timeline also lets the engine reuse its digest and shape.
    """

    def __init__(self) -> None:
        self._built: dict[tuple[int, str], tuple[Routine, Routine, Timeline]] = {}

    def get(self, routine: Routine, inputs: dict[str, Any]) -> Timeline:
        """The timeline of the routine as the session played it."""
        return self.played(routine, inputs)[1]

    def played(self, routine: Routine, inputs: dict[str, Any]) -> tuple[Routine, Timeline]:
        """The routine as the session played it (length, adaptation) and its timeline."""
        key = (id(routine), json.dumps(inputs, sort_keys=True, default=str))
        found = self._built.get(key)
        if found is not None and found[0] is routine:  # the routine is kept, so its id is too
            return found[1], found[2]
        played = played_routine(routine, inputs)
        timeline = rebuild_plan(played, inputs)
        self._built[key] = (routine, played, timeline)
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
    routine = service.catalog.library.get(record.routine_id)
    found = _rebuilt(record, routine, plans, quiet=True) if routine is not None else None
    if found is None:
        routine = service.catalog.find(record.user_id, record.routine_id)
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
