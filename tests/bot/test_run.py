"""`guide-bot run`: the missing-token message, webhook mode's secret token, the real timers."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from click.testing import CliRunner
from fakebot.server import FakeBotServer

from bot.harness import TINY_ROUTINE, build_bot, ready_user, running
from guide_bot.bootstrap import api_urls, start_webhook
from guide_bot.cli import main
from guide_bot.cli.run_cmds import RedactingFormatter, webhook_params
from guide_bot.domain.clock import SystemClock
from guide_bot.sessions.timers import LoopScheduler
from guide_bot.web.server import stop_web


def test_run_without_token_says_how_to_get_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    for name in ("TELEGRAM_BOT_TOKEN", "GUIDE_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner(mix_stderr=False).invoke(main, ["run"])
    assert result.exit_code == 2
    assert "no bot token" in result.stderr
    assert "@BotFather" in result.stderr
    assert "/newbot" in result.stderr
    assert "export TELEGRAM_BOT_TOKEN=" in result.stderr
    assert not (tmp_path / "data").exists()  # nothing was created


def test_base_url_forms() -> None:
    assert api_urls("http://localhost:8081") == (
        "http://localhost:8081/bot",
        "http://localhost:8081/file/bot",
    )
    assert api_urls("http://localhost:8081/bot/") == (
        "http://localhost:8081/bot",
        "http://localhost:8081/file/bot",
    )


def test_token_is_redacted_from_log_lines_and_tracebacks() -> None:
    try:
        raise RuntimeError("The token `123:ABC` was rejected")
    except RuntimeError:
        info = sys.exc_info()
    record = logging.LogRecord("x", logging.INFO, "x", 1, "GET %s", ("/bot123:ABC/getMe",), info)
    line = RedactingFormatter("123:ABC", "%(message)s").format(record)
    assert line.startswith("GET /bot<token>/getMe")
    assert "The token `<token>` was rejected" in line
    assert "123:ABC" not in line


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_refuses_requests_without_the_secret_token(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram-hook"
    params = webhook_params(url, "127.0.0.1", port, None)
    assert len(params["secret_token"]) >= 32  # a random one when none is given
    app = bot.app
    await app.initialize()
    await app.start()
    runner = await start_webhook(app, **params)
    try:
        (set_webhook,) = server.calls_of("setWebhook")
        assert set_webhook.params["url"] == url
        assert set_webhook.params["secret_token"] == params["secret_token"]
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": 77, "type": "private"},
                "from": {"id": 77, "is_bot": False, "first_name": "U"},
                "text": "/help",
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            },
        }
        body = json.dumps(update)
        headers = {"Content-Type": "application/json"}
        async with aiohttp.ClientSession() as client:
            async with client.post(url, data=body, headers=headers) as response:
                assert response.status == 403
            wrong = {**headers, "X-Telegram-Bot-Api-Secret-Token": "guess"}
            async with client.post(url, data=body, headers=wrong) as response:
                assert response.status == 403
            assert not server.calls_of("sendMessage")
            right = {**headers, "X-Telegram-Bot-Api-Secret-Token": params["secret_token"]}
            async with client.post(url, data=body, headers=right) as response:
                assert response.status == 200
            # a body over the cap is refused by its announced length, before it is read
            huge = b"{" + b" " * (2 * 1024 * 1024) + b"}"
            async with client.post(url, data=huge, headers=right) as response:
                assert response.status == 413
        (reply,) = await server.wait_for("sendMessage", chat_id=77)
        assert "What I can do" in reply.text
    finally:
        await stop_web(runner)
        await app.stop()
        await app.shutdown()


async def test_real_timers_drive_a_tiny_session(server: FakeBotServer, tmp_path: Path) -> None:
    library = tmp_path / "tiny"
    library.mkdir()
    (library / "tiny-test.yaml").write_text(TINY_ROUTINE, encoding="utf-8")
    bot = build_bot(server, tmp_path, library, clock=SystemClock(), manual=False)
    bot.services.sessions.text_speak = lambda _text: 0.1  # short cues, so it runs in about 3 s
    ready_user(bot.services, 55)
    async with running(bot):
        server.send_text(55, "/session tiny-test")
        offer = (await server.wait_for("sendMessage", chat_id=55))[-1]
        # When the bot sends, not when the server hears it: under load the network adds jitter.
        sender = bot.services.sender
        send_call, sent_at = sender.call, []

        async def timed_call(chat_id: int, method: str, *args: Any, **kwargs: Any) -> Any:
            if method == "sendMessage":  # session messages go out through call (silent or not)
                sent_at.append(time.monotonic())
            return await send_call(chat_id, method, *args, **kwargs)

        sender.call = timed_call  # type: ignore[method-assign]
        server.press(55, offer.message_id or 0, "pb:tiny-test:-1:s:0")
        await server.wait_for("sendMessage", chat_id=55, count=2)
        scheduler = bot.services.sessions.scheduler
        assert isinstance(scheduler, LoopScheduler)
        loop = asyncio.get_running_loop()
        counts = []
        for _ in range(20):  # never two timers armed for one session (the loop's own heap)
            armed = [
                h
                for h in loop._scheduled  # type: ignore[attr-defined]
                if not h.cancelled() and getattr(h._callback, "__self__", None) is scheduler
            ]
            counts.append(len(armed))
            await asyncio.sleep(0.05)
        assert max(counts) == 1
        done = await server.wait_for("sendMessage", chat_id=55, text="✅", within=10)
        texts = [c.text for c in server.calls_of("sendMessage", chat_id=55)]
        steps = [t.split("<b>Step ")[1].split("</b>")[0] for t in texts if "<b>Step " in t]
        assert steps == ["1 of 1 · First"]
        assert "Release. Session complete, well done." in "\n".join(texts[-2:])
        assert "✅ <b>Tiny test routine</b> done." in texts[-1]
        assert "\n".join(texts).count("Session complete") == 1  # the end is said once
        sends = [c.at for c in server.calls_of("sendMessage", chat_id=55)][1:]
        assert len(sent_at) == len(sends)
        assert all(b - a >= 0.95 for a, b in itertools.pairwise(sent_at))
        assert done[0].at - sends[0] < 9
        assert 55 not in scheduler.pending()


def _env(tmp_path: Path, library: Path, token: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUIDE_BOT_", "TELEGRAM_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=token,
        GUIDE_BOT_DATA_DIR=str(tmp_path / "data"),
        GUIDE_BOT_LIBRARY=str(library),
        GUIDE_BOT_TTS="espeak",
        GUIDE_BOT_AUDIO_CACHE=str(tmp_path / "audio"),
    )
    return env


RUN = [sys.executable, "-c", "from guide_bot.cli import main; main()", "run"]


async def test_run_as_a_process_answers_and_stops_on_sigterm(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    proc = await asyncio.create_subprocess_exec(
        *RUN,
        "--base-url",
        f"http://127.0.0.1:{server.port}",  # a bare address: /bot is added
        env=_env(tmp_path, test_library, server.token),
        cwd=tmp_path,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        server.send_text(88, "/help")
        (reply,) = await server.wait_for("sendMessage", chat_id=88, within=30)
        assert "What I can do" in reply.text
        assert server.calls_of("setMyCommands")
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 0
    assert server.token not in stderr.decode()
    assert (tmp_path / "data" / "guide-bot.sqlite3").exists()


async def test_run_with_a_refused_token_says_so(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    proc = await asyncio.create_subprocess_exec(
        *RUN,
        "--base-url",
        server.base_url,
        env=_env(tmp_path, test_library, "999:not-the-token-but-shaped-like-one-0123456789"),
        cwd=tmp_path,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 2
    assert "Telegram refused the bot token" in stderr.decode()
    assert "not-the-token" not in stderr.decode()


def test_the_bot_moves_past_updates_it_cannot_read(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    """The composition root builds the bot whose getUpdates skips an unreadable update
    (guide_bot/telegram/unreadable_updates.py, tested there) instead of stalling polling."""
    from guide_bot.telegram.unreadable_updates import SkipUnreadableUpdatesBot

    bot = build_bot(server, tmp_path, test_library)
    assert isinstance(bot.app.bot, SkipUnreadableUpdatesBot)
    assert bot.app.bot.defaults is not None
    assert bot.app.bot.defaults.parse_mode == "HTML"
