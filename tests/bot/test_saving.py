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

from bot.harness import Bot, build_bot, event_at, ready_user, running
from bot.test_session_flow import Chat, start_session
from guide_bot.domain.clock import FakeClock
from guide_bot.sessions import keeping as keeping_module
from guide_bot.sessions.live import LiveSession as Live

CHAT = 3003


def saving_bot(server: FakeBotServer, tmp_path: Path, library: Path) -> tuple[Bot, Chat]:
    """A bot with a screened user in CHAT, and that chat's reader."""
    bot = build_bot(server, tmp_path, library)
    ready_user(bot.services, CHAT)
    return bot, Chat(server, CHAT)


async def into_the_hold(bot: Bot, chat: Chat) -> Live:
    """Start the long routine and run to just after step 1's "Press now." (progress unsaved)."""
    await start_session(bot, chat, "long-test")
    await bot.run_for(event_at(bot, CHAT, "hold_start", 1) + 0.5)
    assert chat.new_texts()[-1].startswith("Press now.\n")
    sessions = bot.services.sessions
    assert sessions.unsaved == 1
    live = sessions.get(CHAT)
    assert live is not None
    return live


def stored_state(bot: Bot) -> dict[str, object]:
    """The chat's stored session state."""
    stored = bot.services.sessions.store.records.get(CHAT)
    assert stored is not None
    return stored.state


async def test_progress_is_stored_with_the_batch_and_an_action_at_once(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot, chat = saving_bot(server, tmp_path, test_library)
    sessions = bot.services.sessions
    async with running(bot):
        await start_session(bot, chat, "long-test")
        assert sessions.unsaved == 0
        started = stored_state(bot)  # the start is stored at once
        await bot.run_for(event_at(bot, CHAT, "hold_start", 1) + 0.5)
        assert sessions.unsaved == 1
        live = sessions.get(CHAT)
        assert live is not None
        assert stored_state(bot) == started  # not yet
        sessions.flush()
        assert sessions.unsaved == 0
        assert stored_state(bot) == live.session.to_dict() != started

        await bot.run_for(event_at(bot, CHAT, "cue", 1) - event_at(bot, CHAT, "hold_start", 1))
        assert sessions.unsaved == 1
        await sessions.control(CHAT, "pause")
        assert sessions.unsaved == 0  # a user action stores the session, progress and all
        assert stored_state(bot)["state"] == "paused"


async def test_stopping_the_bot_stores_the_progress_not_yet_stored(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot, chat = saving_bot(server, tmp_path, test_library)
    async with running(bot):
        live = await into_the_hold(bot, chat)
    assert stored_state(bot) == live.session.to_dict()


async def test_a_session_that_ended_is_not_brought_back_by_a_batch(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot, chat = saving_bot(server, tmp_path, test_library)
    sessions = bot.services.sessions
    async with running(bot):
        await into_the_hold(bot, chat)
        await sessions.stop(CHAT)
        sessions.flush()
        assert bot.services.sessions.store.records.get(CHAT) is None
        assert bot.services.sessions.store.records.all() == []


async def test_a_batch_that_fails_is_kept_and_stored_by_the_next(
    server: FakeBotServer, tmp_path: Path, test_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot, chat = saving_bot(server, tmp_path, test_library)
    sessions = bot.services.sessions
    repo = bot.services.sessions.store
    real = repo.update_progress
    calls = 0

    def flaky(rows: list[object]) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OSError("disk I/O error")
        real(rows)  # type: ignore[arg-type]

    async with running(bot):
        live = await into_the_hold(bot, chat)
        monkeypatch.setattr(repo, "update_progress", flaky)
        sessions.flush()
        assert sessions.unsaved == 1  # kept for the next batch
        sessions.flush()
        assert sessions.unsaved == 0
        assert stored_state(bot) == live.session.to_dict()


async def test_the_batch_runs_by_itself_within_the_save_delay(
    server: FakeBotServer, tmp_path: Path, test_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keeping_module, "SAVE_DELAY_S", 0.01)
    bot, chat = saving_bot(server, tmp_path, test_library)
    sessions = bot.services.sessions
    async with running(bot):
        live = await into_the_hold(bot, chat)
        for _ in range(200):  # the real loop's timer; no fake clock moves it
            if sessions.unsaved == 0:
                break
            await asyncio.sleep(0.01)
        assert sessions.unsaved == 0
        assert stored_state(bot) == live.session.to_dict()


async def test_a_crash_before_the_batch_says_those_cues_again_after_the_restart(
    server: FakeBotServer, tmp_path: Path, test_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot, chat = saving_bot(server, tmp_path, test_library)
    sessions = bot.services.sessions
    monkeypatch.setattr(sessions, "flush", lambda: None)  # the process dies: nothing more stored
    async with running(bot):
        await into_the_hold(bot, chat)
        stopped_at = bot.clock.now()

    again = build_bot(server, tmp_path, test_library, clock=FakeClock(stopped_at + 2.0))
    async with running(again):
        # said again: at least once, never lost
        assert "Press now." in [text.splitlines()[0] for text in chat.new_texts()]
        assert again.services.sessions.get(CHAT) is not None
