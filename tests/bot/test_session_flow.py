"""End to end: a whole session over real HTTP, moved by a fake clock: pause, resume, skip, back."""

from __future__ import annotations

import itertools
from pathlib import Path

from fakebot.server import Call, FakeBotServer

from bot.harness import Bot, build_bot, button_data, event_at, ready_user, running
from guide_bot.telegram import texts

CHAT = 2002


class Chat:
    """Reads what the bot sent to one chat since the last look."""

    def __init__(self, server: FakeBotServer, chat_id: int) -> None:
        self.server, self.chat_id, self.seen = server, chat_id, 0

    def new(self) -> list[Call]:
        calls = [c for c in self.server.sent(self.chat_id) if c.method != "sendChatAction"]
        fresh, self.seen = calls[self.seen :], len(calls)
        return fresh

    def new_texts(self) -> list[str]:
        return [c.text for c in self.new()]


def live_keyboards(server: FakeBotServer, chat_id: int) -> list[int]:
    """The messages of the chat that show inline buttons now (as the fake server keeps them)."""
    return sorted(
        message_id
        for (chat, message_id), message in server.messages.items()
        if chat == chat_id and message.get("reply_markup")
    )


async def press(bot: Bot, call: Call, label: str, *, user_id: int | None = None) -> str | None:
    """Tap a button under a message the bot sent; returns the toast text."""
    server = bot.server
    before = len(server.calls_of("answerCallbackQuery"))
    chat_id = call.chat_id or CHAT
    server.press(chat_id, call.message_id or 0, button_data(call, label), user_id=user_id)
    answers = await server.wait_for("answerCallbackQuery", count=before + 1)
    await server.wait_idle(0.1)
    text = answers[-1].params.get("text")
    return str(text) if text is not None else None


async def command(bot: Bot, text: str) -> None:
    """Send a command and let the bot finish answering it."""
    before = len(bot.server.sent(CHAT))
    bot.server.send_text(CHAT, text)
    await bot.server.wait_for("sendMessage", count=1, chat_id=CHAT)
    await bot.server.wait_idle(0.15)
    assert len(bot.server.sent(CHAT)) >= before


async def start_session(bot: Bot, chat: Chat, routine: str, pain: str = "5") -> Call:
    """/session ROUTINE, tap a pain rating; returns the first controls message."""
    bot.server.send_text(chat.chat_id, f"/session {routine}")
    offer = (await bot.server.wait_for("sendMessage", chat_id=chat.chat_id, text="hurt right now"))[
        -1
    ]
    chat.new()
    await press(bot, offer, pain)
    await bot.server.wait_for(("sendMessage", "sendVoice"), chat_id=chat.chat_id, text="Get ready.")
    await bot.server.wait_idle(0.1)
    sent = chat.new()
    assert sent[0].method == "editMessageText"
    assert f"before {pain}/10" in sent[0].text
    return sent[-1]


