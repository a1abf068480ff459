"""The bot's step scheduler: one PTB JobQueue job per session, at its next due time.

Jobs are named `session:<chat_id>` and the old one is removed before the new one is added (PTB's
timerbot pattern), so a chat never has two. Implements the session service's `StepScheduler` port.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import ContextTypes, Job, JobQueue

from guide_bot.domain.clock import Clock
from guide_bot.sessions.ports import StepCallback

log = logging.getLogger(__name__)

# A step that runs late should still run: its cues are then delivered late, never dropped.
SESSION_MISFIRE_GRACE_S = 600


def job_name(chat_id: int) -> str:
    """The deterministic name of a chat's session job."""
    return f"session:{chat_id}"


class JobQueueScheduler:
    """One JobQueue job per chat, at the session's next due time."""

    def __init__(self, job_queue: JobQueue[Any], clock: Clock) -> None:
        self._queue = job_queue
        self._clock = clock
        self._jobs: dict[int, Job[Any]] = {}  # O(1) removal, where get_jobs_by_name scans

    def schedule(self, chat_id: int, at: float, callback: StepCallback) -> None:
        """Remove the chat's job, then add one at `at`."""
        self.cancel(chat_id)

        async def run(_context: ContextTypes.DEFAULT_TYPE) -> None:
            self._jobs.pop(chat_id, None)
            await callback(chat_id)

        delay = max(0.0, at - self._clock.now())
        self._jobs[chat_id] = self._queue.run_once(
            run,
            when=delay,
            name=job_name(chat_id),
            chat_id=chat_id,
            job_kwargs={"misfire_grace_time": SESSION_MISFIRE_GRACE_S, "coalesce": True},
        )

    def cancel(self, chat_id: int) -> None:
        """Remove the chat's pending job."""
        job = self._jobs.pop(chat_id, None)
        if job is not None:
            job.schedule_removal()

    def pending(self) -> dict[int, float]:
        """chat_id -> next run time (epoch seconds) of every pending job."""
        return {
            chat_id: job.next_t.timestamp()
            for chat_id, job in self._jobs.items()
            if job.next_t is not None
        }
