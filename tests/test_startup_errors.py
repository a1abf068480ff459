"""describe_startup_error: what python-telegram-bot raises at getMe, as one line naming the setting.

Each case is a real `Bot.get_me()` over HTTP: the fake Bot API with another token (401), a web
server that is no Bot API (404, and 200 with HTML), a server that fails (500) and a closed port.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from aiohttp import web
from fakebot.server import FakeBotServer
from telegram import Bot

from guide_bot.telegram.startup_errors import describe_startup_error

TOKEN = "123456:AAE-a-well-shaped-token-for-tests-0123456789"


async def _get_me_error(base_url: str, token: str = TOKEN) -> BaseException:
    bot = Bot(token, base_url=base_url)
    try:
        await bot.get_me()
    except Exception as exc:
        return exc
    raise AssertionError("getMe worked")


@pytest.fixture
async def web_server() -> AsyncIterator[Callable[[web.Response], str]]:
    runners: list[web.AppRunner] = []

    async def start(answer: web.Response) -> str:
        async def handle(_request: web.Request) -> web.Response:
            return answer

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handle)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        port = runner.addresses[0][1]
        return f"http://127.0.0.1:{port}/bot"

    yield start  # type: ignore[misc]
    for runner in runners:
        await runner.cleanup()


def _check(line: str, *parts: str) -> None:
    assert line.startswith("guide-bot: ")
    assert "\n" not in line
    assert TOKEN not in line
    assert TOKEN.split(":")[1] not in line
    for part in parts:
        assert part in line, line


async def test_refused_token_by_telegram_or_a_bot_api_server() -> None:
    async with FakeBotServer() as server:
        exc = await _get_me_error(server.base_url)
    _check(describe_startup_error(exc), "TELEGRAM_BOT_TOKEN", "refused", "401", "@BotFather")
    _check(
        describe_startup_error(exc, base_url=server.base_url),
        "TELEGRAM_BOT_TOKEN",
        "Telegram refused the bot token",
    )


async def test_a_web_server_that_is_no_bot_api(web_server: Callable[..., object]) -> None:
    url = await web_server(web.Response(status=404, text="<html>nothing here</html>"))  # type: ignore[misc]
    exc = await _get_me_error(url)
    _check(describe_startup_error(exc, base_url=url), "GUIDE_BOT_BASE_URL", "not a Bot API")
    url = await web_server(web.Response(status=200, text="<html>a blog</html>"))  # type: ignore[misc]
    exc = await _get_me_error(url)
    _check(
        describe_startup_error(exc, base_url=url),
        "GUIDE_BOT_BASE_URL",
        "not the Bot API's",
        "Invalid server response",
    )
    url = await web_server(web.Response(status=500, text="oops"))  # type: ignore[misc]
    exc = await _get_me_error(url)
    _check(describe_startup_error(exc, base_url=url), "GUIDE_BOT_BASE_URL", "cannot reach")


async def test_nothing_listening() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/bot"
    exc = await _get_me_error(url)
    _check(describe_startup_error(exc, base_url=url), "GUIDE_BOT_BASE_URL", "cannot reach")
    _check(describe_startup_error(exc), "network", "api.telegram.org")


def test_anything_else_is_named_by_its_type_only() -> None:
    line = describe_startup_error(RuntimeError(f"boom {TOKEN}"))
    _check(line, "RuntimeError")


RUN = [sys.executable, "-c", "from guide_bot.cli import main; main()", "run"]


async def _run_bot(tmp_path: Path, base_url: str, token: str) -> tuple[int, list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUIDE_BOT_", "TELEGRAM_"))}
    env.update(TELEGRAM_BOT_TOKEN=token, GUIDE_BOT_DATA_DIR=str(tmp_path / "data"))
    proc = await asyncio.create_subprocess_exec(
        *RUN, "--base-url", base_url, env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, stderr.decode().splitlines()


async def test_run_stops_with_one_line_for_a_refused_token_or_no_bot_api(
    tmp_path: Path, web_server: Callable[..., object]
) -> None:
    """The real `guide-bot run`: getMe is asked before anything is built (no PTB traceback)."""
    async with FakeBotServer() as server:
        code, lines = await _run_bot(tmp_path, server.base_url, TOKEN)
    assert code == 2
    assert lines == [
        "guide-bot: TELEGRAM_BOT_TOKEN / GUIDE_BOT_TOKEN: Telegram refused the bot token "
        "(getMe: 401 Unauthorized); allowed: the bot's current token from @BotFather (send "
        "/mybots, pick the bot, API Token)"
    ]
    url = await web_server(web.Response(status=404, text="<html>no</html>"))  # type: ignore[misc]
    code, lines = await _run_bot(tmp_path, url, TOKEN)
    assert code == 2
    assert len(lines) == 1
    assert "GUIDE_BOT_BASE_URL / --base-url=" in lines[0]
    assert "not a Bot API" in lines[0]