async def test_whole_session_with_pause_resume_skip_back(
    server: FakeBotServer, tmp_path: Path, test_library: Path, bot_database: str | None
) -> None:
    bot = build_bot(server, tmp_path, test_library, database_url=bot_database)
    ready_user(bot.services, CHAT)
    chat = Chat(server, CHAT)
    async with running(bot):
        t0 = bot.clock.now()
        prepare = await start_session(bot, chat, "quick-test")
        a1 = event_at(bot, CHAT, "announce", 1)
        hold1 = event_at(bot, CHAT, "hold_start", 1)
        release1 = event_at(bot, CHAT, "release", 1)
        assert f"Get ready. The first step starts in {round(a1)} seconds." in prepare.text
        assert [label for label, _ in prepare.buttons()] == [
            "⏸ Pause",
            "⏭ Skip",
            "⏮ Back",
            "+15 s",
            "⏹ Stop",
        ]
        assert bot.scheduler is not None
        assert bot.scheduler.pending[CHAT][0] == t0 + a1

        # Nothing arrives before its time; the step arrives at its time.
        assert bot.scheduler is not None
        await bot.scheduler.run_until(t0 + a1 - 0.1)
        assert chat.new() == []
        await bot.scheduler.run_until(t0 + a1)
        step1 = chat.new()
        assert len(step1) == 1
        assert step1[0].text.startswith("<b>Step 1 of 3 · Ball press</b>\nPress.")
        assert "⏱ Hold 2 s · pressure about 6/10" in step1[0].text
        await bot.run_for(hold1 - a1)
        assert chat.new_texts() == ["Press now."]

        # Pause mid-hold: the keyboard turns to Resume, and time stands still.
        await bot.run_for(0.6)
        toast = await press(bot, step1[0], "Pause")
        assert toast == "⏸ Paused at step 1 of 3. Tap Resume or send /resume to go on."
        edit = chat.new()
        assert [c.method for c in edit] == ["editMessageReplyMarkup"]
        assert edit[0].buttons()[0][0] == "▶️ Resume"
        assert CHAT not in bot.scheduler.pending
        await bot.run_for(300)
        assert chat.new() == []

        # No dead buttons: the older message's Pause acts on the session as it is now (paused),
        # as the current message's Resume would; the current message shows Pause again.
        assert await press(bot, step1[0], "Pause") == "▶️ Resumed."
        redraw = chat.new()
        assert [c.message_id for c in redraw] == [edit[0].message_id]
        assert redraw[0].buttons()[0][0] == "⏸ Pause"
        resumed_at = bot.clock.now()
        left = release1 - (hold1 + 0.6)
        await bot.scheduler.run_until(resumed_at + left - 0.01)
        assert chat.new() == []
        await bot.scheduler.run_until(resumed_at + left)
        assert chat.new_texts() == ["Release."]

        await bot.run_for(1.0)
        step2 = chat.new()
        assert step2[0].text.startswith("<b>Step 2 of 3 · Side stretch</b>")
        assert "Hold 1 s on each side" in step2[0].text

        # /skip jumps to step 3 at once; Back at once goes to the step before (like "previous"
        # on a music player), Back later restarts the step.
        await command(bot, "/skip")
        skipped = chat.new()
        assert len(skipped) == 1
        assert skipped[0].text.startswith("<b>Step 3 of 3 · Breathe</b>")
        assert await press(bot, skipped[0], "Back") is None
        previous = chat.new()
        assert previous[0].text.startswith("<b>Step 2 of 3 · Side stretch</b>")
        await bot.run_for(3.5)
        chat.new()
        assert await press(bot, previous[0], "Back") is None
        assert chat.new()[0].text.startswith("<b>Step 2 of 3 · Side stretch</b>")
        await command(bot, "/skip")
        again = chat.new()
        assert again[0].text.startswith("<b>Step 3 of 3 · Breathe</b>")

        # +15 s is refused outside a hold, accepted during it.
        assert await press(bot, again[0], "+15 s") == "Time can be added only during a hold."
        a3, hold3 = event_at(bot, CHAT, "announce", 3), event_at(bot, CHAT, "hold_start", 3)
        release3 = event_at(bot, CHAT, "release", 3)
        await bot.run_for(hold3 - a3)
        assert chat.new_texts() == ["Breathe now."]
        assert await press(bot, again[0], "+15 s") == "+15 s on this hold."
        await bot.run_for(release3 - hold3 + 15 - 0.1)
        assert chat.new() == []
        await bot.run_for(0.2)
        assert chat.new_texts() == ["Let your breath settle. Session complete, well done."]

        # The end: the controls disappear, the completion asks for the pain rating.
        await bot.run_for(event_at(bot, CHAT, "complete") - release3)
        end = chat.new()
        assert [c.method for c in end] == ["editMessageReplyMarkup", "sendMessage"]
        assert end[0].buttons() == []
        # text mode: the final cue said "Session complete, well done"; the end is not said twice
        assert end[1].text.startswith("✅ <b>Quick test routine</b> done.")
        assert "Session complete" not in end[1].text
        assert "How much does it hurt now" in end[1].text
        assert CHAT not in bot.scheduler.pending
        assert bot.services.sessions.store.records.get(CHAT) is None

        await press(bot, end[1], "2")
        assert "before 5/10, after 2/10" in chat.new()[0].text
        (entry,) = bot.services.history.recent(CHAT)
        assert entry.completed
        assert (entry.pain_before, entry.pain_after) == (5, 2)
        assert entry.steps_done == entry.steps_total == 3
        # a button of a session that is over says so and goes (none looks alive and does nothing)
        assert await press(bot, again[0], "Stop") == texts.SESSION_OVER
        assert "reply_markup" not in server.messages[(CHAT, again[0].message_id or 0)]
        assert await press(bot, end[1], "3") == "That button is from an older message."


