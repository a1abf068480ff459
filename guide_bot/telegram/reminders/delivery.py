"""Building the reminder scheduler for the bot: how one reminder message is sent, and start-up.

The message goes straight through `bot.send_message` (the rate limiter still applies) rather
than the Sender's retry loop, so the dispatcher sees each error and keeps its at-most-once rule.
"""

from __future__ import annotations

from datetime import timedelta

from telegram.constants import ParseMode

from guide_bot.reminders.dispatcher import ReminderScheduler
from guide_bot.reminders.rules import Dispatch
from guide_bot.reminders.store import ReminderRepository, StoredReminder
from guide_bot.telegram.reminders import keyboards as kb
from guide_bot.telegram.reminders import texts as rt
from guide_bot.telegram.services import App, Services


def build_scheduler(services: Services, repo: ReminderRepository) -> ReminderScheduler:
    """The dispatcher, sending with the application's bot; set as services.reminder_scheduler."""

    async def deliver(reminder: StoredReminder, decision: Dispatch) -> None:
        routine_id = reminder.rule.routine_id
        routine = services.catalog.find(reminder.user_id, routine_id) if routine_id else None
        late_min = decision.lateness // timedelta(minutes=1) if decision.late else None
        await services.require_sender().bot.send_message(
            reminder.chat_id,
            rt.reminder_message(routine.title if routine else None, late_min),
            parse_mode=ParseMode.HTML,
            reply_markup=kb.reminder_message(reminder.id, routine),
        )

    def on_blocked(user_id: int) -> None:
        services.users.mark_blocked(user_id, services.now_utc())

    return ReminderScheduler(repo, deliver, clock=services.now_utc, on_blocked=on_blocked)


async def start_reminders(app: App, services: Services) -> None:
    """post_init: attach the dispatcher to the JobQueue and arm it from the database.

    Reminders that fell due while the bot was down are then due now: the first run sends those
    at most `grace` late, once, and moves the older ones to their next time.
    """
    scheduler = services.require_reminder_scheduler()
    if app.job_queue is None:
        raise RuntimeError("the JobQueue is required (python-telegram-bot[job-queue])")
    scheduler.attach(app.job_queue)
    scheduler.arm()
