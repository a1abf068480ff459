"""Which Bot API calls answer an update: the rate limiter lets them go before background sends.

The overall pace (telegram/ratelimit.py `EvenPace`) lets one message out every 1/29 s. After a
restart the catch-up messages of the restored sessions fill that line, 8 at a time, and a
person's /help waited behind them for about 0.3 s (bench/README.md, "Fix 11"). A call made while
an update is being handled (`replying`) is a reply and takes the first free slot; everything
else (catch-ups, step runs, reminders) keeps its order behind the replies. The total pace is the
same: only who waits changes.

The mark is a mutable object in a context variable: a task or timer that a handler starts copies
the context, and so the mark, but the mark goes off when the handler returns, so a session's
later steps are not replies.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Iterator
from contextvars import ContextVar


class _Turn:
    """One update's handling; `active` until its handler returns."""

    __slots__ = ("active",)

    def __init__(self) -> None:
        self.active = True


_turn: ContextVar[_Turn | None] = ContextVar("guide_bot_reply_turn", default=None)


@contextlib.contextmanager
def replying() -> Iterator[None]:
    """Calls made inside (in this task, and in tasks it starts, while it runs) are replies."""
    turn = _Turn()
    token = _turn.set(turn)
    try:
        yield
    finally:
        turn.active = False
        _turn.reset(token)


def is_reply() -> bool:
    """Whether the current call answers an update that is being handled."""
    turn = _turn.get()
    return turn is not None and turn.active


class RepliesFirst:
    """A lock handed out in the order asked, but replies (`is_reply`) before the rest: the
    asyncio.Lock of the overall pace, with two lines instead of one."""

    def __init__(self) -> None:
        self._held = False
        self._replies: deque[asyncio.Future[None]] = deque()
        self._others: deque[asyncio.Future[None]] = deque()

    async def __aenter__(self) -> None:
        if not self._held:  # held stays on while it is handed over: no one is waiting here
            self._held = True
            return
        line = self._replies if is_reply() else self._others
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        line.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release()  # handed the lock while being cancelled: pass it on
            else:
                line.remove(waiter)
            raise

    async def __aexit__(self, *_exc: object) -> None:
        self._release()

    def _release(self) -> None:
        """Hand the lock to the first reply waiting, else to the first of the rest, else free it."""
        for line in (self._replies, self._others):
            while line:
                waiter = line.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    return
        self._held = False
