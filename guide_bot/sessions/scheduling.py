"""A step scheduler moved by hand, for tests and benchmarks that must not wait for real time.

`ManualScheduler` implements the `StepScheduler` port (sessions/ports.py) and runs what falls due
as a test moves a FakeClock. The bot's own scheduler runs on asyncio's timers (timers.py).
"""

from __future__ import annotations

from guide_bot.domain.clock import FakeClock
from guide_bot.sessions.ports import StepCallback


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
