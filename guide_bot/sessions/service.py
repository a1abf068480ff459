"""The step driver: runs every session in progress against the clock, one scheduled run per chat.

Each run asks the session what fell due (`advance(now)`), hands it to the presenter, and
schedules the next run at the session's next due time (at least `MIN_GAP_S` after the last
message, so cues close together go out as one message and a chat stays under about one message a
second). Every user action goes through here too, under the chat's lock, so a run and a button
press never interleave. An error in one chat is logged and never reaches another.

Storing: a start, a user action and a restore are stored at once. The progress of a scheduled run
(which cues were said) is stored within `SAVE_DELAY_S`, all sessions that moved in one
transaction: one commit per run was a fifth of the bot's CPU at a thousand sessions
(bench/README.md). If the process dies in that second, the restore says those cues again:
at least once, never lost. Stopping the bot stores everything first (`flush`).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from guide_bot.domain.routine import Routine
from guide_bot.domain.session import Due, Session, SessionError, SessionState
from guide_bot.logsafe_errors import error_summary
from guide_bot.progress.history import HistoryEntry
from guide_bot.sessions.plans import build_plan
from guide_bot.sessions.restore import restore_all
from guide_bot.sessions.scheduling import StepScheduler
from guide_bot.storage.sessions import ActiveSession
from guide_bot.telegram import keyboards, texts
from guide_bot.telegram.presenter import Live, Presenter
from guide_bot.telegram.services import Services

log = logging.getLogger(__name__)

MIN_GAP_S = 1.0
SAVE_DELAY_S = 1.0

Op = Callable[[Session, float], list[Due]]


def _advance(session: Session, now: float) -> list[Due]:
    return session.advance(now)


@dataclass(frozen=True, kw_only=True, slots=True)
class Ended:
    """How a session ended: its history entry (for the pain rating after) and whether complete."""

    entry_id: int
    completed: bool


class SessionDriver:
    """Starts, controls, runs and ends the sessions in progress."""

    def __init__(self, services: Services, presenter: Presenter, scheduler: StepScheduler) -> None:
        self.services = services
        self.presenter = presenter
        self.scheduler = scheduler
        self.live: dict[int, Live] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self.restoring: asyncio.Task[None] | None = None
        self._starting: set[int] = set()
        self._background: set[asyncio.Task[Live]] = set()
        self._unsaved: dict[int, Live] = {}  # progress of scheduled runs, stored by `flush`
        self._flush_at: asyncio.TimerHandle | None = None

    def lock(self, chat_id: int) -> asyncio.Lock:
        """The chat's lock: one change at a time per chat, chats independent."""
        return self._locks.setdefault(chat_id, asyncio.Lock())

    def get(self, chat_id: int) -> Live | None:
        """The chat's session in progress."""
        return self.live.get(chat_id)

    def busy(self, chat_id: int) -> bool:
        """Whether the chat has a session in progress or one being started."""
        return chat_id in self.live or chat_id in self._starting

    def begin(
        self, chat_id: int, user_id: int, routine: Routine, pain_before: int | None
    ) -> asyncio.Task[Live] | None:
        """Start a session in the background (planning may synthesize speech for seconds, and
        other chats must not wait for it); None if the chat is busy."""
        if self.busy(chat_id):
            return None
        self._starting.add(chat_id)

        async def starting() -> Live:
            try:
                return await self.start(chat_id, user_id, routine, pain_before)
            finally:
                self._starting.discard(chat_id)

        task = asyncio.create_task(starting())
        self._background.add(task)
        task.add_done_callback(self._started)
        return task

    def _started(self, task: asyncio.Task[Live]) -> None:
        self._background.discard(task)
        error = None if task.cancelled() else task.exception()
        if error is not None:
            log.error("starting a session failed: %s", error_summary(error))

    # --- starting ---------------------------------------------------------------------------

    async def start(
        self, chat_id: int, user_id: int, routine: Routine, pain_before: int | None
    ) -> Live:
        """Start a routine in a chat that has no session in progress."""
        async with self.lock(chat_id):
            if chat_id in self.live:
                raise RuntimeError("the chat already has a session in progress")
            user = self.services.users.get(user_id)
            settings = user.settings if user else None
            plan = await build_plan(routine, settings, self.services)
            session = Session(plan.timeline)
            now = self.services.clock.now()
            record = ActiveSession(
                chat_id=chat_id,
                user_id=user_id,
                session_id=secrets.token_hex(4),
                version=0,
                routine_id=routine.id,
                mode=plan.mode,
                plan=plan.inputs,
                pain_before=pain_before,
                speech_failed=plan.speech_failed,
                started_at=self.services.now_utc(),
                updated_at=self.services.now_utc(),
            )
            live = Live(record=record, session=session, routine=routine)
            live.voice_notes = plan.notes
            self.live[chat_id] = live
            try:
                if plan.speech_failed:
                    await self.presenter.notice(live, texts.SPEECH_UNAVAILABLE)
                await self._apply(live, lambda s, t: s.start(t), now)
            except Exception:
                self.live.pop(chat_id, None)  # a failed start leaves no half session behind
                self.scheduler.cancel(chat_id)
                raise
            return live

    # --- running ----------------------------------------------------------------------------

    async def run(self, chat_id: int) -> None:
        """The scheduled run: deliver what fell due, then schedule the next run."""
        live = self.live.get(chat_id)
        if live is None:
            return
        async with self.lock(chat_id):
            if self.live.get(chat_id) is not live:
                return
            try:
                await self._apply(live, _advance, self.services.clock.now(), save_now=False)
            except Exception as exc:
                log.error("chat %s: session run failed: %s", chat_id, error_summary(exc))
                self._schedule(live)  # try again later rather than stall the session

    async def control(self, chat_id: int, op: Op, *, rest_note: bool = False) -> Live | None:
        """Apply a user action (pause, skip, ...) to the chat's session; SessionError if refused.

        With `rest_note` (resume, +15 s) a voice session gets the rest of the current step as a
        fresh voice note, since the note already sent no longer matches the timing.
        """
        live = self.live.get(chat_id)
        if live is None:
            return None
        async with self.lock(chat_id):
            if self.live.get(chat_id) is not live:
                return None
            before, message_id = live.session.state, live.record.controls_message_id
            now = self.services.clock.now()
            await self._apply(live, op, now)
            if live.session.state.closed or live.blocked:
                return live
            sent_new = live.record.controls_message_id != message_id
            if rest_note and not sent_new and await self.presenter.rest(live, now):
                sent_new = True
            if live.session.state is not before and not sent_new:
                await self.presenter.refresh_controls(live)
            self._save(live)
            return live

    async def _apply(self, live: Live, op: Op, now: float, *, save_now: bool = True) -> None:
        """Run an operation, deliver its events, then store and schedule (or end)."""
        dues = op(live.session, now)  # SessionError propagates before anything changed
        await self.presenter.deliver(live, dues, now)
        if live.blocked:
            await self._end(live, notify=False)
            return
        if live.session.state.closed:
            await self._end(live, notify=True)
            return
        if save_now:
            self._save(live)
        else:
            self._save_soon(live)
        self._schedule(live)

    def _record_now(self, live: Live) -> None:
        live.record.state = live.session.to_dict()
        live.record.updated_at = self.services.now_utc()

    def _save(self, live: Live) -> None:
        self._unsaved.pop(live.chat_id, None)
        self._record_now(live)
        self.services.sessions.save(live.record)

    def _save_soon(self, live: Live) -> None:
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
        batch, self._unsaved = self._unsaved, {}
        moved = [live for chat, live in batch.items() if self.live.get(chat) is live]
        for live in moved:
            self._record_now(live)
        try:
            self.services.sessions.update_many([live.record for live in moved])
        except Exception as exc:
            log.error("storing %d sessions failed: %s", len(moved), error_summary(exc))
            for live in moved:  # keep them for the next batch
                self._unsaved.setdefault(live.chat_id, live)
            self._arm()

    def _schedule(self, live: Live) -> None:
        due = live.session.next_due()
        if due is None:
            self.scheduler.cancel(live.chat_id)
            return
        self.scheduler.schedule(live.chat_id, max(due, live.last_send_at + MIN_GAP_S), self.run)

    # --- ending -----------------------------------------------------------------------------

    async def _end(self, live: Live, *, notify: bool, ask_pain: bool = True) -> Ended:
        """Close the session: history, forget it, and (if asked) the closing message."""
        now = self.services.clock.now()
        session = live.session
        if not session.state.closed:
            session.stop(now)
        completed = session.state is SessionState.FINISHED
        position = session.position(now)
        entry_id = self.services.history.add(
            HistoryEntry(
                user_id=live.record.user_id,
                routine_id=live.record.routine_id,
                started_at=live.record.started_at,
                ended_at=self.services.now_utc(),
                active_s=round(session.elapsed_active_s, 1),
                completed=completed,
                steps_done=len(live.routine.steps) if completed else (position.step or 0),
                steps_total=len(live.routine.steps),
                pain_before=live.record.pain_before,
            )
        )
        self.scheduler.cancel(live.chat_id)
        self._unsaved.pop(live.chat_id, None)
        self.services.sessions.delete(live.chat_id)
        self.live.pop(live.chat_id, None)
        if live.record.controls_message_id is not None and notify:
            await self.presenter.sender.edit_keyboard(
                live.chat_id, live.record.controls_message_id, None
            )
        if notify and ask_pain:
            text = texts.closing(completed, end_said=live.end_said, title=live.routine.title)
            await self.presenter.sender.text(
                live.chat_id,
                f"{live.leftover}{text}\n\n{texts.PAIN_AFTER}",
                keyboards.pain_after(entry_id),
            )
        return Ended(entry_id=entry_id, completed=completed)

    async def stop(self, chat_id: int, *, ask_pain: bool = True) -> Ended | None:
        """End the chat's session early (the Stop button, /stop, or starting another)."""
        live = self.live.get(chat_id)
        if live is None:
            return None
        async with self.lock(chat_id):
            if self.live.get(chat_id) is not live:
                return None
            live.session.stop(self.services.clock.now())
            return await self._end(live, notify=True, ask_pain=ask_pain)

    async def on_blocked(self, chat_id: int) -> None:
        """The user blocked the bot: stop their session (no retries) and mark them blocked."""
        live = self.live.get(chat_id)
        user_id = live.record.user_id if live else chat_id
        self.services.users.mark_blocked(user_id, self.services.now_utc())
        if live is None:
            return
        live.blocked = True
        lock = self.lock(chat_id)
        if not lock.locked():  # otherwise the holder ends it when its delivery returns
            async with lock:
                if self.live.get(chat_id) is live:
                    await self._end(live, notify=False)

    # --- after a restart ----------------------------------------------------------------------

    def restore(self) -> dict[str, int]:
        """Pick up every stored session (see docs/bot.md); returns counts by outcome.

        Every session is taken in at once; the messages that go with it (a late cue, "paused
        after a restart") are sent by a background task, so the bot answers meanwhile.
        """
        counts, follow_ups = restore_all(self)

        async def follow_up() -> None:
            for step in follow_ups:
                try:
                    await step()
                except Exception as exc:
                    log.error("a restored session's follow-up failed: %s", error_summary(exc))

        if follow_ups:
            self.restoring = asyncio.create_task(follow_up())
        return counts

    async def restored(self) -> None:
        """Wait until the follow-ups of `restore` are done (tests, benchmarks)."""
        if self.restoring is not None:
            await self.restoring

    def adopt(self, live: Live) -> None:
        """Take a restored session in (used by restore)."""
        self.live[live.chat_id] = live

    async def apply(self, live: Live, op: Op, now: float) -> None:
        """Apply an operation under the chat's lock (used by restore)."""
        async with self.lock(live.chat_id):
            await self._apply(live, op, now)

    async def end(self, live: Live, *, notify: bool) -> Ended:
        """End a session under the chat's lock (used by restore)."""
        async with self.lock(live.chat_id):
            return await self._end(live, notify=notify)

    def save(self, live: Live) -> None:
        """Store a session as it is now."""
        self._save(live)

    def schedule(self, live: Live) -> None:
        """Schedule a session's next run."""
        self._schedule(live)


__all__ = ["MIN_GAP_S", "Ended", "SessionDriver", "SessionError"]
