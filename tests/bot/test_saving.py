"""Storing sessions in progress: actions at once, the progress of scheduled runs in batches.

A batch is one transaction for every session that moved within SAVE_DELAY_S; stopping the bot
stores what is left; a session that ended is never brought back by a batch; a batch that fails
is kept for the next; and if the bot dies before a batch, the restore says those cues again.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fakebot.server import FakeBotServer

from bot.harness import build_bot, event_at, ready_user, running
from bot.test_session_flow import Chat, start_session
from guide_bot.domain.clock import FakeClock
from guide_bot.scheduling import driver as driver_module

CHAT = 3003


async def test_progress_is_stored_with_the_batch_and_an_action_at_once(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT)
    chat = Chat(server, CHAT)
    driver = bot.services.require_driver()
    async with running(bot):
        await start_session(bot, chat, "long-test")
        started = bot.services.sessions.get(CHAT)
        assert started is not None  # the start is stored at once
        assert driver.unsaved == 0
        await bot.run_for(event_at(bot, CHAT, "hold_start", 1) + 0.5)
        assert chat.new_texts()[-1] == "Press now."
        live = driver.get(CHAT)
        assert live is not None
        assert driver.unsaved == 1
        assert bot.services.sessions.get(CHAT) == started  # not yet
        driver.flush()
        assert driver.unsaved == 0
        stored = bot.services.sessions.get(CHAT)
        assert stored is not None
        assert stored.state == live.session.to_dict()
        assert stored.state != started.state

        await bot.run_for(event_at(bot, CHAT, "cue", 1) - event_at(bot, CHAT, "hold_start", 1))
        assert driver.unsaved == 1
        await driver.control(CHAT, lambda session, now: session.pause(now))
        assert driver.unsaved == 0  # a user action stores the session, progress and all
        stored = bot.services.sessions.get(CHAT)
        assert stored is not None
        assert stored.state["state"] == "paused"


async def test_stopping_the_bot_stores_the_progress_not_yet_stored(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT)
    chat = Chat(server, CHAT)
    async with running(bot):
        await start_session(bot, chat, "long-test")
        await bot.run_for(event_at(bot, CHAT, "hold_start", 1) + 0.5)
        live = bot.services.require_driver().get(CHAT)
        assert live is not None
        assert bot.services.require_driver().unsaved == 1
    stored = bot.services.sessions.get(CHAT)
    assert stored is not None
    assert stored.state == live.session.to_dict()


async def test_a_session_that_ended_is_not_brought_back_by_a_batch(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT)
    chat = Chat(server, CHAT)
    driver = bot.services.require_driver()
    async with running(bot):
        await start_session(bot, chat, "long-test")
        await bot.run_for(event_at(bot, CHAT, "hold_start", 1) + 0.5)
        assert driver.unsaved == 1
        await driver.stop(CHAT)
        driver.flush()
        assert bot.services.sessions.get(CHAT) is None
        assert bot.services.sessions.all() == []


async def test_a_batch_that_fails_is_kept_and_stored_by_the_next(
    server: FakeBotServer, tmp_path: Path, test_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT)
    chat = Chat(server, CHAT)
    driver = bot.services.require_driver()
    repo = bot.services.sessions
    real = repo.update_many
    calls = 0

    def flaky(records: list[object]) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OSError("disk I/O error")
        real(records)  # type: ignore[arg-type]

    async with running(bot):
        await start_session(bot, chat, "long-test")
        await bot.run_for(event_at(bot, CHAT, "hold_start", 1) + 0.5)
        monkeypatch.setattr(repo, "update_many", flaky)
        driver.flush()
        assert driver.unsaved == 1  # kept for the next batch
        driver.flush()
        assert driver.unsaved == 0
        live = driver.get(CHAT)
        stored = repo.get(CHAT)
        assert live is not None
        assert stored is not None
        assert stored.state == live.session.to_dict()


async def test_the_batch_runs_by_itself_within_the_save_delay(
    server: FakeBotServer, tmp_path: Path, test_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(driver_module, "SAVE_DELAY_S", 0.01)
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT)
    chat = Chat(server, CHAT)
    driver = bot.services.require_driver()
    async with running(bot):
        await start_session(bot, chat, "long-test")
        await bot.run_for(event_at(bot, CHAT, "hold_start", 1) + 0.5)
        for _ in range(200):  # the real loop's timer; no fake clock moves it
            if driver.unsaved == 0:
                break
            await asyncio.sleep(0.01)
        assert driver.unsaved == 0
        live = driver.get(CHAT)
        stored = bot.services.sessions.get(CHAT)
        assert live is not None
        assert stored is not None
        assert stored.state == live.session.to_dict()


async def test_a_crash_before_the_batch_says_those_cues_again_after_the_restart(
    server: FakeBotServer, tmp_path: Path, test_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT)
    chat = Chat(server, CHAT)
    driver = bot.services.require_driver()
    monkeypatch.setattr(driver, "flush", lambda: None)  # the process dies: nothing more stored
    async with running(bot):
        await start_session(bot, chat, "long-test")
        hold = event_at(bot, CHAT, "hold_start", 1)
        await bot.run_for(hold + 0.5)
        assert chat.new_texts()[-1] == "Press now."
        stopped_at = bot.clock.now()

    again = build_bot(server, tmp_path, test_library, clock=FakeClock(stopped_at + 2.0))
    async with running(again):
        assert "Press now." in chat.new_texts()  # said again: at least once, never lost
        assert again.services.require_driver().get(CHAT) is not None
