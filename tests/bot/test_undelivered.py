"""A step Telegram does not take (five 502s in a row): never dropped silently (issue 19).

The sender retries a send in place four times with backoff; when all of them fail, the presenter
keeps the message and the session service pauses the session there and sends the message again,
with a word on why it is paused and a Resume button, at growing intervals in that chat's own
scheduled run. Other chats go on at their own times.
"""

from __future__ import annotations

import time
from pathlib import Path

from fakebot.server import FakeBotServer

from bot.harness import Bot, build_bot, event_at, ready_user, running
from bot.test_session_flow import Chat, press, start_session
from guide_bot.domain.session import SessionState
from guide_bot.sessions.service import REDELIVER_FIRST_S

CHAT, OTHER = 2002, 3003


def fast_retries(bot: Bot) -> None:
    """Shorter in-place backoff, so that four failed attempts take milliseconds."""
    bot.services.sender.base_delay_s = 0.01


async def test_five_502s_on_a_step_pause_the_session_and_the_step_comes_late(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    fast_retries(bot)
    ready_user(bot.services, CHAT)
    chat = Chat(server, CHAT)
    sessions = bot.services.sessions
    async with running(bot):
        await start_session(bot, chat, "long-test")
        live = sessions.get(CHAT)
        assert live is not None
        start = live.session.updated_at or 0.0
        hold = start + event_at(bot, CHAT, "hold_start", 1)
        await bot.run_for(hold - 0.01 - bot.clock.now())
        chat.new()
        server.fail("sendMessage", 502, times=5, chat_id=CHAT)
        await bot.run_for(hold - bot.clock.now())  # "Press now." due: four attempts, all 502
        tried = server.calls_of("sendMessage", chat_id=CHAT)[-4:]
        assert [c.status for c in tried] == [502] * 4
        assert "now." in tried[0].text
        assert chat.new() == []  # nothing arrived yet
        assert live.session.state is SessionState.PAUSED  # nothing goes on without the user
        assert sessions.store.get(CHAT).state["state"] == "paused"  # type: ignore[union-attr]
        await bot.run_for(REDELIVER_FIRST_S - 0.01)
        assert chat.new() == []
        await bot.run_for(0.01)  # the first retry: the fifth 502, then Telegram is back
        assert [c.status for c in server.calls_of("sendMessage", chat_id=CHAT)[-2:]] == [502, 200]
        (late,) = chat.new()
        assert late.text.startswith("Press now.")  # the move itself, late
        assert "Telegram did not take this message in time" in late.text
        assert "paused your session at step 1 of 2" in late.text
        assert "Resume" in next(label for label, _ in late.buttons())
        assert live.session.state is SessionState.PAUSED
        await bot.run_for(600)
        assert chat.new() == []  # still paused: it waits for the user
        await press(bot, late, "Resume")
        await bot.run_for(120)
        texts = [c.text for c in chat.new()]
        assert any("Back stretch" in t for t in texts)  # step 2 came, in its turn
        assert sessions.get(CHAT) is None  # and the session ran to its end
        (entry,) = bot.services.history.recent(CHAT)
        assert entry.completed


async def test_a_voice_note_telegram_does_not_take_is_not_called_a_speech_failure(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    fast_retries(bot)
    ready_user(bot.services, CHAT, mode="voice")
    chat = Chat(server, CHAT)
    async with running(bot):
        await start_session(bot, chat, "long-test")
        live = bot.services.sessions.get(CHAT)
        assert live is not None
        announce = (live.session.updated_at or 0.0) + event_at(bot, CHAT, "announce", 2)
        await bot.run_for(announce - 0.01 - bot.clock.now())
        chat.new()
        server.fail("sendVoice", 502, times=4, chat_id=CHAT)
        server.fail("sendMessage", 502, times=4, chat_id=CHAT)  # and the first retry fails too
        await bot.run_for(announce - bot.clock.now())
        assert chat.new() == []
        assert live.session.state is SessionState.PAUSED
        await bot.run_for(REDELIVER_FIRST_S)
        assert chat.new() == []
        await bot.run_for(2 * REDELIVER_FIRST_S - 0.01)  # the next retry waits twice as long
        assert chat.new() == []
        await bot.run_for(0.01)
        (late,) = chat.new()
        assert "Step 2 of 2" in late.text
        assert "Telegram did not take this message in time" in late.text
        assert "Voice notes are not available" not in late.text
        assert live.voice  # the session keeps its voice notes


async def test_another_chat_is_not_held_back_by_a_chat_telegram_refuses(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    """In real time, on the bot's own JobQueue: CHAT's step meets five 502s with the sender's
    real backoff (0.5 + 1 + 2 s); OTHER's steps, due meanwhile, go out on time."""
    bot = build_bot(server, tmp_path, test_library, manual=False)
    for chat_id in (CHAT, OTHER):
        ready_user(bot.services, chat_id)
    mine, other = Chat(server, CHAT), Chat(server, OTHER)
    async with running(bot):
        await start_session(bot, mine, "quick-test")
        server.fail("sendMessage", 502, times=5, chat_id=CHAT)
        await start_session(bot, other, "quick-test")
        live = bot.services.sessions.get(OTHER)
        assert live is not None
        started = (live.session.updated_at or 0.0) - (time.time() - time.monotonic())
        step_1 = started + event_at(bot, OTHER, "hold_start", 1)
        late = await server.wait_for("sendMessage", chat_id=CHAT, text="did not take", within=30)
        assert "now." in late[0].text  # CHAT's first move, late, and the session paused
        failed = [c.at for c in server.calls_of("sendMessage", chat_id=CHAT) if c.status == 502]
        sent = next(c.at for c in server.sent(OTHER) if c.text.split("\n")[0].endswith("now."))
        assert failed[0] < sent < failed[3]  # OTHER's step fell due while CHAT was in backoff
        print(f"OTHER's step 1 late by {sent - step_1:.3f} s")
        assert sent - step_1 < 0.5  # on time, where CHAT waited 3.5 s between its attempts
