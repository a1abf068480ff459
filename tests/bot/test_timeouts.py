"""A send that gets no answer (PTB's TimedOut, or a dropped connection): what the sender does, over
the bot's real HTTP client (telegram/http.py) against the fake server.

The design (guide_bot/telegram/sender.py): a send whose answer never came may have reached the
chat, and Telegram cannot be asked, so it is repeated at most once: a chat sees it at most twice
(before: up to four times), and a step is never lost to a slow server. A connection that could
not be made, or a 5xx, is retried with backoff as before. The sender never raises to the handler.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fakebot.server import FakeBotServer
from telegram import Bot
from telegram.error import TimedOut

from guide_bot.telegram.http import AiohttpRequest
from guide_bot.telegram.sender import Sender

CHAT = 6006
TIMEOUT_S = 0.3


@pytest.fixture
async def bot(server: FakeBotServer) -> AsyncIterator[Bot]:
    """A real PTB bot on the bot's own HTTP client, with a short read timeout."""
    request = AiohttpRequest(read_s=TIMEOUT_S)
    async with Bot(server.token, base_url=server.base_url, request=request) as real:
        yield real


async def test_a_slow_answer_raises_timed_out_in_ptb(server: FakeBotServer, bot: Bot) -> None:
    server.delay("sendMessage", TIMEOUT_S * 2, chat_id=CHAT)
    with pytest.raises(TimedOut):
        await bot.send_message(CHAT, "hello")


async def test_a_timed_out_send_is_repeated_once_and_arrives_at_most_twice(
    server: FakeBotServer, bot: Bot
) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    sender = Sender(bot, base_delay_s=0.5, sleep=sleep)
    server.delay("sendMessage", TIMEOUT_S * 2, chat_id=CHAT, times=1)
    message = await sender.text(CHAT, "Step 1")
    assert message is not None
    assert message.text == "Step 1"
    sent = server.calls_of("sendMessage", chat_id=CHAT)
    assert [c.text for c in sent] == ["Step 1"] * 2  # the first was handled, its answer late
    assert len(waits) == 1
    assert 0.5 <= waits[0] <= 0.5 * 1.25


async def test_a_send_without_answers_goes_at_most_twice(
    server: FakeBotServer, bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    async def sleep(_seconds: float) -> None:
        return None

    sender = Sender(bot, sleep=sleep)
    server.delay("sendMessage", TIMEOUT_S * 2, chat_id=CHAT, times=10)
    with sender.watch() as failed:
        assert await sender.text(CHAT, "Release") is None
    assert len(server.calls_of("sendMessage", chat_id=CHAT)) == 2  # before: 4 copies
    assert failed == []  # taken as delivered: it was handled (twice)
    assert "got no answer 2 times; taken as delivered" in caplog.text
    assert "Release" not in caplog.text


async def test_a_dropped_connection_after_the_send_is_repeated_once(
    server: FakeBotServer, bot: Bot
) -> None:
    async def sleep(_seconds: float) -> None:
        return None

    sender = Sender(bot, sleep=sleep)
    server.drop("sendMessage", chat_id=CHAT, times=5, handled=True)
    assert await sender.text(CHAT, "Step 2") is None
    handled = [c for c in server.calls_of("sendMessage", chat_id=CHAT) if c.status == 200]
    assert len(handled) == 2  # the chat got it (twice at most), no more repeats


async def test_a_connection_dropped_before_the_send_is_retried_until_it_arrives(
    server: FakeBotServer, bot: Bot
) -> None:
    async def sleep(_seconds: float) -> None:
        return None

    sender = Sender(bot, sleep=sleep)
    server.drop("sendMessage", chat_id=CHAT, times=1, handled=False)
    message = await sender.text(CHAT, "Release")
    calls = server.calls_of("sendMessage", chat_id=CHAT)
    assert [c.status for c in calls] == [0, 200]  # the one repeat delivered it
    assert message is not None


async def test_a_refused_connection_is_retried_and_reported_as_failed() -> None:
    async def sleep(_seconds: float) -> None:
        return None

    request = AiohttpRequest(read_s=TIMEOUT_S, connect_s=TIMEOUT_S)
    await request.initialize()  # no Bot.initialize: its getMe would fail the same way
    nowhere = Bot("1:x", base_url="http://127.0.0.1:9/bot", request=request)
    sender = Sender(nowhere, attempts=3, sleep=sleep)
    try:
        with sender.watch() as failed:
            assert await sender.text(CHAT, "Step 1") is None
    finally:
        await request.shutdown()
    assert failed == ["sendMessage"]  # certainly not delivered: the caller must act on it


async def test_an_edit_that_keeps_failing_gives_up_without_raising(
    server: FakeBotServer, bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    sender = Sender(bot, attempts=3, sleep=sleep)
    sent = await bot.send_message(CHAT, "Step 1")
    server.fail("editMessageText", 502, chat_id=CHAT, times=10)
    assert not await sender.edit_text(CHAT, sent.message_id, "Step 1 (paused)")
    assert len(server.calls_of("editMessageText", chat_id=CHAT)) == 3  # attempts, then no more
    assert len(waits) == 2  # no wait after the last attempt
    assert "failed (NetworkError), retry 1" in caplog.text
    assert "editMessageText failed 3 times; giving up" in caplog.text
    assert "Step 1 (paused)" not in caplog.text
