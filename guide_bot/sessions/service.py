"""The session service: starts, controls, runs and ends every session in progress.

Each front end (the Telegram chat, the live view, a speaker) turns a person's action into one
call here and renders what the service tells it through the `FrontEnd` port (sessions/ports.py);
this module imports no front end. Per session there is one lock, so a scheduled run and an action
from any front end never interleave, and one scheduled run at the session's next due time (at
least `MIN_GAP_S` after the last message, so cues close together go out as one message and a chat
stays under about one message a second). An error in one session is logged and never reaches
another.

Storing (sessions/keeping.py): a start, a user action and a restore at once, the progress of
scheduled runs in batches within `SAVE_DELAY_S`, an end with its history entry in one
transaction. If the process dies in that second, the restore says those cues again: at least
once, never lost. Stopping the bot stores everything first (`flush`). A full disk stops no
session: what could not be stored is kept and stored once writes work again; the front ends tell
each user once per outage (`storage_trouble`).

Undelivered messages: when a front end could not deliver a session message even after its own
retries (Telegram answering 5xx for seconds), the session is paused where it is, so the user
misses nothing, and the service asks the front end to send what was lost again, with a word on
why it is paused, at growing intervals (`REDELIVER_FIRST_S` doubling up to `REDELIVER_MAX_S`)
through the chat's own scheduled run: no other chat waits for it. Nothing is dropped silently.
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
from guide_bot.i18n import DEFAULT_LANGUAGE
from guide_bot.library.catalog import Catalog
from guide_bot.library.uploads import split_user_ref
from guide_bot.logsafe_errors import error_summary
from guide_bot.progress.history import HistoryEntry
from guide_bot.sessions.keeping import Keeping
from guide_bot.sessions.live import LiveSession
from guide_bot.sessions.plans import PlanChoice, build_plan, played_routine
from guide_bot.sessions.ports import Acted, Ended, FrontEnd, StepScheduler
from guide_bot.sessions.restore import Restorer
from guide_bot.sessions.store import SessionStore
from guide_bot.speech.service import SpeechService
from guide_bot.storage.sessions import StoredSession
from guide_bot.storage.user_media import made_for
from guide_bot.storage.users import UserRepository

log = logging.getLogger(__name__)

MIN_GAP_S = 1.0
REPORT_GRACE_S = 60.0  # hands-free: ask how it went this long after the track's end
REDELIVER_FIRST_S = 2.0  # a lost session message is sent again after this, then doubling
REDELIVER_MAX_S = 60.0


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
        self.keeping = Keeping(
            store,
            now_utc=self.now_utc,
            is_live=lambda live: self.live.get(live.chat_id) is live,
            on_kept=self._tell_soon,
        )
        self.restoring: asyncio.Task[None] | None = None
        self._restorer: Restorer | None = None  # sessions stored but not taken in yet
        self.text_speak: SpeakTime = speaking_time_s  # cue lengths when no voice measures them
        self.health = self.keeping.health
        self._telling: set[asyncio.Task[None]] = set()

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
            language = user.language_code if user else DEFAULT_LANGUAGE
            routine = self.catalog.localized(routine, language)  # the user's words, same timings
            if choice is not None:
                routine = played_routine(routine, {**choice.to_inputs(), "language": language})
            with made_for(_owner(user_id, library_id)):  # its clips speak the user's words
                plan = await build_plan(
                    routine,
                    user.settings if user else None,
                    speech=self.speech,
                    defaults=self.settings,
                    now=self.clock.now(),
                    text_speak=self.text_speak,
                    choice=choice,
                    language=language,
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
            await self._save_or_tell(live)
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
        if live.undelivered:
            self._hold(live, now)
            return
        if save_now:
            await self._save_or_tell(live)
        elif save_now is not None:
            self._save_soon(live)
        self._schedule(live)

    def _hold(self, live: LiveSession, now: float) -> None:
        """A message could not be delivered: pause the session there (stored at once) and send
        the lost messages again later, in this chat's own run."""
        if live.session.state is SessionState.RUNNING:
            live.session.pause(now)  # `now` is the run's own time: nothing more falls due
        log.warning("chat %s: %d session messages undelivered; session paused, will send again",
                    live.chat_id, len(live.undelivered))  # fmt: skip
        self._save(live)
        self._redeliver_later(live)

    def _redeliver_later(self, live: LiveSession) -> None:
        delay_s = min(REDELIVER_MAX_S, REDELIVER_FIRST_S * 2**live.redeliver_tries)
        live.redeliver_tries += 1
        self.scheduler.schedule(live.chat_id, self.clock.now() + delay_s, self._redeliver)

    async def _redeliver(self, chat_id: int) -> None:
        """The scheduled retry of undelivered messages (see `_hold`)."""
        live = self.live.get(chat_id)
        if live is None:
            return
        async with self.lock(chat_id):
            if self.live.get(chat_id) is not live or not live.undelivered:
                return
            await self._tell(live, lambda f: f.undelivered(live))
            if live.blocked:
                await self._end(live, notify=False)
            elif live.undelivered:
                self._redeliver_later(live)
            else:
                log.info("chat %s: undelivered session messages sent; session paused", chat_id)
                live.redeliver_tries = 0
                self._save(live)

    async def _tell(self, live: LiveSession, call: Callable[[FrontEnd], object]) -> None:
        """Hand one event to every front end; one front end's failure never stops the others.
        Audio and media they make for a user's own routine are marked as that user's."""
        with made_for(_owner(live.user_id, live.record.routine_id)):
            for front_end in self._front_ends:
                if live.blocked:
                    return
                try:
                    await call(front_end)  # type: ignore[misc]
                except Exception as exc:
                    log.error("chat %s: a front end failed: %s", live.chat_id, error_summary(exc))

    def _save(self, live: LiveSession) -> bool:
        """Store the session now; False when it could not be (kept and stored later)."""
        return self.keeping.save(live)

    async def _save_or_tell(self, live: LiveSession) -> None:
        if not self._save(live):
            await self._storage_trouble(live)

    async def _storage_trouble(self, live: LiveSession) -> None:
        """Tell the session's user, once per outage, that storing fails and what is kept."""
        if self.health.trouble is not None and self.health.first_for(live.chat_id):
            trouble = self.health.trouble
            await self._tell(live, lambda f: f.storage_trouble(live, trouble))

    def _tell_soon(self, live: LiveSession) -> None:
        """`_storage_trouble` from synchronous code (the batch store)."""
        try:
            task = asyncio.get_running_loop().create_task(self._storage_trouble(live))
        except RuntimeError:
            return
        self._telling.add(task)
        task.add_done_callback(self._telling.discard)

    def _save_soon(self, live: LiveSession) -> None:
        self.keeping.save_soon(live)

    @property
    def unsaved(self) -> int:
        """How many sessions have progress not stored yet."""
        return self.keeping.unsaved

    @property
    def unended(self) -> int:
        """How many ended sessions wait for their history entry to be stored."""
        return self.keeping.unended

    def flush(self) -> None:
        """Store what was kept and the progress of every session that moved (sessions/keeping.py);
        stopping the bot calls it too."""
        self.keeping.flush()

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
        self.live.pop(live.chat_id, None)
        kept = live.record.user_id not in self._forgetting  # a forgotten user's is not kept
        stored = self.keeping.end(live, entry, keep=kept)
        if stored is None and kept and notify:
            await self._storage_trouble(live)
        entry_id = stored or 0  # 0: no entry yet to rate, the closing message asks for none
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
        self.keeping.drop_user(user_id)
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


def _owner(user_id: int, routine_id: str) -> int | None:
    """The user whose own words a session's audio speaks: theirs for an uploaded routine."""
    return user_id if split_user_ref(routine_id) is not None else None


__all__ = ["MIN_GAP_S", "OPS", "Ended", "HandsFreeSession", "SessionService"]
