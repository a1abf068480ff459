"""Telegram misbehaving: 429 with retry_after, 5xx, a blocked bot; chats stay independent."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import pytest
from fakebot.server import FakeBotServer
from progress.harness import build_progress_bot, send_document

from bot.harness import Bot, build_bot, ready_user, running, screen
from bot.test_session_flow import Chat, start_session

CHAT = 2002
OTHER = 3003


def fast_retries(bot: Bot) -> None:
    """Shorter backoff so that the retry tests take milliseconds, not seconds."""
    bot.services.sender.base_delay_s = 0.01


async def test_429_is_waited_out_then_delivered(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    async with running(bot):
        server.fail("sendMessage", 429, retry_after=1, chat_id=CHAT)
        started = time.monotonic()
        server.send_text(CHAT, "/help")
        (delivered,) = await server.wait_for("sendMessage", chat_id=CHAT)
        attempts = server.calls_of("sendMessage", chat_id=CHAT)
        assert [c.status for c in attempts] == [429, 200]
        assert attempts[1].at - attempts[0].at >= 1.0  # retry_after respected
        assert time.monotonic() - started < 4
        assert "What I can do" in delivered.text


async def test_5xx_is_retried_with_backoff(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    fast_retries(bot)
    async with running(bot):
        server.fail("sendMessage", 502, times=2, chat_id=CHAT)
        server.send_text(CHAT, "/help")
        await server.wait_for("sendMessage", chat_id=CHAT)
        attempts = server.calls_of("sendMessage", chat_id=CHAT)
        assert [c.status for c in attempts] == [502, 502, 200]
        assert attempts[2].at - attempts[1].at > attempts[1].at - attempts[0].at  # backoff grows


async def test_error_in_one_chat_never_affects_another(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    fast_retries(bot)
    for chat_id in (CHAT, OTHER):
        ready_user(bot.services, chat_id)
    mine, other = Chat(server, CHAT), Chat(server, OTHER)
    async with running(bot):
        await start_session(bot, mine, "long-test")
        server.send_text(OTHER, "/session long-test")
        offer = (await server.wait_for("sendMessage", chat_id=OTHER))[-1]
        server.press(OTHER, offer.message_id or 0, "pb:long-test:3:s:0")
        await server.wait_for("sendMessage", chat_id=OTHER, count=2)
        await server.wait_idle(0.2)  # the handler stores and schedules after sending
        other.new()
        server.fail("sendMessage", 500, times=1000, chat_id=CHAT)  # CHAT's sends all fail
        await bot.run_for(120)  # the whole session: its stop rule, two steps, time to get ready
        assert [c.method for c in mine.new()] == ["editMessageText"] * 2  # edits still work
        received = other.new_texts()
        assert received[0].startswith("Press now.")
        assert "✅ <b>Long test routine</b> done." in received[-1]
        failed = [c for c in server.calls_of("sendMessage", chat_id=CHAT) if c.status == 500]
        assert failed  # it did try, with bounded retries each time
        assert len(failed) <= 4 * 20
        # CHAT's own session is not stuck: it ran to its end too.
        assert bot.services.sessions.get(CHAT) is None


async def test_user_blocking_the_bot_stops_their_session_without_retry_storm(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT)
    chat = Chat(server, CHAT)
    async with running(bot):
        await start_session(bot, chat, "long-test")
        await bot.run_for(19)  # into step 1 (after the get-ready and its stop rule)
        chat.new()
        server.block(CHAT)
        await bot.run_for(120)
        refused = [c for c in server.calls_of(chat_id=CHAT) if c.status == 403]
        assert len(refused) == 1
        assert bot.services.sessions.get(CHAT) is None
        assert bot.services.sessions.store.records.get(CHAT) is None
        assert bot.scheduler is not None
        assert CHAT not in bot.scheduler.pending
        user = bot.services.users.get(CHAT)
        assert user is not None
        assert user.blocked_at is not None
        (entry,) = bot.services.history.recent(CHAT)
        assert not entry.completed
        calls_before = len(server.calls)
        await bot.run_for(600)
        assert len(server.calls) == calls_before

        # Writing again unblocks them.
        server.blocked.discard(CHAT)
        server.send_text(CHAT, "/help")
        await server.wait_for("sendMessage", chat_id=CHAT, text="What I can do")
        user = bot.services.users.get(CHAT)
        assert user is not None
        assert user.blocked_at is None


async def test_an_error_is_logged_without_what_the_user_wrote(
    server: FakeBotServer,
    tmp_path: Path,
    test_library: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot = build_progress_bot(server, tmp_path, test_library)  # with uploads (My routines)
    screen(bot.services, OTHER)
    secret = "zebra-kumquat-7731"  # what the users wrote; it must never reach a log line

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("storage is down")

    def quoting(ref: str, *_args: object, **_kwargs: object) -> None:
        raise ValueError(f"no routine named {ref!r}")  # a message that quotes user input

    def quoting_upload(data: bytes, **_kwargs: object) -> None:
        raise KeyError(data.decode())  # e.g. a parser error showing a snippet of the file

    caplog.set_level(logging.INFO)  # what `guide-bot run` logs (PTB logs whole updates at DEBUG)
    caplog.set_level(logging.DEBUG, logger="guide_bot")
    async with running(bot):
        ensure = bot.services.users.ensure
        bot.services.users.ensure = broken  # type: ignore[method-assign]
        server.send_text(CHAT, f"/session my-{secret}-diagnosis")
        server.send_text(CHAT, f"I have a {secret} condition")
        await _logged(caplog, "error while handling update", 1)
        bot.services.users.ensure = ensure  # type: ignore[method-assign]
        bot.services.catalog.find = lambda _user, ref: quoting(ref)  # type: ignore[method-assign, assignment, misc]
        server.send_text(OTHER, f"/session {secret}")
        bot.services.user_routines.check = quoting_upload  # type: ignore[method-assign, assignment]
        send_document(server, OTHER, f"title: {secret}\n".encode(), "mine.yaml")
        await _logged(caplog, "error while handling update", 3)
        await server.wait_idle(0.2)
    assert secret not in caplog.text
    assert "error while handling update 1: RuntimeError" in caplog.text
    assert ": ValueError\n" in caplog.text
    assert ": KeyError\n" in caplog.text
    assert "in quoting_upload" in caplog.text  # the frames are kept: the bug can be found
    assert "message withheld" in caplog.text
    assert server.token not in caplog.text
    assert server.token.split(":")[1] not in caplog.text


async def _logged(caplog: pytest.LogCaptureFixture, text: str, count: int) -> None:
    for _ in range(100):
        if caplog.text.count(text) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{count} x {text!r} not logged")


async def test_a_403_on_a_reply_marks_the_user_blocked_once(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    async with running(bot):
        server.block(CHAT)
        server.send_text(CHAT, "/start")
        await server.wait_idle(0.3)
        refused = [c for c in server.calls_of(chat_id=CHAT) if c.status == 403]
        assert len(refused) == 3  # welcome, intro, question: each tried once, none retried
        user = bot.services.users.get(CHAT)
        assert user is not None
        assert user.blocked_at is not None
