"""The Bot API client (aiohttp): calls in flight are bounded and none is lost, bodies arrive as
the Bot API reads them, and failures become PTB's errors without the URL (it holds the token)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web
from fakebot.server import FakeBotServer
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import NetworkError, TimedOut

from bot.harness import build_bot, running
from guide_bot.telegram.http import IN_FLIGHT, AiohttpRequest, before_send

TOKEN = FakeBotServer.token


Handler = Callable[[web.Request], Awaitable[web.Response]]


async def _local_server(handler: Handler) -> tuple[web.AppRunner, int]:
    """A local HTTP server answering every path with `handler`; its runner and port."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, runner.addresses[0][1]


async def _slow_server(delay_s: float) -> tuple[web.AppRunner, str, list[int]]:
    """A server whose every answer takes `delay_s`; the list gets the calls inside at each entry."""
    inside: list[int] = []
    now = [0]

    async def handler(_request: web.Request) -> web.Response:
        now[0] += 1
        inside.append(now[0])
        await asyncio.sleep(delay_s)
        now[0] -= 1
        return web.json_response({"ok": True, "result": True})

    runner, port = await _local_server(handler)
    return runner, f"http://127.0.0.1:{port}/bot{TOKEN}/sendMessage", inside


async def test_no_more_than_in_flight_calls_are_open_and_every_call_goes_through() -> None:
    runner, url, inside = await _slow_server(0.01)
    request = AiohttpRequest(in_flight=3)
    await request.initialize()
    try:
        results = await asyncio.gather(*(request.do_request(url, "POST") for _ in range(20)))
    finally:
        await request.shutdown()
        await runner.cleanup()
    assert [status for status, _ in results] == [200] * 20
    assert len(inside) == 20
    assert max(inside) == 3


def test_in_flight_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        AiohttpRequest(in_flight=0)


async def test_a_call_before_initialize_or_after_shutdown_is_refused_and_initialize_reopens(
    server: FakeBotServer,
) -> None:
    request = AiohttpRequest()
    url = f"{server.base_url}{TOKEN}/getMe"
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(url, "POST")
    await request.initialize()
    await request.shutdown()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(url, "POST")
    await request.initialize()
    try:
        status, body = await request.do_request(url, "POST")
    finally:
        await request.shutdown()
    assert status == 200
    assert b'"is_bot": true' in body or b'"is_bot":true' in body


async def test_an_answer_slower_than_the_read_timeout_is_timed_out() -> None:
    runner, url, _ = await _slow_server(1.0)
    request = AiohttpRequest(read_s=0.05)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.do_request(url, "POST")
    finally:
        await request.shutdown()
        await runner.cleanup()


async def test_a_refused_connection_is_a_network_error_that_does_not_show_the_url() -> None:
    request = AiohttpRequest()
    await request.initialize()
    url = f"http://127.0.0.1:9/bot{TOKEN}/sendMessage"  # the discard port: nobody listens
    try:
        with pytest.raises(NetworkError) as caught:
            await request.do_request(url, "POST")
    finally:
        await request.shutdown()
    assert not isinstance(caught.value, TimedOut)
    assert TOKEN not in str(caught.value)
    assert caught.value.message.startswith("aiohttp.")


async def test_fields_and_an_upload_arrive_as_the_bot_api_reads_them(
    server: FakeBotServer,
) -> None:
    request = AiohttpRequest()
    bot = Bot(TOKEN, base_url=server.base_url, request=request, get_updates_request=request)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Pause ⏸", callback_data="p:1")]])
    async with bot:
        await bot.send_message(42, "<b>Step 1 of 3</b> — lean in", reply_markup=keyboard)
        await bot.send_voice(42, InputFile(b"OggS-voice-bytes", filename="step.ogg"), caption="Å")
    message, voice = server.calls_of("sendMessage", "sendVoice")
    assert message.params["text"] == "<b>Step 1 of 3</b> — lean in"
    assert message.params["reply_markup"]["inline_keyboard"][0][0]["text"] == "Pause ⏸"
    assert voice.params["caption"] == "Å"
    assert voice.files["voice"] == b"OggS-voice-bytes"


async def test_the_bot_sends_through_the_gate_and_a_burst_all_arrives(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library, rate_limiter=False)
    request = bot.app.bot.request
    assert isinstance(request, AiohttpRequest)
    assert request.in_flight == IN_FLIGHT
    async with running(bot):
        chats = range(5000, 5000 + 4 * IN_FLIGHT)
        await asyncio.gather(*(bot.app.bot.send_message(c, "hello") for c in chats))
    sent = {c.chat_id for c in server.calls_of("sendMessage") if c.status == 200}
    assert sent == set(chats)


async def test_the_proxy_from_the_environment_carries_the_calls_unless_no_proxy_names_the_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[str] = []

    async def proxy(request: web.Request) -> web.Response:
        seen.append(str(request.url))
        return web.json_response({"ok": True, "result": True})

    runner, port = await _local_server(proxy)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("http_proxy", raising=False)
    request = AiohttpRequest()
    await request.initialize()
    try:
        status, _ = await request.do_request("http://api.telegram.invalid/botX/getMe", "POST")
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        with pytest.raises(NetworkError):  # straight to the discard port, not through the proxy
            await request.do_request("http://127.0.0.1:9/botX/getMe", "POST")
    finally:
        await request.shutdown()
        await runner.cleanup()
    assert status == 200
    assert seen == ["http://api.telegram.invalid/botX/getMe"]


async def test_before_send_runs_before_the_request_leaves_and_can_stop_it() -> None:
    """A reminder stores its claim in `before_send` (reminders/dispatcher.py): the hook runs
    before the server sees the request, after the gate, and an exception in it stops the request."""
    seen: list[str] = []

    async def handler(_request: web.Request) -> web.Response:
        seen.append("server")
        return web.json_response({"ok": True, "result": True})

    runner, port = await _local_server(handler)
    url = f"http://127.0.0.1:{port}/bot{TOKEN}/sendMessage"
    request = AiohttpRequest(in_flight=1)
    await request.initialize()

    def refuse() -> None:
        seen.append("refused")
        raise RuntimeError("changed since it was picked")

    try:
        with before_send(lambda: seen.append("hook")):
            await request.do_request(url, "POST")
        await request.do_request(url, "POST")  # outside: no hook
        with before_send(refuse), pytest.raises(RuntimeError):
            await request.do_request(url, "POST")
    finally:
        await request.shutdown()
        await runner.cleanup()
    assert seen == ["hook", "server", "server", "refused"]
