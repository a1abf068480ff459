"""The bot's HTTP client for Bot API calls: PTB's HTTPXRequest, with a bound on calls in flight.

Why: under load (a thousand sessions, a burst of reminders) hundreds of sends start at once.
httpcore's connection pool keeps the requests waiting for a connection in a list and, on every
request and every release, walks all waiting requests against all connections: with PTB's
default pool of 256 and thousands waiting, that bookkeeping took most of the CPU and cues came
tens of seconds late (see bench/README.md, the cue timing profile). Here at most `in_flight`
calls enter httpx at once and the rest wait on an asyncio semaphore, which costs nothing per
waiter; the pool is as large as that bound, so no call ever waits inside httpcore.

Waiting for the gate has no pool timeout: under a burst a send waits its turn instead of
failing with PoolTimeout (what the rate limiter and the retries would otherwise have to absorb).
"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.request import HTTPXRequest

IN_FLIGHT = 8


class GatedRequest(HTTPXRequest):
    """HTTPXRequest that lets at most `in_flight` requests into the connection pool at once."""

    def __init__(self, in_flight: int = IN_FLIGHT, **kwargs: Any) -> None:
        if in_flight < 1:
            raise ValueError("in_flight must be at least 1")
        super().__init__(connection_pool_size=in_flight, **kwargs)
        self.in_flight = in_flight
        self._gate = asyncio.Semaphore(in_flight)

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        """One HTTP request, once a place in the pool is free."""
        async with self._gate:
            return await super().do_request(*args, **kwargs)
