"""The step scheduler port: run a chat's callback at one wall-clock time; one pending per chat.

`JobQueueScheduler` puts one PTB JobQueue job per session in progress, named `session:<chat_id>`,
and removes the old one before adding the new one (PTB's timerbot pattern), so a chat never has two.
`ManualScheduler` is moved by hand together with a FakeClock, for tests and benchmarks that must
not wait for real time.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from telegram.ext import ContextTypes, Job, JobQueue

from guide_bot.domain.clock import Clock, FakeClock

log = logging.getLogger(__name__)

StepCallback = Callable[[int], Awaitable[None]]
# A step that runs late should still run: its cues are then delivered late, never dropped.
SESSION_MISFIRE_GRACE_S = 600


def job_name(chat_id: int) -> str:
    """The deterministic name of a chat's session job."""
    return f"session:{chat_id}"


class StepScheduler(Protocol):
    """Runs `callback(chat_id)` at wall time `at`; scheduling again replaces the pending one."""

    def schedule(self, chat_id: int, at: float, callback: StepCallback) -> None:
        """Run the callback for this chat at `at` (epoch seconds), replacing any pending one."""
        ...

    def cancel(self, chat_id: int) -> None:
        """Forget the chat's pending callback, if any."""
        ...


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


class ManualScheduler:
    """A scheduler that runs only when a test moves time with `run_until`."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.pending: dict[int, tuple[float, StepCallback]] = {}

    def schedule(self, chat_id: int, at: float, callback: StepCallback) -> None:
        """Remember the chat's next run (replacing any)."""
        self.pending[chat_id] = (at, callback)

    def cancel(self, chat_id: int) -> None:
        """Forget the chat's next run."""
        self.pending.pop(chat_id, None)

    def next_at(self) -> float | None:
        """The earliest pending run time."""
        return min((at for at, _ in self.pending.values()), default=None)

    async def run_until(self, until: float) -> int:
        """Move the clock to each pending time up to `until` in order and run it; returns runs."""
        runs = 0
        while (at := self.next_at()) is not None and at <= until:
            chat_id = next(c for c, (t, _) in self.pending.items() if t == at)
            _, callback = self.pending.pop(chat_id)
            self.clock.set(max(at, self.clock.now()))
            await callback(chat_id)
            runs += 1
        self.clock.set(max(until, self.clock.now()))
        return runs

    async def run_for(self, seconds: float) -> int:
        """Move time forward by `seconds`, running what falls due."""
        return await self.run_until(self.clock.now() + seconds)
