"""The gated HTTP client: at most `in_flight` Bot API calls inside httpx at once, none lost."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from fakebot.server import FakeBotServer
from telegram.request import HTTPXRequest

from bot.harness import build_bot, running
from guide_bot.bot.http import IN_FLIGHT, GatedRequest


async def test_no_more_than_in_flight_calls_reach_the_pool(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inside = 0
    most = 0

    async def slow_request(self: HTTPXRequest, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        nonlocal inside, most
        inside += 1
        most = max(most, inside)
        await asyncio.sleep(0.01)
        inside -= 1
        return 200, b"{}"

    monkeypatch.setattr(HTTPXRequest, "do_request", slow_request)
    request = GatedRequest(in_flight=3)
    results = await asyncio.gather(*(request.do_request("u", "POST") for _ in range(20)))
    assert results == [(200, b"{}")] * 20  # every call went through, in turn
    assert most == 3


def test_in_flight_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        GatedRequest(in_flight=0)


async def test_the_bot_sends_through_the_gate_and_a_burst_all_arrives(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library, rate_limiter=False)
    request = bot.app.bot.request
    assert isinstance(request, GatedRequest)
    assert request.in_flight == IN_FLIGHT
    async with running(bot):
        chats = range(5000, 5000 + 4 * IN_FLIGHT)
        await asyncio.gather(*(bot.app.bot.send_message(c, "hello") for c in chats))
    sent = {c.chat_id for c in server.calls_of("sendMessage") if c.status == 200}
    assert sent == set(chats)
