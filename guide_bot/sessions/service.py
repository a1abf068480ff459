"""The session service: starts, controls, runs and ends every session in progress.

Each front end (the Telegram chat, the live view, a speaker) turns a person's action into one
call here and renders what the service tells it through the `FrontEnd` port (sessions/ports.py);
this module imports no front end. Per session there is one lock, so a scheduled run and an action
from any front end never interleave, and one scheduled run at the session's next due time (at
least `MIN_GAP_S` after the last message, so cues close together go out as one message and a chat
stays under about one message a second). An error in one session is logged and never reaches
another.

Storing: a start, a user action and a restore are stored at once, once each. The progress of a
scheduled run (which cues were said) is stored within `SAVE_DELAY_S`, all sessions that moved in
one transaction: one commit per run was a fifth of the bot's CPU at a thousand sessions
(bench/README.md). If the process dies in that second, the restore says those cues again: at
least once, never lost. Stopping the bot stores everything first (`flush`). Ending a session
writes its history entry and removes the stored session in one transaction.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from guide_bot.config import Settings
from guide_bot.domain.clock import Clock
from guide_bot.domain.reading import speaking_time_s
from guide_bot.domain.routine import Routine
from guide_bot.domain.session import Due, SessionError, SessionMachine, SessionState
from guide_bot.domain.timeline import SpeakTime
from guide_bot.library.catalog import Catalog
from guide_bot.logsafe_errors import error_summary
from guide_bot.progress.history import HistoryEntry
from guide_bot.sessions.live import LiveSession
from guide_bot.sessions.plans import PlanChoice, build_plan, played_routine
from guide_bot.sessions.ports import Acted, Ended, FrontEnd, StepScheduler
from guide_bot.sessions.restore import Restorer
from guide_bot.sessions.store import SessionStore
from guide_bot.speech.service import SpeechService
from guide_bot.storage.sessions import StoredSession
from guide_bot.storage.users import UserRepository

log = logging.getLogger(__name__)

MIN_GAP_S = 1.0
SAVE_DELAY_S = 1.0
REPORT_GRACE_S = 60.0  # hands-free: ask how it went this long after the track's end


class HandsFreeSession(SessionError):
    """Pause, skip and the like on a hands-free session: the player's own controls do that."""


Op = Callable[[SessionMachine, float], list[Due]]

OPS: dict[str, Op] = {
    "pause": lambda s, t: s.pause(t),
    "resume": lambda s, t: s.resume(t),
    "skip": lambda s, t: s.skip(t),
    "back": lambda s, t: s.back(t),
    "add": lambda s, t: s.add_time(t),
}


def _advance(session: SessionMachine, now: float) -> list[Due]:
    return session.advance(now)


