"""Every message to a chat goes through here: one send policy for the whole bot.

Two modes. `call` (sessions, answers): retries with backoff, at least once. `once` (reminders):
never repeated, at most once; its outcome is told to the caller.

The rate limiter (telegram/ratelimit.py) already waits out 429 answers, in their chat. This adds
what it does not do: retries with exponential backoff on 5xx and connection errors, no retry of a
request Telegram refused (400), and for 403 ("bot was blocked by the user") one call to
`on_blocked` and no retry at all. Errors stay inside the chat they belong to: a failure returns
None to the caller, never raises.

A send whose answer never came (a read timeout, or the connection lost after the request went
out: `MAYBE_SENT`) may have been handled: Telegram has no call to ask what a chat received, so it
is repeated at most once (`MAYBE_SENT_REPEATS`); if the repeat too gets no answer it is taken as
delivered and not sent again. A chat therefore sees a message at most twice, never four times
as before. Edits set a state and are retried like any other failure.

`watch()` lets a caller learn which of its sends finally failed (not delivered after every retry):
the chat presenter pauses a session with a message then, rather than drop a step silently.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from guide_bot.reminders.dispatcher import Blocked, MaybeDelivered, Refused, TryLater
from guide_bot.telegram.http import ConnectionLost

log = logging.getLogger(__name__)
T = TypeVar("T")
OnBlocked = Callable[[int], Awaitable[None]]
MAYBE_SENT = (TimedOut, ConnectionLost)  # no answer: the request may have been handled
MAYBE_SENT_REPEATS = 1
_failed: ContextVar[list[str] | None] = ContextVar("guide_bot_failed_sends", default=None)


def _seconds(delay: object) -> float:
    """RetryAfter.retry_after in seconds: an int or a timedelta across PTB 22.x."""
    total = getattr(delay, "total_seconds", None)
    return float(total()) if callable(total) else float(delay)  # type: ignore[arg-type]


class Sender:
    """Sends, edits and answers on behalf of the whole bot."""

    def __init__(
        self,
        bot: Bot,
        *,
        on_blocked: OnBlocked | None = None,
        attempts: int = 4,
        base_delay_s: float = 0.5,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.bot = bot
        self.on_blocked = on_blocked
        self.attempts = attempts
        self.base_delay_s = base_delay_s
        self._sleep = sleep

    async def call(
        self,
        chat_id: int,
        what: str,
        request: Callable[[], Awaitable[T]],
        *,
        reraise: tuple[type[Exception], ...] = (),
    ) -> T | None:
        """Run one Bot API request for a chat with retries; None if it finally failed.

        Errors of the `reraise` types go to the caller (e.g. a stale file_id to upload again).
        A send (`what` starting with "send") that got no answer is repeated at most once.
        """
        unanswered = 0
        for attempt in range(1, self.attempts + 1):
            try:
                return await request()
            except reraise:
                raise
            except Forbidden:
                log.info("chat %s: %s refused with 403; the user blocked the bot", chat_id, what)
                if self.on_blocked is not None:
                    await self.on_blocked(chat_id)
                return None
            except RetryAfter as exc:
                wait_s = _seconds(exc.retry_after)
                log.warning("chat %s: %s rate-limited, waiting %.1f s", chat_id, what, wait_s)
                await self._sleep(wait_s)
            except BadRequest as exc:
                if "not modified" in str(exc).lower():
                    return None
                log.warning("chat %s: %s refused: %s", chat_id, what, type(exc).__name__)
                return None
            except NetworkError as exc:  # 5xx, connection errors and timeouts
                if isinstance(exc, MAYBE_SENT) and what.startswith("send"):
                    unanswered += 1
                    if unanswered > MAYBE_SENT_REPEATS:
                        log.warning(
                            "chat %s: %s got no answer %d times; taken as delivered, not repeated",
                            chat_id,
                            what,
                            unanswered,
                        )
                        return None
                if attempt == self.attempts:
                    break
                delay_s = self.base_delay_s * 2 ** (attempt - 1) * (1 + random.random() / 4)
                log.warning(
                    "chat %s: %s failed (%s), retry %d in %.2f s",
                    chat_id,
                    what,
                    type(exc).__name__,
                    attempt,
                    delay_s,
                )
                await self._sleep(delay_s)
            except TelegramError as exc:
                log.warning("chat %s: %s failed: %s", chat_id, what, type(exc).__name__)
                self._failed(what)
                return None
        log.error("chat %s: %s failed %d times; giving up", chat_id, what, self.attempts)
        self._failed(what)
        return None

    @staticmethod
    def _failed(what: str) -> None:
        failed = _failed.get()
        if failed is not None:
            failed.append(what)

    @staticmethod
    @contextmanager
    def watch() -> Iterator[list[str]]:
        """The methods of the sends made inside (in this task) that finally failed: not
        delivered after every retry. A refusal (400) or a blocked chat is not counted."""
        failed: list[str] = []
        token = _failed.set(failed)
        try:
            yield failed
        finally:
            _failed.reset(token)

    async def once(self, chat_id: int, what: str, request: Callable[[], Awaitable[T]]) -> T:
        """Run one Bot API request at most once and raise what became of it (reminders).

        Raises `Blocked` (403, chat not found; `on_blocked` is told), `Refused` (another 400),
        `MaybeDelivered` (no answer: it may have arrived) or `TryLater` (429, connection or
        server error: it certainly did not arrive).
        """
        try:
            return await request()
        except Forbidden as exc:
            if self.on_blocked is not None:
                await self.on_blocked(chat_id)
            raise Blocked(what) from exc
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                if self.on_blocked is not None:
                    await self.on_blocked(chat_id)
                raise Blocked(what) from exc
            raise Refused(exc.message) from exc
        except MAYBE_SENT as exc:
            raise MaybeDelivered(what) from exc
        except RetryAfter as exc:
            raise TryLater(_seconds(exc.retry_after)) from exc
        except NetworkError as exc:
            raise TryLater() from exc

    async def text(
        self,
        chat_id: int,
        text: str,
        keyboard: InlineKeyboardMarkup | None = None,
    ) -> Message | None:
        """Send an HTML message."""
        return await self.call(
            chat_id,
            "sendMessage",
            lambda: self.bot.send_message(chat_id, text, reply_markup=keyboard),
        )

    async def edit_text(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        keyboard: InlineKeyboardMarkup | None = None,
    ) -> bool:
        """Replace a message's text (and keyboard)."""
        result = await self.call(
            chat_id,
            "editMessageText",
            lambda: self.bot.edit_message_text(
                text,
                chat_id=chat_id,
                message_id=message_id,
                reply_markup=keyboard,
            ),
        )
        return result is not None

    async def edit_view(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        keyboard: InlineKeyboardMarkup | None,
        *,
        caption: bool,
    ) -> bool:
        """Replace a message's text, or a media message's caption, with its keyboard sent again
        (an edit without reply_markup drops the keyboard). True when the message shows `text`:
        edited, or "message is not modified" (it already did); False when it cannot be edited
        (gone, too old, another kind of message)."""
        bot = self.bot
        if caption:
            method = "editMessageCaption"

            def request() -> Awaitable[Any]:
                return bot.edit_message_caption(
                    chat_id=chat_id, message_id=message_id, caption=text, reply_markup=keyboard
                )
        else:
            method = "editMessageText"

            def request() -> Awaitable[Any]:
                return bot.edit_message_text(
                    text, chat_id=chat_id, message_id=message_id, reply_markup=keyboard
                )

        try:
            result = await self.call(chat_id, method, request, reraise=(BadRequest,))
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return True
            log.info("chat %s: %s refused: %s", chat_id, method, type(exc).__name__)
            return False
        return result is not None

    async def edit_keyboard(
        self, chat_id: int, message_id: int, keyboard: InlineKeyboardMarkup | None
    ) -> bool:
        """Replace (or with None remove) a message's buttons."""
        result = await self.call(
            chat_id,
            "editMessageReplyMarkup",
            lambda: self.bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=message_id, reply_markup=keyboard
            ),
        )
        return result is not None

    async def delete(self, chat_id: int, message_id: int) -> bool:
        """Delete a message; False when Telegram refuses (gone already, or older than 48 h)."""
        result = await self.call(
            chat_id,
            "deleteMessage",
            lambda: self.bot.delete_message(chat_id=chat_id, message_id=message_id),
        )
        return bool(result)

    async def answer(
        self, query_id: str, text: str | None = None, *, url: str | None = None
    ) -> None:
        """Answer a button press (the small toast, or a t.me link the app opens); failures only
        logged."""
        try:
            await self.bot.answer_callback_query(query_id, text=text, url=url)
        except TelegramError as exc:
            log.info("answerCallbackQuery failed: %s", type(exc).__name__)
