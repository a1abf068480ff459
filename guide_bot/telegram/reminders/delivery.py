"""Reminders in the chat: how one reminder message is sent, and the dispatcher's timer.

The message goes through the Sender's at-most-once mode (the rate limiter still applies), so the
dispatcher sees each outcome and keeps its at-most-once rule; the reminder's claim is stored right
before the request goes on the wire (the HTTP client's `before_send`), so a crash loses at most the
requests on the wire. A chat that blocked the bot gets no more reminders. Each reminder is in its
user's language (users.locale), the routine's title too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from telegram.ext import ContextTypes, JobQueue

from guide_bot.i18n import translator
from guide_bot.library.catalog import Catalog
from guide_bot.reminders.dispatcher import JOB_NAME, Blocked, ReminderScheduler, store_claim
from guide_bot.reminders.rules import Dispatch
from guide_bot.reminders.store import ReminderRepository, StoredReminder
from guide_bot.storage.users import UserRepository
from guide_bot.telegram.handlers.fitting import lengths_offered
from guide_bot.telegram.http import before_send
from guide_bot.telegram.reminders import keyboards as kb
from guide_bot.telegram.reminders import texts as rt
from guide_bot.telegram.sender import Sender


class JobQueueTimer:
    """The dispatcher's one job, `reminders:dispatch`, on PTB's JobQueue.

    Its `misfire_grace_time` is None (run however late): lateness is judged per reminder.
    """

    def __init__(self, job_queue: JobQueue[Any]) -> None:
        self._queue = job_queue

    def run_once(self, callback: Callable[[], Awaitable[None]], delay_s: float) -> None:
        """Replace the pending dispatcher job with one in `delay_s` seconds."""
        for job in self._queue.get_jobs_by_name(JOB_NAME):
            job.schedule_removal()

        async def run(_context: ContextTypes.DEFAULT_TYPE) -> None:
            await callback()

        self._queue.run_once(
            run,
            when=delay_s,
            name=JOB_NAME,
            job_kwargs={"misfire_grace_time": None, "coalesce": True},
        )


def build_dispatcher(
    *,
    repo: ReminderRepository,
    users: UserRepository,
    catalog: Catalog,
    sender: Sender,
    now_utc: Callable[[], Any],
) -> ReminderScheduler:
    """The dispatcher, sending each reminder once through the bot's send policy."""

    async def deliver(reminder: StoredReminder, decision: Dispatch) -> None:
        routine_id = reminder.rule.routine_id
        routine = catalog.find(reminder.user_id, routine_id) if routine_id else None
        tr = translator(users.locale_of(reminder.user_id))
        title = catalog.localized(routine, tr.code).title if routine else None
        late_min = decision.lateness // timedelta(minutes=1) if decision.late else None
        text = rt.reminder_message(title, late_min, tr=tr)
        lengths = []
        if routine is not None:
            user = users.get(reminder.user_id)
            conditions = (user.screening or ()) if user is not None else ()
            lengths = lengths_offered(routine, conditions, catalog.duration_s)
        markup = kb.reminder_message(reminder.id, routine, lengths=lengths, tr=tr)
        with before_send(store_claim):
            await sender.once(
                reminder.chat_id,
                "sendMessage",
                lambda: sender.bot.send_message(reminder.chat_id, text, reply_markup=markup),
            )

    def on_blocked(user_id: int) -> None:
        users.mark_blocked(user_id, now_utc())

    return ReminderScheduler(repo, deliver, clock=now_utc, on_blocked=on_blocked)


__all__ = ["Blocked", "JobQueueTimer", "build_dispatcher"]
