"""A send that times out (PTB's TimedOut): what the sender does, over the real HTTP stack.

The design (guide_bot/telegram/sender.py): a timeout is a NetworkError like a 5xx, so every
request is retried with exponential backoff, sends included. A send whose answer timed out may
already have reached the chat, so it can arrive twice: at-least-once, chosen over a missing
step. After the last attempt the sender gives up and returns None; it never raises to the handler.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fakebot.server import FakeBotServer
from telegram import Bot
from telegram.error import TimedOut
from telegram.request import HTTPXRequest

from guide_bot.telegram.sender import Sender

CHAT = 6006
TIMEOUT_S = 0.3


@pytest.fixture
async def bot(server: FakeBotServer) -> AsyncIterator[Bot]:
    """A real PTB bot against the fake server, with a short read timeout."""
    request = HTTPXRequest(read_timeout=TIMEOUT_S, write_timeout=TIMEOUT_S)
    async with Bot(server.token, base_url=server.base_url, request=request) as real:
        yield real


async def test_a_slow_answer_raises_timed_out_in_ptb(server: FakeBotServer, bot: Bot) -> None:
    server.delay("sendMessage", TIMEOUT_S * 2, chat_id=CHAT)
    with pytest.raises(TimedOut):
        await bot.send_message(CHAT, "hello")


async def test_a_timed_out_send_is_retried_with_backoff_and_may_arrive_twice(
    server: FakeBotServer, bot: Bot
) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    sender = Sender(bot, base_delay_s=0.5, sleep=sleep)
    server.delay("sendMessage", TIMEOUT_S * 2, chat_id=CHAT, times=2)
    message = await sender.text(CHAT, "Step 1")
    assert message is not None
    assert message.text == "Step 1"
    sent = server.calls_of("sendMessage", chat_id=CHAT)
    assert len(sent) == 3  # two timed out (but were handled by the server) and one answered
    assert [c.text for c in sent] == ["Step 1"] * 3  # at-least-once: the chat saw it three times
    assert len(waits) == 2
    assert 0.5 <= waits[0] <= 0.5 * 1.25
    assert 1.0 <= waits[1] <= 1.0 * 1.25  # backoff doubles


async def test_a_send_that_keeps_timing_out_gives_up_without_raising(
    server: FakeBotServer, bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    sender = Sender(bot, attempts=3, sleep=sleep)
    server.delay("sendMessage", TIMEOUT_S * 2, chat_id=CHAT, times=10)
    assert await sender.text(CHAT, "Step 1") is None
    assert len(server.calls_of("sendMessage", chat_id=CHAT)) == 3  # attempts, then no more
    assert len(waits) == 2  # no wait after the last attempt
    assert "failed (TimedOut), retry 1" in caplog.text
    assert "sendMessage failed 3 times; giving up" in caplog.text
    assert "Step 1" not in caplog.text
