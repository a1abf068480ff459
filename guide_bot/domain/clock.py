"""The clock port: the one place that reads the wall clock, and a fake one for tests.

Time is seconds since the Unix epoch (a float), not a monotonic counter, so that a session stored
in the database can be continued after the bot restarts. Everything else takes `now` as an
argument; only the composition root asks a `Clock`.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Tells the current wall-clock time in epoch seconds."""

    def now(self) -> float:
        """Seconds since the Unix epoch."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> float:
        """Seconds since the Unix epoch, from the operating system."""
        return time.time()


class FakeClock:
    """A clock that only moves when a test moves it."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self._now = float(start)

    def now(self) -> float:
        """The time the test last set."""
        return self._now

    def advance(self, seconds: float) -> float:
        """Move forward by `seconds` (never backward); returns the new time."""
        if seconds < 0:
            raise ValueError(f"a fake clock moves forward only, not by {seconds} s")
        self._now += seconds
        return self._now

    def set(self, now: float) -> None:
        """Jump to an absolute time (a test may move it backward to simulate clock skew)."""
        self._now = float(now)