class SessionService:
    """Every session in progress, keyed by chat; one source of truth for every front end."""

    def __init__(
        self,
        *,
        clock: Clock,
        store: SessionStore,
        users: UserRepository,
        catalog: Catalog,
        scheduler: StepScheduler,
        speech: SpeechService | None,
        settings: Settings,
    ) -> None:
        self.clock = clock
        self.store = store
        self.users = users
        self.catalog = catalog
        self.scheduler = scheduler
        self.speech = speech
        self.settings = settings
        self.live: dict[int, LiveSession] = {}
        self._front_ends: list[FrontEnd] = []
        self._locks: dict[int, asyncio.Lock] = {}
        self._starting: set[int] = set()
        self._background: set[asyncio.Task[LiveSession]] = set()
        self._forgetting: set[int] = set()  # users whose data is being deleted: no new sessions
        self._unsaved: dict[int, LiveSession] = {}  # progress of scheduled runs, see `flush`
        # ends whose history entry could not be stored (a full disk): (chat, session id, entry)
        self._unended: list[tuple[int, str, HistoryEntry]] = []
        self._flush_at: asyncio.TimerHandle | None = None
        self.restoring: asyncio.Task[None] | None = None
        self._restorer: Restorer | None = None  # sessions stored but not taken in yet
        self.text_speak: SpeakTime = speaking_time_s  # cue lengths when no voice measures them

    # --- front ends ---------------------------------------------------------------------------

    def attach(self, front_end: FrontEnd) -> None:
        """Let a front end hear every session event from now on."""
        self._front_ends.append(front_end)

    def detach(self, front_end: FrontEnd) -> None:
        """Stop telling a front end about sessions."""
        if front_end in self._front_ends:
            self._front_ends.remove(front_end)

    @property
    def front_ends(self) -> Sequence[FrontEnd]:
        """The attached front ends, in the order they hear events."""
        return tuple(self._front_ends)

    def now_utc(self) -> datetime:
        """The clock's time as an aware UTC datetime, for storage."""
        return datetime.fromtimestamp(self.clock.now(), UTC)

    # --- looking up ---------------------------------------------------------------------------

    def lock(self, chat_id: int) -> asyncio.Lock:
        """The session's lock: one change at a time per session, sessions independent."""
        return self._locks.setdefault(chat_id, asyncio.Lock())

    def get(self, chat_id: int) -> LiveSession | None:
        """The chat's session in progress (taken in now if the restore has not reached it)."""
        if self._restorer is not None:
            self._restorer.take(chat_id)
        return self.live.get(chat_id)

    def of_user(self, user_id: int) -> list[LiveSession]:
        """Every session in progress that this person started (in any chat)."""
        if self._restorer is not None:
            self._restorer.take_user(user_id)
        return [live for live in self.live.values() if live.user_id == user_id]

    def busy(self, chat_id: int) -> bool:
        """Whether the chat has a session in progress or one being started."""
        return self.get(chat_id) is not None or chat_id in self._starting

    # --- starting -----------------------------------------------------------------------------

    def begin(
        self,
        chat_id: int,
        user_id: int,
        routine: Routine,
        pain_before: int | None,
        choice: PlanChoice | None = None,
    ) -> asyncio.Task[LiveSession] | None:
        """Start a session in the background (planning may synthesize speech for seconds, and
        other chats must not wait for it); None if the chat is busy."""
        if self.busy(chat_id):
            return None
        self._starting.add(chat_id)

        async def starting() -> LiveSession:
            try:
                return await self.start(chat_id, user_id, routine, pain_before, choice)
            finally:
                self._starting.discard(chat_id)

        task = asyncio.create_task(starting())
        self._background.add(task)
        task.add_done_callback(self._started)
        return task

    def _started(self, task: asyncio.Task[LiveSession]) -> None:
        self._background.discard(task)
        error = None if task.cancelled() else task.exception()
        if error is not None:
            log.error("starting a session failed: %s", error_summary(error))

    @property
    def busy_starting(self) -> bool:
        """Whether a session is being started in the background."""
        return bool(self._background)

    async def idle(self) -> None:
        """Wait until the sessions being started in the background are running (tests, bench)."""
        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    async def start(
        self,
        chat_id: int,
        user_id: int,
        routine: Routine,
        pain_before: int | None,
        choice: PlanChoice | None = None,
    ) -> LiveSession:
        """Start a routine in a chat that has no session in progress; with `choice`, in that
        length and adapted to those conditions (RoutineRefused if they rule it out)."""
        async with self.lock(chat_id):
            if self.get(chat_id) is not None:
                raise RuntimeError("the chat already has a session in progress")
            user = self.users.get(user_id)
            library_id = routine.id
            if choice is not None:
                routine = played_routine(routine, choice.to_inputs())
            plan = await build_plan(
                routine,
                user.settings if user else None,
                speech=self.speech,
                defaults=self.settings,
                now=self.clock.now(),
                text_speak=self.text_speak,
                choice=choice,
            )
            now = self.clock.now()
            record = StoredSession(
                chat_id=chat_id,
                user_id=user_id,
                session_id=secrets.token_hex(4),
                version=0,
                routine_id=library_id,
                mode=plan.mode,
                plan=plan.inputs,
                pain_before=pain_before,
                speech_failed=plan.speech_failed,
                started_at=self.now_utc(),
                updated_at=self.now_utc(),
            )
            if user_id in self._forgetting:
                raise RuntimeError("the user asked to forget everything while it was starting")
            live = LiveSession(
                record=record, session=SessionMachine(plan.timeline), routine=routine
            )
            live.speech = plan.speech
            self.live[chat_id] = live
            try:
                if plan.speech_failed:
                    await self._tell(live, lambda f: f.speech_unavailable(live))
                await self._apply(live, lambda s, t: s.start(t), now)
            except Exception:
                self.live.pop(chat_id, None)  # a failed start leaves no half session behind
                self.scheduler.cancel(chat_id)
                raise
            return live

    # --- running ------------------------------------------------------------------------------

    async def run(self, chat_id: int) -> None:
        """The scheduled run: deliver what fell due, then schedule the next run."""
        live = self.live.get(chat_id)
        if live is None:
            return
        async with self.lock(chat_id):
            if self.live.get(chat_id) is not live:
                return
            if live.hands_free:
                await self._ask_report(live)
                return
            try:
                await self._apply(live, _advance, self.clock.now(), save_now=False)
            except Exception as exc:
                log.error("chat %s: session run failed: %s", chat_id, error_summary(exc))
                self._schedule(live)  # try again later rather than stall the session

    async def control(self, chat_id: int, action: str) -> LiveSession | None:
        """Carry out a person's action (pause, resume, skip, back, add) on the chat's session.

        Raises the domain's SessionError when the session refuses it (nothing changed then);
        None when the chat has no session in progress. Stored once, after the front ends acted.
        """
        op = OPS[action]
        live = self.get(chat_id)
        if live is None:
            return None
        if live.hands_free:
            raise HandsFreeSession("a hands-free session is controlled in the audio player")
        async with self.lock(chat_id):
            if self.live.get(chat_id) is not live:
                return None
            before = live.session.state
            now = self.clock.now()
            live.fresh_controls = False
            await self._apply(live, op, now, save_now=None)
            if live.session.state.closed or live.blocked:
                return live
            acted = Acted(action=action, before=before, now=now)
            await self._tell(live, lambda f: f.acted(live, acted))
            self._save(live)
            return live

    async def _ask_report(self, live: LiveSession) -> None:
        """Hands-free: the track has ended a while ago; ask the user once how it went."""
        now = self.clock.now()
        if live.report_asked or now < self.report_at(live):
            self._schedule(live)
            return
        live.report_asked = True
        acted = Acted(action="report_due", before=live.session.state, now=now)
        await self._tell(live, lambda f: f.acted(live, acted))
        self._schedule(live)

    def report_at(self, live: LiveSession) -> float:
        """Hands-free: when to ask how it went (the track's end plus a grace)."""
        length = live.track_s if live.track_s is not None else live.session.timeline.total_s
        return live.record.started_at.timestamp() + length + REPORT_GRACE_S

    async def report(self, chat_id: int, *, completed: bool) -> Ended | None:
        """Hands-free: the user says Done or Stopped early; that ends the session and is what
        its history entry records. None when the chat has no hands-free session."""
        live = self.get(chat_id)
        if live is None or not live.hands_free:
            return None
        async with self.lock(chat_id):
            if self.live.get(chat_id) is not live:
                return None
            live.reported = completed
            live.session.stop(self.clock.now())
            return await self._end(live, notify=True)

    async def _apply(
        self, live: LiveSession, op: Op, now: float, *, save_now: bool | None = True
    ) -> None:
        """Run an operation, deliver its events, then store (now, soon, or by the caller with
        None) and schedule the next run, or end the session."""
        dues = op(live.session, now)  # SessionError propagates before anything changed
        await self._tell(live, lambda f: f.delivered(live, dues, now))
        if live.blocked:
            await self._end(live, notify=False)
            return
        if live.session.state.closed:
            await self._end(live, notify=True)
            return
        if save_now:
            self._save(live)
        elif save_now is not None:
            self._save_soon(live)
        self._schedule(live)

    async def _tell(self, live: LiveSession, call: Callable[[FrontEnd], object]) -> None:
        """Hand one event to every front end; one front end's failure never stops the others."""
        for front_end in self._front_ends:
            if live.blocked:
                return
            try:
                await call(front_end)  # type: ignore[misc]
            except Exception as exc:
                log.error("chat %s: a front end failed: %s", live.chat_id, error_summary(exc))

    def _record_now(self, live: LiveSession) -> None:
        live.record.state = live.session.to_dict()
        live.record.updated_at = self.now_utc()

    def _save(self, live: LiveSession) -> None:
        self._unsaved.pop(live.chat_id, None)
        self._record_now(live)
        self.store.save(live.record)

    def _save_soon(self, live: LiveSession) -> None:
        """Store the session's progress with the next batch (within SAVE_DELAY_S)."""
        self._unsaved[live.chat_id] = live
        self._arm()

    def _arm(self) -> None:
        if self._flush_at is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no loop: the next save, or stopping the bot, stores it
                return
            self._flush_at = loop.call_later(SAVE_DELAY_S, self.flush)

    @property
    def unsaved(self) -> int:
        """How many sessions have progress not stored yet."""
        return len(self._unsaved)

    def flush(self) -> None:
        """Store the progress of every session that moved since the last batch, in one go."""
        if self._flush_at is not None:
            self._flush_at.cancel()
            self._flush_at = None
        self._store_unended()
        batch, self._unsaved = self._unsaved, {}
        moved = [live for chat, live in batch.items() if self.live.get(chat) is live]
        for live in moved:
            self._record_now(live)
        try:
            self.store.update_many([live.record for live in moved])
        except Exception as exc:
            log.error("storing %d sessions failed: %s", len(moved), error_summary(exc))
            for live in moved:  # keep them for the next batch
                self._unsaved.setdefault(live.chat_id, live)
            self._arm()

    def _store_unended(self) -> None:
        """Store the ends kept after a storage failure (their history entries), oldest first."""
        while self._unended:
            chat_id, session_id, entry = self._unended[0]
            try:
                self.store.end(chat_id, entry, session_id)
            except Exception as exc:
                log.error("storing %d kept session ends failed: %s", len(self._unended),
                          error_summary(exc))  # fmt: skip
                self._arm()
                return
            self._unended.pop(0)

    @property
    def unended(self) -> int:
        """How many ended sessions wait for their history entry to be stored."""
        return len(self._unended)

    def _schedule(self, live: LiveSession) -> None:
        if live.hands_free:  # not run step by step: one run, to ask how it went
            if live.report_asked:
                self.scheduler.cancel(live.chat_id)
            else:
                self.scheduler.schedule(live.chat_id, self.report_at(live), self.run)
            return
        due = live.session.next_due()
        if due is None:
            self.scheduler.cancel(live.chat_id)
            return
        self.scheduler.schedule(live.chat_id, max(due, live.last_send_at + MIN_GAP_S), self.run)

    # --- ending -------------------------------------------------------------------------------

    def _history_entry(self, live: LiveSession) -> HistoryEntry:
        session = live.session
        completed = session.state is SessionState.FINISHED
        position = session.position(self.clock.now())
        steps = len(live.routine.steps)
        active_s = session.elapsed_active_s
        steps_done = position.step or 0
        if live.hands_free:  # the bot cannot see the player: what the user reported counts
            completed = bool(live.reported)
            length = live.track_s if live.track_s is not None else session.timeline.total_s
            active_s = length if completed else min(active_s, length)
            starts = session.timeline.step_starts
            steps_done = sum(1 for s in starts if s <= active_s * session.timeline.total_s / length)
        return HistoryEntry(
            user_id=live.record.user_id,
            routine_id=live.record.routine_id,
            started_at=live.record.started_at,
            ended_at=self.now_utc(),
            active_s=round(active_s, 1),
            completed=completed,
            steps_done=steps if completed else steps_done,
            steps_total=steps,
            pain_before=live.record.pain_before,
        )

    async def _end(self, live: LiveSession, *, notify: bool, ask_pain: bool = True) -> Ended:
        """Close the session: history in and stored session out (one transaction), then tell."""
        if not live.session.state.closed:
            live.session.stop(self.clock.now())
        entry = self._history_entry(live)
        self.scheduler.cancel(live.chat_id)
        self._unsaved.pop(live.chat_id, None)
        self.live.pop(live.chat_id, None)
        try:
            entry_id = self.store.end(live.chat_id, entry)
        except Exception as exc:  # a full disk, the database gone: keep the entry, retry it
            log.error(
                "chat %s: storing the end of a session failed, kept to retry: %s",
                live.chat_id,
                error_summary(exc),
            )
            if live.record.user_id not in self._forgetting:  # a forgotten user's is not kept
                self._unended.append((live.chat_id, live.record.session_id, entry))
                self._arm()
            entry_id, ask_pain = 0, False  # no entry yet to rate
        ended = Ended(entry_id=entry_id, completed=entry.completed)
        await self._tell(live, lambda f: f.ended(live, ended, notify=notify, ask_pain=ask_pain))
        return ended

    async def stop(self, chat_id: int, *, ask_pain: bool = True) -> Ended | None:
        """End the chat's session early (a Stop button, /stop, or starting another)."""
        live = self.get(chat_id)
        if live is None:
            return None
        async with self.lock(chat_id):
            if self.live.get(chat_id) is not live:
                return None
            live.session.stop(self.clock.now())
            return await self._end(live, notify=True, ask_pain=ask_pain)

    async def forget(self, user_id: int) -> None:
        """End every session of this person, in every chat, without a word, and start none that
        is still being planned (their data is about to be deleted)."""
        self._forgetting.add(user_id)
        self._unended = [kept for kept in self._unended if kept[2].user_id != user_id]
        try:
            await self.idle()  # a start in progress ends here, refused
            for live in self.of_user(user_id):
                async with self.lock(live.chat_id):
                    if self.live.get(live.chat_id) is live:
                        await self._end(live, notify=False)
        finally:
            self._forgetting.discard(user_id)

    async def on_blocked(self, chat_id: int) -> None:
        """The user blocked the bot: stop their session (no retries) and mark them blocked."""
        live = self.get(chat_id)
        user_id = live.record.user_id if live else chat_id
        self.users.mark_blocked(user_id, self.now_utc())
        if live is None:
            return
        live.blocked = True
        lock = self.lock(chat_id)
        if not lock.locked():  # otherwise the holder ends it when its delivery returns
            async with lock:
                if self.live.get(chat_id) is live:
                    await self._end(live, notify=False)

    # --- after a restart ----------------------------------------------------------------------

    def restore(self) -> Restorer:
        """Pick up every stored session (see docs/bot.md), in the background.

        Only the keys of the stored sessions are read here, so the bot answers at once; a
        background task takes the sessions in, in batches, and carries out what the front ends
        say about them (a late cue, "paused after a restart"); a chat touched before its batch
        came has its session taken in at once (`get`). Its `counts` say the outcomes so far.
        """
        restorer = Restorer(self)
        restorer.begin()
        self._restorer = restorer
        if restorer.pending:
            self.restoring = asyncio.create_task(self._restore(restorer))
        return restorer

    async def _restore(self, restorer: Restorer) -> None:
        try:
            await restorer.run()
        except Exception as exc:  # the rest is taken in when touched
            log.error("restoring sessions failed: %s", error_summary(exc))

    async def restored(self) -> None:
        """Wait until the follow-ups of `restore` are done (tests, benchmarks)."""
        if self.restoring is not None:
            await self.restoring

    def adopt(self, live: LiveSession) -> None:
        """Take a restored session in (used by restore)."""
        self.live[live.chat_id] = live

    async def continue_restored(self, live: LiveSession, *, late: bool) -> None:
        """Go on with a restored running session (saying so if the restart made it late)."""
        if late:
            await self._tell(live, lambda f: f.restored_late(live))
        async with self.lock(live.chat_id):
            if self.live.get(live.chat_id) is live:
                if live.hands_free:  # the track plays on in the player: only the ask is due
                    self._schedule(live)
                    return
                await self._apply(live, _advance, self.clock.now())

    async def announce_paused(self, live: LiveSession, updated: float) -> None:
        """Tell the front ends a restored session was paused where the bot left it; store it."""
        where = live.session.position(updated)
        async with self.lock(live.chat_id):
            await self._tell(live, lambda f: f.restored_paused(live, where))
            self._save(live)

    async def close_lost(self, record: StoredSession, *, notify: bool) -> None:
        """A stored session that cannot go on: into the history as stopped, and forgotten."""
        entry = HistoryEntry(
            user_id=record.user_id,
            routine_id=record.routine_id,
            started_at=record.started_at,
            ended_at=self.now_utc(),
            active_s=float(record.state.get("active_total_s") or 0.0),
            completed=False,
            steps_done=0,
            steps_total=0,
            pain_before=record.pain_before,
        )
        self.store.end(record.chat_id, entry)
        if notify:
            for front_end in self._front_ends:
                try:
                    await front_end.restored_lost(record)
                except Exception as exc:
                    log.error("a front end failed on a lost session: %s", error_summary(exc))


__all__ = ["MIN_GAP_S", "OPS", "Ended", "HandsFreeSession", "SessionService"]
