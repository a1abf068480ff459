"""One websocket to Home Assistant kept open for the speaker sessions, reconnected when it drops.

The feed hands every media player state to `on_state`; when the connection drops it calls
`on_lost` and reconnects after 1, 2, 5, 10, then every 30 s (by default), and once back it
calls `on_back` (the sessions then poll each speaker, so nothing that happened meanwhile is
missed). The first connection's errors (refused token, unreachable) go to the caller.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from guide_bot.speakers.ha_websocket import StateChanges
from guide_bot.speakers.homeassistant import HomeAssistant, HomeAssistantError, PlayerState

logger = logging.getLogger(__name__)

DEFAULT_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0)


class StateFeed:
    """State changes of every media player, for as long as the feed runs."""

    def __init__(
        self,
        ha: HomeAssistant,
        *,
        on_state: Callable[[PlayerState], Awaitable[None]],
        on_lost: Callable[[], Awaitable[None]],
        on_back: Callable[[], Awaitable[None]],
        delays: Sequence[float] = DEFAULT_DELAYS,
    ) -> None:
        self._ha = ha
        self._on_state = on_state
        self._on_lost = on_lost
        self._on_back = on_back
        self._delays = tuple(delays) or (1.0,)
        self._task: asyncio.Task[None] | None = None
        self.connected = False

    async def ensure(self) -> None:
        """Connect (raising HomeAssistantError) unless the feed already runs."""
        if self._task is not None and not self._task.done():
            return
        stream = await self._ha.state_changes()
        self.connected = True
        self._task = asyncio.create_task(self._run(stream), name="ha-state-changes")

    async def _run(self, stream: StateChanges) -> None:
        attempt = 0
        while True:
            try:
                async for state in stream.states():
                    attempt = 0
                    await self._on_state(state)
            except (HomeAssistantError, OSError, TimeoutError) as exc:
                logger.warning("Home Assistant websocket: %s", exc)
            except Exception:
                logger.exception("Home Assistant websocket: unexpected error")
            finally:
                await stream.close()
            self.connected = False
            await self._on_lost()
            stream = await self._reconnect(attempt)
            attempt = 0
            self.connected = True
            await self._on_back()

    async def _reconnect(self, attempt: int) -> StateChanges:
        while True:
            await asyncio.sleep(self._delays[min(attempt, len(self._delays) - 1)])
            attempt += 1
            try:
                return await self._ha.state_changes()
            except HomeAssistantError as exc:
                logger.warning("Home Assistant websocket: reconnecting failed: %s", exc)

    async def close(self) -> None:
        """Stop the feed."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.connected = False
