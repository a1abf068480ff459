"""TrackLinks over async sources: the skill runs in a worker thread, the media code is async.

ask-sdk is synchronous and `web.py` runs it in a worker thread, while planning a track (cue
lengths, the engine probe) is async and lives on the server's event loop. `BridgedTrackLinks`
hands each call to that loop and waits for it, within Alexa's answer time (about 8 s).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Coroutine, Sequence
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

ALEXA_ANSWER_BUDGET_S = 6.0  # Alexa gives up on a skill after about 8 s


class AsyncTrackLinks(Protocol):
    """The media server's side, async: a signed URL and the step starts of the same track."""

    async def track_url(self, routine_id: str, fmt: str) -> str: ...

    async def step_offsets_ms(self, routine_id: str) -> Sequence[int]: ...


class BridgedTrackLinks:
    """A `TrackLinks` whose calls run on `loop` (the HTTP server's) from a worker thread."""

    def __init__(
        self,
        source: AsyncTrackLinks,
        loop: asyncio.AbstractEventLoop,
        *,
        timeout_s: float = ALEXA_ANSWER_BUDGET_S,
    ) -> None:
        self._source = source
        self._loop = loop
        self._timeout_s = timeout_s

    def track_url(self, routine_id: str, fmt: str) -> str:
        return self._wait(self._source.track_url(routine_id, fmt))

    def step_offsets_ms(self, routine_id: str) -> list[int]:
        return list(self._wait(self._source.step_offsets_ms(routine_id)))

    def _wait(self, work: Coroutine[Any, Any, T]) -> T:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            work.close()
            raise RuntimeError(
                "BridgedTrackLinks must be called from a worker thread, not the loop"
            )
        future = asyncio.run_coroutine_threadsafe(work, self._loop)
        try:
            return future.result(self._timeout_s)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(
                f"the track was not ready within {self._timeout_s:g} s (warm the tracks first)"
            ) from None
