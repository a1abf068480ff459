"""A 429 on one chat's send holds back that chat only (guide_bot/telegram/ratelimit.py); a flood
limit of the whole bot (429s on many chats at once) still halts every chat.

The bot as bootstrap builds it (its rate limiter) against the fake Bot API server, in real time
(the waits are what is measured): about 2 s each.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from fakebot.server import FakeBotServer

from bot.harness import build_bot, running

SLOW, OTHER = 5005, 6006


@pytest.fixture
async def bot(server: FakeBotServer, tmp_path: Path, test_library: Path) -> AsyncIterator[Any]:
    """The product's PTB bot (with the rate limiter bootstrap gives it), running."""
    built = build_bot(server, tmp_path, test_library)
    async with running(built):
        yield built.app.bot


async def _until(condition: Callable[[], bool]) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("not seen within 5 s")


async def _timed(coro: object) -> float:
    started = time.monotonic()
    await coro  # type: ignore[misc]
    return time.monotonic() - started


async def test_a_429_in_one_chat_does_not_delay_another(server: FakeBotServer, bot: Any) -> None:
    server.fail("sendMessage", 429, retry_after=2, chat_id=SLOW)
    slow = asyncio.create_task(_timed(bot.send_message(SLOW, "Step 2 of 5")))
    await _until(lambda: bool(server.calls_of("sendMessage", chat_id=SLOW)))  # 429 answered
    await asyncio.sleep(0.05)
    other_s = await _timed(bot.send_message(OTHER, "Step 3 of 5"))
    slow_s = await slow
    assert other_s < 0.5  # before: about 2 s, the whole bot waited out SLOW's 429
    assert slow_s >= 2.0  # the 429's own chat waited its retry_after
    assert [c.status for c in server.calls_of("sendMessage", chat_id=SLOW)] == [429, 200]


async def test_429s_on_many_chats_at_once_halt_every_chat(server: FakeBotServer, bot: Any) -> None:
    flooded = [7001, 7002, 7003]
    for chat in flooded:
        server.fail("sendMessage", 429, retry_after=2, chat_id=chat)
    sends = [asyncio.create_task(bot.send_message(chat, "Step")) for chat in flooded]
    await _until(lambda: len([c for c in server.calls_of("sendMessage") if c.status == 429]) >= 3)
    await asyncio.sleep(0.05)
    other_s = await _timed(bot.send_message(OTHER, "Step"))
    await asyncio.gather(*sends)
    assert other_s >= 1.5  # a bot-wide flood limit: everyone waits