async def test_cues_close_together_are_grouped_and_spaced(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT)
    chat = Chat(server, CHAT)
    async with running(bot):
        await start_session(bot, chat, "long-test")
        times: list[tuple[float, list[str]]] = []
        t0 = bot.clock.now()
        for _ in range(400):
            await bot.run_for(0.25)
            fresh = chat.new()
            if fresh:
                times.append((round(bot.clock.now() - t0, 2), [c.text for c in fresh]))
            if bot.services.sessions.store.records.get(CHAT) is None:
                break
        # The countdown 3-2-1 comes one a second; nothing is sent twice within a second.
        sends = [t for t, _ in times]
        assert all(b - a >= 0.99 for a, b in itertools.pairwise(sends))
        flat = [text for _, texts in times for text in texts]
        assert flat.index("3") < flat.index("2") < flat.index("1") < flat.index("Release.")
        assert "Breathe out slowly." in flat
        assert "Halfway." in flat
        assert flat[-1].startswith("✅ <b>Long test routine</b> done.")
        assert sum("Session complete" in text for text in flat) == 1  # said once
        # The step's release and the next announcement are 0.95 s apart: spaced to 1 s.
        release_at = next(t for t, texts in times if "Release." in texts)
        step2_at = next(t for t, texts in times if any("Step 2 of 2" in x for x in texts))
        assert step2_at - release_at == 1.0


async def test_stop_and_another_session_asks_first(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT)
    chat = Chat(server, CHAT)
    async with running(bot):
        await start_session(bot, chat, "long-test", pain="7")
        await bot.run_for(19)  # into step 1 (after the get-ready and its stop rule)
        chat.new()
        server.send_text(CHAT, "/session quick-test")
        ask = (await server.wait_for("sendMessage", text="session in progress"))[-1]
        assert "<b>Long test routine</b>" in ask.text
        chat.new()
        await press(bot, ask, "Keep my current")
        assert chat.new()[0].text == "OK, your current session goes on."
        assert bot.services.sessions.get(CHAT) is not None

        server.send_text(CHAT, "/session quick-test")
        ask = (await server.wait_for("sendMessage", text="session in progress", count=2))[-1]
        chat.new()
        await press(bot, ask, "End it")
        sent = chat.new()
        assert any(c.text == "Session stopped." for c in sent)
        assert "Quick test routine" in sent[-1].text
        (entry,) = bot.services.history.recent(CHAT)
        assert not entry.completed
        assert entry.pain_before == 7
        assert entry.steps_done == 1
        assert bot.services.sessions.get(CHAT) is None

        await command(bot, "/pause")
        assert chat.new_texts()[-1] == "There is no session in progress. /routines to find one."


async def test_another_users_button_changes_nothing(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT)
    chat = Chat(server, CHAT)
    async with running(bot):
        prepare = await start_session(bot, chat, "long-test")
        toast = await press(bot, prepare, "Stop", user_id=9999)
        assert toast == "That session belongs to someone else."
        assert bot.services.sessions.get(CHAT) is not None
        version = bot.services.sessions.live[CHAT].record.version
        forged = f"ctl:stop:{bot.services.sessions.live[CHAT].record.session_id}:{version + 5}"
        before = len(server.calls_of("answerCallbackQuery"))
        server.press(CHAT, prepare.message_id or 0, forged)
        answer = (await server.wait_for("answerCallbackQuery", count=before + 1))[-1]
        assert answer.params["text"] == texts.INVALID_BUTTON  # a version never sent
        assert bot.services.sessions.get(CHAT) is not None
        assert [c.method for c in chat.new()] == []
