"""The rate limiter: PTB's AIORateLimiter throttling, with a 429 kept inside its chat.

AIORateLimiter throttles 30 requests/s overall and 20/min per group, and on a 429 (`RetryAfter`)
halts *every* request of the bot for `retry_after` seconds: one chat's flood limit held every
other chat's step back by 2 to 3 s (issue 19). Here a 429 on a request for a chat pauses only
that chat's requests. A flood limit of the whole bot is told apart by its spread: a 429 on a
request that names no chat, or 429s on `FLOOD_CHATS` different chats within `FLOOD_WINDOW_S`,
halts every request as AIORateLimiter does.

The overall pace is even (`EvenPace`): one message every 1/29 s and never more than 29 in any
0.99 s, instead of AIORateLimiter's bucket of 30 that starts full and lets bursts through.
Telegram counts messages per second, so a burst of 30 followed by the bucket's refill put up to
60 into one second: about a fifth of a large reminder fan-out got a 429 and waited
`retry_after` (1.24 times the floor that 30 a second sets, issue 18).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

from guide_bot.telegram.replies import RepliesFirst, is_reply

log = logging.getLogger(__name__)

FLOOD_CHATS = 3  # 429s on this many chats at once: the bot's own limit, not one chat's
FLOOD_WINDOW_S = 1.0
CAP_WINDOW_S = 0.99  # EvenPace: at most per_second - 1 messages in any this long
Result = bool | dict[str, Any] | list[dict[str, Any]]


class EvenPace:
    """Fewer than `per_second` messages in any one second, evenly spaced, in the order asked
    (replies to the updates being handled first: telegram/replies.py).

    Three rules, each message waiting for all of them:
    - the pace: one message every `interval` = 1/(per_second - 1) s (a generic cell rate);
    - catching up: a message that went late (the event loop was busy) moves the next slot only
      by what is beyond `catch_up_s`, so up to that much lost time is made up instead of slowing
      the whole fan-out down, at no more than 1.25 times the pace (`min_gap`), never in a burst;
    - the cap: at most per_second - 1 messages in any `CAP_WINDOW_S`, however much credit there
      is. The window is a little under a second so that the cap does not pass one message's
      lateness on to the message per_second - 1 places later (the pace would drift down);
      any per_second + 1 messages in a row still span 1 s plus more than 15 ms, under
      Telegram's limit with room for the jitter of the way to the server.
    Used as the async context manager AIORateLimiter expects of its overall limiter.
    """

    def __init__(self, per_second: float, *, catch_up_s: float = 0.1) -> None:
        if per_second < 2:
            raise ValueError(f"per_second must be at least 2, not {per_second}")
        self.cap = int(per_second) - 1  # messages in any one second
        self.interval = 1.0 / (per_second - 1)
        self.min_gap = self.interval / 1.25
        self.catch_up_s = catch_up_s  # most credit: lost time made up, at most this much
        self._slot = float("-inf")  # loop time of the next message's slot (its TAT)
        self._sent: deque[float] = deque(maxlen=self.cap)  # loop times of the last `cap` sent
        self._lock = RepliesFirst()  # in the order asked, replies to updates first

    def _capped_until(self) -> float:
        """The earliest loop time the cap lets the next message go."""
        return self._sent[0] + CAP_WINDOW_S if len(self._sent) == self.cap else float("-inf")

    async def __aenter__(self) -> None:
        lock = self._lock
        await lock.acquire()
        held = True
        try:
            loop = asyncio.get_running_loop()
            while True:
                capped = self._capped_until()
                gap = self._sent[-1] + self.min_gap if self._sent else float("-inf")
                wait_s = max(self._slot, capped, gap) - loop.time()
                if wait_s > 0:
                    await asyncio.sleep(wait_s)
                if is_reply() or not lock.replies_waiting:
                    break
                held = False  # a reply came while this one slept: it takes this slot
                await lock.give_way()
                held = True
            now = loop.time()
            # going late (the loop, or the cap) is credit, up to catch_up_s
            self._slot = max(self._slot, now - self.catch_up_s) + self.interval
            self._sent.append(now)
        finally:
            if held:
                lock.release()

    async def __aexit__(self, *_exc: object) -> None:
        return None


def _retry_after_s(exc: RetryAfter) -> float:
    delay: Any = exc.retry_after
    total = getattr(delay, "total_seconds", None)
    return float(total()) if callable(total) else float(delay)


class ChatRateLimiter(AIORateLimiter):
    """AIORateLimiter whose 429 waits are per chat (a bot-wide flood still halts everything)."""

    def __init__(
        self,
        *,
        max_retries: int,
        clock: Callable[[], float] | None = None,
        overall_max_rate: float = 30,
        group_max_rate: float = 20,
    ) -> None:
        super().__init__(
            max_retries=max_retries,
            overall_max_rate=overall_max_rate,
            group_max_rate=group_max_rate,
        )
        if overall_max_rate:
            self._base_limiter = EvenPace(overall_max_rate)  # type: ignore[assignment]
        self._retries = max_retries
        self._paused_until: dict[object, float] = {}  # chat -> loop time its 429 wait ends
        self._recent: dict[object, float] = {}  # chat -> loop time of its last 429
        self._clock = clock

    def _now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    async def _wait_turn(self, chat: object) -> None:
        """Wait while this chat (or, under a flood, the whole bot) is told to wait."""
        while True:
            until = max(self._paused_until.get(chat, 0.0), self._paused_until.get(None, 0.0))
            wait_s = until - self._now()
            if wait_s <= 0:
                return
            await asyncio.sleep(wait_s)

    def _told_to_wait(self, chat: object, seconds: float) -> bool:
        """Record a 429 for `chat`; True when it is a bot-wide flood."""
        now = self._now()
        self._recent = {c: at for c, at in self._recent.items() if now - at <= FLOOD_WINDOW_S}
        self._recent[chat] = now
        flood = chat is None or len(self._recent) >= FLOOD_CHATS
        key = None if flood else chat
        self._paused_until[key] = max(self._paused_until.get(key, 0.0), now + seconds)
        if len(self._paused_until) > 1024:  # forget waits long over
            self._paused_until = {c: t for c, t in self._paused_until.items() if t > now}
        return flood

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        """Throttle as AIORateLimiter does; a 429 makes only its chat wait, then retries."""
        max_retries = rate_limit_args or self._retries
        chat: object = data.get("chat_id")
        with contextlib.suppress(ValueError, TypeError):
            chat = int(chat)  # type: ignore[call-overload]
        group: int | str | bool = False
        if (isinstance(chat, int) and chat < 0) or isinstance(chat, str):
            group = chat
        for attempt in range(max_retries + 1):
            await self._wait_turn(chat)
            try:
                return await self._run_request(
                    chat=chat is not None,
                    group=group,
                    allow_paid_broadcast=bool(data.get("allow_paid_broadcast", False)),
                    callback=callback,
                    args=args,
                    kwargs=kwargs,
                )
            except RetryAfter as exc:
                if attempt == max_retries:
                    raise
                wait_s = _retry_after_s(exc) + 0.1
                flood = self._told_to_wait(chat, wait_s)
                log.info(
                    "%s: 429, %s waits %.1f s",
                    endpoint,
                    "the whole bot" if flood else f"chat {chat}",
                    wait_s,
                )
        raise AssertionError("unreachable")  # pragma: no cover
