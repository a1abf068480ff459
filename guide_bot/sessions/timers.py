"""The bot's step scheduler: one asyncio timer per session in progress, at its next due time.

Why not PTB's JobQueue (APScheduler), which ran the steps before: a session is scheduled again
after every cue, and each APScheduler job added wakes the scheduler (a thread-safe call, a scan
of its job store, its own timer armed again), takes its lock and builds a job with a trigger and
timezone-aware datetimes; at 1,000 sessions APScheduler was about an eighth of the bot's busy
time (bench/README.md, "Profile and fix 6"). asyncio's `call_later` is one heap push and a
cancel is a flag. The JobQueue keeps what needs its features (the reminder dispatcher's job).

No misfire grace: a run that comes late still runs and delivers its cues late (the front end
drops a stale halfway or countdown; a release is always said). The JobQueue jobs had a grace of
600 s, past which a run was dropped and its session would have stalled with no next run.

Implements the session service's `StepScheduler` port; `ManualScheduler` (scheduling.py) is the
one tests move by hand.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Protocol

from guide_bot.domain.clock import Clock
from guide_bot.logsafe_errors import error_summary
from guide_bot.sessions.ports import StepCallback

log = logging.getLogger(__name__)


class Timer(Protocol):
    """What `call_later` returns: something that can be cancelled (asyncio.TimerHandle)."""

    def cancel(self) -> None:
        """Do not run it."""
        ...


CallLater = Callable[..., Timer]  # (delay_s, callback, *args) -> Timer, as loop.call_later


class LoopScheduler:
    """One timer per chat at its session's next due time; the run goes in a task of its own."""

    def __init__(self, clock: Clock, *, call_later: CallLater | None = None) -> None:
        self._clock = clock
        self._call_later = call_later  # the running loop's call_later unless given (tests)
        self._timers: dict[int, tuple[float, Timer]] = {}
        self._running: set[asyncio.Task[None]] = set()
        self._stopped = False

    def schedule(self, chat_id: int, at: float, callback: StepCallback) -> None:
        """Run `callback(chat_id)` at wall time `at`, replacing the chat's pending run."""
        self.cancel(chat_id)
        if self._stopped:  # the bot is stopping: what is not run stays stored for the restart
            return
        call_later = self._call_later or asyncio.get_running_loop().call_later
        delay = max(0.0, at - self._clock.now())
        self._timers[chat_id] = (at, call_later(delay, self._fire, chat_id, callback))

    def cancel(self, chat_id: int) -> None:
        """Forget the chat's pending run, if any."""
        pending = self._timers.pop(chat_id, None)
        if pending is not None:
            pending[1].cancel()

    def pending(self) -> dict[int, float]:
        """chat_id -> wall time of its pending run."""
        return {chat_id: at for chat_id, (at, _timer) in self._timers.items()}

    @property
    def running(self) -> int:
        """How many runs are in progress."""
        return len(self._running)

    def _fire(self, chat_id: int, callback: StepCallback) -> None:
        self._timers.pop(chat_id, None)  # a replaced timer was cancelled and never fires
        task = asyncio.get_running_loop().create_task(
            self._run(chat_id, callback), name=f"session:{chat_id}"
        )
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(self, chat_id: int, callback: StepCallback) -> None:
        try:
            await callback(chat_id)
        except Exception as exc:  # one session's failure never reaches another
            log.error("chat %s: a scheduled session run failed: %s", chat_id, error_summary(exc))

    async def idle(self) -> None:
        """Wait until the runs in progress are done (and those they lead to at once)."""
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    async def stop(self) -> None:
        """Run nothing more: cancel every pending run and wait for those in progress (their
        progress is then stored by the service's flush)."""
        self._stopped = True
        for _at, timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        await self.idle()


__all__ = ["CallLater", "LoopScheduler", "Timer"]
