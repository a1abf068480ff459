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
    asyncio.Lock of the overall pace, with two lines instead of one.

    The pace's holder sleeps until its slot with the lock held; a reply that comes meanwhile would
    wait for that slot and the next. So at its slot a holder that is no reply `give_way`s to a
    reply waiting: the reply takes the slot, and the holder waits at the head of the rest.
    """

    def __init__(self) -> None:
        self._held = False
        self._replies: deque[asyncio.Future[None]] = deque()
        self._others: deque[asyncio.Future[None]] = deque()

    @property
    def replies_waiting(self) -> bool:
        """Whether a reply waits for the lock."""
        return any(not waiter.done() for waiter in self._replies)

    async def acquire(self) -> None:
        """Take the lock, after the replies and then everyone who asked before."""
        if not self._held:  # held stays on while it is handed over: no one is waiting here
            self._held = True
            return
        line = self._replies if is_reply() else self._others
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        line.append(waiter)
        await self._wait(waiter, line)

    async def give_way(self) -> None:
        """Hand the held lock to the first reply waiting and take it back before the rest.

        Like `acquire`, it returns holding the lock, or raises CancelledError without it."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._others.appendleft(waiter)
        self.release()  # to a reply, or back to this waiter if none is left
        await self._wait(waiter, self._others)

    async def _wait(self, waiter: asyncio.Future[None], line: deque[asyncio.Future[None]]) -> None:
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed the lock while being cancelled: pass it on
            else:
                line.remove(waiter)
            raise

    def release(self) -> None:
        """Hand the lock to the first reply waiting, else to the first of the rest, else free it."""
        for line in (self._replies, self._others):
            while line:
                waiter = line.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    return
        self._held = False

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(self, *_exc: object) -> None:
        self.release()
