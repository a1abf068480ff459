"""Sending reminders on time from the database, with one dispatcher job on PTB's JobQueue.

Why one job and not one per reminder: the database already orders reminders by due time, so a
single job named `reminders:dispatch` is armed at the earliest due time; when it runs it claims
every due reminder (in the order they fell due), sends them through a small in-order window, and
arms itself again for the next due time. Thousands of reminders in one minute are then one job,
never a thousand APScheduler jobs racing each other and APScheduler's 1 s default misfire grace.
The job's own `misfire_grace_time` is None (run however late) because lateness is judged here,
against `grace`, per reminder: a reminder that fell due while the bot was down is sent once if at
most `grace` late (default 1 hour) and skipped otherwise.

At most once: `claim_due` stores each reminder's next state before it is sent, so a crash between
the commit and the send loses that one send and never repeats it. A send that certainly did not
reach Telegram (RetryAfter after the rate limiter's own retries, a connection error, a 5xx) is
tried again within the grace window; a timeout may have been delivered, so it is not repeated.
A 403 (the user blocked the bot) or "chat not found" pauses all of that user's reminders.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ContextTypes, JobQueue
from telegram.warnings import PTBDeprecationWarning

from guide_bot.reminders.rules import DEFAULT_GRACE, Dispatch
from guide_bot.reminders.store import ReminderRepository, StoredReminder

logger = logging.getLogger(__name__)

JOB_NAME = "reminders:dispatch"
Deliver = Callable[[StoredReminder, Dispatch], Awaitable[None]]
Clock = Callable[[], datetime]


@dataclass(slots=True)
class DispatchReport:
    """What one run did, for logs and tests."""

    sent: int = 0
    too_late: int = 0
    blocked: int = 0
    retried: int = 0
    failed: int = 0


def _retry_after_s(error: Exception) -> float:
    """Seconds Telegram asked to wait (0 for other errors), int or timedelta across PTB 22.x."""
    if not isinstance(error, RetryAfter):
        return 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        delay = error.retry_after
    return delay.total_seconds() if isinstance(delay, timedelta) else float(delay)


class ReminderScheduler:
    """Claims due reminders from the repository and delivers them in order."""

    def __init__(
        self,
        repo: ReminderRepository,
        deliver: Deliver,
        *,
        clock: Clock,
        grace: timedelta = DEFAULT_GRACE,
        window: int = 8,
        batch: int = 500,
        on_blocked: Callable[[int], None] | None = None,
    ) -> None:
        self._repo = repo
        self._deliver = deliver
        self._clock = clock
        self._grace = grace
        self._window = window
        self._batch = batch
        self._job_queue: JobQueue[Any] | None = None
        self._lock = asyncio.Lock()
        self._failing_since: dict[int, datetime] = {}
        self._on_blocked = on_blocked

    @property
    def grace(self) -> timedelta:
        """How late a reminder may still be sent."""
        return self._grace

    def attach(self, job_queue: JobQueue[Any]) -> None:
        """Use this JobQueue for the dispatcher job (called once the application exists)."""
        self._job_queue = job_queue

    def arm(self) -> datetime | None:
        """(Re)schedule the dispatcher at the earliest due time; call after every change."""
        if self._job_queue is None:
            return None
        for job in self._job_queue.get_jobs_by_name(JOB_NAME):
            job.schedule_removal()
        due = self._repo.next_due()
        if due is None:
            return None
        # a delay from the injected clock, not a wall-clock date: the same thing in production,
        # and a fake clock in tests never has the real JobQueue fire behind its back
        delay_s = max(0.0, (due - self._clock()).total_seconds())
        self._job_queue.run_once(
            self._job,
            when=delay_s,
            name=JOB_NAME,
            job_kwargs={"misfire_grace_time": None, "coalesce": True},
        )
        return due

    async def _job(self, _context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await self.run_due()
        finally:
            self.arm()

    async def run_due(self) -> DispatchReport:
        """Send everything due now, oldest due first; safe to call at any time."""
        report = DispatchReport()
        async with self._lock:
            while True:
                now = self._clock()
                claimed = self._repo.claim_due(now, grace=self._grace, limit=self._batch)
                await self._send_in_order(claimed, now, report)
                if len(claimed) < self._batch:
                    break
        if report.sent or report.too_late or report.blocked or report.failed:
            logger.info(
                "reminders: %d sent, %d too late, %d blocked, %d retried, %d failed",
                report.sent, report.too_late, report.blocked, report.retried, report.failed,
            )  # fmt: skip
        return report

    async def _send_in_order(
        self, claimed: list[tuple[StoredReminder, Dispatch]], now: datetime, report: DispatchReport
    ) -> None:
        # Sends start strictly in due order; at most `window` are in flight, so the rate
        # limiter, not the round trip, sets the pace.
        window = asyncio.Semaphore(self._window)
        tasks: list[asyncio.Task[None]] = []
        for reminder, decision in claimed:
            if not decision.send:
                report.too_late += 1
                continue
            await window.acquire()
            tasks.append(
                asyncio.create_task(self._send_one(reminder, decision, now, report, window))
            )
        if tasks:
            await asyncio.gather(*tasks)

    async def _send_one(
        self,
        reminder: StoredReminder,
        decision: Dispatch,
        now: datetime,
        report: DispatchReport,
        window: asyncio.Semaphore,
    ) -> None:
        try:
            await self._deliver(reminder, decision)
            report.sent += 1
            self._failing_since.pop(reminder.id, None)
        except Forbidden:
            self._blocked(reminder, report)
        except BadRequest as error:
            if "chat not found" in error.message.lower():
                self._blocked(reminder, report)
            else:
                report.failed += 1
                logger.warning("reminder %d refused: %s", reminder.id, error.message)
        except TimedOut:
            report.failed += 1  # may have arrived: not repeated (at most once)
            logger.warning("reminder %d timed out; not repeated", reminder.id)
        except (RetryAfter, NetworkError) as error:
            self._retry_later(reminder, now, report, error)
        except Exception:  # one reminder never stops the others
            report.failed += 1
            logger.exception("reminder %d could not be delivered", reminder.id)
        finally:
            window.release()

    def _blocked(self, reminder: StoredReminder, report: DispatchReport) -> None:
        report.blocked += 1
        paused = self._repo.mark_blocked(reminder.user_id)
        if self._on_blocked is not None:
            self._on_blocked(reminder.user_id)
        logger.info("user blocked the bot: paused %d reminders of one user", paused)

    def _retry_later(
        self, reminder: StoredReminder, now: datetime, report: DispatchReport, error: Exception
    ) -> None:
        since = self._failing_since.setdefault(reminder.id, now)
        if now - since >= self._grace:
            report.failed += 1
            self._failing_since.pop(reminder.id, None)
            logger.warning("reminder %d given up after %s: %s", reminder.id, now - since, error)
            return
        seconds = _retry_after_s(error)
        backoff = max(seconds, min(max((now - since).total_seconds(), 30.0), 600.0))
        self._repo.snooze(reminder.id, now + timedelta(seconds=backoff))
        report.retried += 1
        logger.info("reminder %d will be retried in %.0f s: %s", reminder.id, backoff, error)
