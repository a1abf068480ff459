"""Sending reminders on time from the database, with one dispatcher job on PTB's JobQueue.

Why one job and not one per reminder: the database already orders reminders by due time, so a
single job named `reminders:dispatch` is armed at the earliest due time; when it runs it claims the
due reminders one by one (in the order they fell due), sends them one at a time by default (the
`window`: one send in flight, so a crash can lose at most that one), and arms itself again for
the next due time. Thousands of reminders in one minute are then one job,
never a thousand APScheduler jobs racing each other and APScheduler's 1 s default misfire grace.
The job's own `misfire_grace_time` is None (run however late) because lateness is judged here,
against `grace`, per reminder: a reminder that fell due while the bot was down is sent once if at
most `grace` late (default 1 hour) and skipped otherwise.

At most once, and at most the sends on the wire lost: a due reminder is picked (nothing stored),
its message built, and its new state is stored only at the last moment, right before the request
goes on the wire: the delivery calls `store_claim()` there (the Telegram adapter through its HTTP
client's hook), and if it is not called the claim is stored when the send returns. The store is a
compare-and-set on the row as it was picked, so a reminder changed or claimed elsewhere meanwhile
is not sent. A crash before that line (the sends still waiting for the rate limiter or a
connection) sends them after the restart; a crash after it loses at most the requests on the wire
at that instant, and nothing is ever sent twice (tests/reminders/test_crash_claims.py, and the kill
figures in docs/reminders.md). A send
that certainly did not reach Telegram (RetryAfter after the rate limiter's own retries, a
connection error, a 5xx) is tried again within the grace window; a timeout may have been delivered,
so it is not repeated. A 403 (the user blocked the bot) or "chat not found" pauses all of that
user's reminders.

The dispatcher knows no chat platform: the front end's `Deliver` raises one of the outcomes below
(`Blocked`, `Refused`, `MaybeDelivered`, `TryLater`), and the Telegram adapter maps its errors to
them (telegram/reminders/delivery.py).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from guide_bot.reminders.rules import DEFAULT_GRACE, Dispatch
from guide_bot.reminders.store import ReminderRepository, StoredReminder

logger = logging.getLogger(__name__)


def _forget(tasks: dict[int, asyncio.Task[None]], reminder_id: int, _task: object) -> None:
    tasks.pop(reminder_id, None)


def _cancelling() -> bool:
    """Whether the current task is being cancelled (the bot stops, or a crash in a test)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


JOB_NAME = "reminders:dispatch"
Deliver = Callable[[StoredReminder, Dispatch], Awaitable[None]]
Clock = Callable[[], datetime]


class Blocked(Exception):
    """The chat is gone for us: the user blocked the bot, or the chat does not exist."""


class Refused(Exception):
    """The platform refused this message; sending it again would be refused too."""


class MaybeDelivered(Exception):
    """The send timed out: it may have arrived, so it is not repeated (at most once)."""


class TryLater(Exception):
    """The send certainly did not arrive (rate limit, connection error, server error)."""

    def __init__(self, retry_after_s: float = 0.0) -> None:
        super().__init__(f"try again in {retry_after_s:.0f} s")
        self.retry_after_s = retry_after_s


class Superseded(Exception):
    """The reminder changed (paused, edited, snoozed, deleted) or was claimed elsewhere after it
    was picked: it is not sent."""


_claim: ContextVar[Callable[[], None] | None] = ContextVar("reminder_claim", default=None)


def store_claim() -> None:
    """Store the claim of the reminder being delivered in this task; the delivery calls it right
    before the message goes on the wire. Raises `Superseded` when it must not be sent; does
    nothing outside a delivery, and nothing the second time (a retried request)."""
    claim = _claim.get()
    if claim is not None:
        claim()


class _Claim:
    """One picked reminder's claim, stored at most once."""

    def __init__(self, repo: ReminderRepository, picked: StoredReminder, decision: Dispatch):
        self._repo, self._picked, self._decision = repo, picked, decision
        self.stored: bool | None = None  # None: not tried yet

    def store(self) -> None:
        if self.stored is None:
            self.stored = self._repo.store_claim(self._picked, self._decision)
        if not self.stored:
            raise Superseded(f"reminder {self._picked.id} changed since it was picked")


class Timer(Protocol):
    """Runs the dispatcher once after a delay, replacing the pending run (a JobQueue job)."""

    def run_once(self, callback: Callable[[], Awaitable[None]], delay_s: float) -> None:
        """Run `callback` in `delay_s` seconds, instead of any run still pending."""
        ...


@dataclass(slots=True)
class DispatchReport:
    """What one run did, for logs and tests."""

    sent: int = 0
    too_late: int = 0
    blocked: int = 0
    retried: int = 0
    failed: int = 0


class ReminderScheduler:
    """Claims due reminders from the repository and delivers them in order."""

    def __init__(
        self,
        repo: ReminderRepository,
        deliver: Deliver,
        *,
        clock: Clock,
        grace: timedelta = DEFAULT_GRACE,
        window: int = 1,
        on_blocked: Callable[[int], None] | None = None,
    ) -> None:
        self._repo = repo
        self._deliver = deliver
        self._clock = clock
        self._grace = grace
        self._window = window
        self._timer: Timer | None = None
        self._lock = asyncio.Lock()
        self._failing_since: dict[int, datetime] = {}
        self._on_blocked = on_blocked

    @property
    def grace(self) -> timedelta:
        """How late a reminder may still be sent."""
        return self._grace

    def attach(self, timer: Timer) -> None:
        """Run the dispatcher with this timer (the composition root's JobQueue adapter)."""
        self._timer = timer

    def arm(self) -> datetime | None:
        """(Re)schedule the dispatcher at the earliest due time; call after every change."""
        if self._timer is None:
            return None
        due = self._repo.next_due()
        if due is None:
            return None
        # a delay from the injected clock, not a wall-clock date: the same thing in production,
        # and a fake clock in tests never has the real timer fire behind its back
        delay_s = max(0.0, (due - self._clock()).total_seconds())
        self._timer.run_once(self._job, delay_s)
        return due

    async def _job(self) -> None:
        try:
            await self.run_due()
        finally:
            self.arm()

    async def run_due(self) -> DispatchReport:
        """Send everything due now, oldest due first; safe to call at any time."""
        report = DispatchReport()
        async with self._lock:
            await self._send_in_order(report)
        if report.sent or report.too_late or report.blocked or report.failed:
            logger.info(
                "reminders: %d sent, %d too late, %d blocked, %d retried, %d failed",
                report.sent, report.too_late, report.blocked, report.retried, report.failed,
            )  # fmt: skip
        return report

    async def _send_in_order(self, report: DispatchReport) -> None:
        # Each reminder is picked only when a slot of the window is free, and its claim is stored
        # right before its request goes on the wire (store_claim): a crash loses at most the
        # requests on the wire, never the reminders still waiting in the database or for the rate
        # limiter. Sends start strictly in due order; at most `window` are in flight (1 by
        # default: a crash loses at most one; more lets the rate limiter rather than the round
        # trip set the pace, and a crash may then lose up to `window`; docs/reminders.md).
        window = asyncio.Semaphore(self._window)
        tasks: dict[int, asyncio.Task[None]] = {}
        try:
            while True:
                await window.acquire()
                now = self._clock()
                picked = self._repo.next_due_reminder(now, grace=self._grace, skip=tasks.keys())
                if picked is None:
                    window.release()
                    break
                reminder, decision = picked
                if not decision.send:
                    if self._repo.store_claim(reminder, decision):
                        report.too_late += 1
                    window.release()
                    continue
                claim = _Claim(self._repo, reminder, decision)
                task = asyncio.create_task(
                    self._send_one(reminder, decision, claim, now, report, window)
                )
                tasks[reminder.id] = task
                task.add_done_callback(functools.partial(_forget, tasks, reminder.id))
        except BaseException:  # cancelled (the bot stops): the sends in flight stop too
            for task in tasks.values():
                task.cancel()
            raise
        if tasks:
            await asyncio.gather(*tasks.values())

    async def _send_one(
        self,
        reminder: StoredReminder,
        decision: Dispatch,
        claim: _Claim,
        now: datetime,
        report: DispatchReport,
        window: asyncio.Semaphore,
    ) -> None:
        _claim.set(claim.store)  # this task's own context
        try:
            try:
                await self._deliver(reminder, decision)
            finally:
                # not on the wire (a delivery without the hook, or it failed before): store the
                # claim now, so the outcome below starts from the new state. Not when cancelled.
                if claim.stored is None and not _cancelling():
                    claim.stored = self._repo.store_claim(reminder, decision)
            report.sent += 1
            self._failing_since.pop(reminder.id, None)
        except Exception as error:
            if claim.stored is False:  # changed meanwhile: not sent, nothing more to do
                logger.info("reminder %d changed before its send; not sent", reminder.id)
                return
            self._failed(reminder, now, report, error)
        finally:
            window.release()

    def _failed(
        self, reminder: StoredReminder, now: datetime, report: DispatchReport, error: Exception
    ) -> None:
        if isinstance(error, Blocked):
            self._blocked(reminder, report)
        elif isinstance(error, Refused):
            report.failed += 1
            logger.warning("reminder %d refused: %s", reminder.id, error)
        elif isinstance(error, MaybeDelivered):
            report.failed += 1  # may have arrived: not repeated (at most once)
            logger.warning("reminder %d timed out; not repeated", reminder.id)
        elif isinstance(error, TryLater):
            self._retry_later(reminder, now, report, error)
        else:  # one reminder never stops the others
            report.failed += 1
            logger.error("reminder %d could not be delivered", reminder.id, exc_info=error)

    def _blocked(self, reminder: StoredReminder, report: DispatchReport) -> None:
        report.blocked += 1
        paused = self._repo.mark_blocked(reminder.user_id)
        if self._on_blocked is not None:
            self._on_blocked(reminder.user_id)
        logger.info("user blocked the bot: paused %d reminders of one user", paused)

    def _retry_later(
        self, reminder: StoredReminder, now: datetime, report: DispatchReport, error: TryLater
    ) -> None:
        since = self._failing_since.setdefault(reminder.id, now)
        if now - since >= self._grace:
            report.failed += 1
            self._failing_since.pop(reminder.id, None)
            logger.warning("reminder %d given up after %s: %s", reminder.id, now - since, error)
            return
        seconds = error.retry_after_s
        backoff = max(seconds, min(max((now - since).total_seconds(), 30.0), 600.0))
        self._repo.snooze(reminder.id, now + timedelta(seconds=backoff))
        report.retried += 1
        logger.info("reminder %d will be retried in %.0f s: %s", reminder.id, backoff, error)
