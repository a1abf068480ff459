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
    await bot.server.wait_for(
        ("sendMessage", "sendVoice", "sendPhoto"), chat_id=chat.chat_id, text="Get ready."
    )
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

        # Step 1 came with the get-ready: its start costs no call; the hold start is a new,
        # notifying message with the hold's length.
        assert "<b>Step 1 of 3 · Ball press</b>\nPress." in prepare.text
        assert "⏱ Hold 2 s · pressure about 6/10" in prepare.text
        await bot.scheduler.run_until(t0 + a1)
        assert chat.new() == []
        await bot.run_for(hold1 - a1)
        (now_message,) = chat.new()
        assert now_message.text == "Press now.\n⏳ 2 seconds"
        assert not silent(now_message)
        assert now_message.buttons() == []  # the controls stay on the step message

        # Pause mid-hold: the step message is edited (the keyboard turns to Resume and goes with
        # the edit), and time stands still.
        await bot.run_for(0.6)
        toast = await press(bot, prepare, "Pause")
        assert toast == "⏸ Paused at step 1 of 3. Tap Resume or send /resume to go on."
        edit = chat.new()
        assert [c.method for c in edit] == ["editMessageText"]
        assert edit[0].message_id == prepare.message_id
        assert edit[0].buttons()[0][0] == "▶️ Resume"
        assert "⏸ Paused." in edit[0].text
        assert "<b>Step 1 of 3 · Ball press</b>" in edit[0].text
        assert "seconds left\n▱" in edit[0].text  # the countdown and the bar of the hold
        assert CHAT not in bot.scheduler.pending
        await bot.run_for(300)
        assert chat.new() == []

        # No dead buttons: the older keyboard's Pause acts on the session as it is now (paused),
        # as the current Resume would; the step message shows Pause again.
        assert await press(bot, prepare, "Pause") == "▶️ Resumed."
        redraw = chat.new()
        assert [c.message_id for c in redraw] == [prepare.message_id]
        assert redraw[0].buttons()[0][0] == "⏸ Pause"
        assert live_keyboards(server, CHAT) == [prepare.message_id]
        resumed_at = bot.clock.now()
        left = release1 - (hold1 + 0.6)
        await bot.scheduler.run_until(resumed_at + left - 0.01)
        assert chat.new() == []
        await bot.scheduler.run_until(resumed_at + left)
        # The release that ends step 1 carries step 2's message (new, notifying, the controls).
        (step2,) = chat.new()
        assert step2.text.startswith("Release.\n\n<b>Step 2 of 3 · Side stretch</b>")
        assert "Hold 1 s on each side" in step2.text
        assert not silent(step2)
        assert step2.buttons()[0][0] == "⏸ Pause"

        # /skip jumps to step 3 at once; Back at once goes to the step before (like "previous"
        # on a music player), Back later restarts the step: its message is edited in place.
        await bot.run_for(1.0)
        assert chat.new() == []  # step 2's start: already shown
        await command(bot, "/skip")
        skipped = chat.new()
        assert len(skipped) == 1
        assert skipped[0].text.startswith("<b>Step 3 of 3 · Breathe</b>")
        assert silent(skipped[0])
        assert await press(bot, skipped[0], "Back") is None
        previous = chat.new()
        assert previous[0].text.startswith("<b>Step 2 of 3 · Side stretch</b>")
        await bot.run_for(3.5)
        chat.new()
        assert await press(bot, previous[0], "Back") is None
        (restarted,) = chat.new()
        assert restarted.method == "editMessageText"
        assert restarted.message_id == previous[0].message_id
        assert restarted.text.startswith("<b>Step 2 of 3 · Side stretch</b>")
        await command(bot, "/skip")
        again = chat.new()
        assert again[0].text.startswith("<b>Step 3 of 3 · Breathe</b>")

        # +15 s is refused outside a hold, accepted during it (the countdown shows it).
        assert await press(bot, again[0], "+15 s") == "Time can be added only during a hold."
        a3, hold3 = event_at(bot, CHAT, "announce", 3), event_at(bot, CHAT, "hold_start", 3)
        release3 = event_at(bot, CHAT, "release", 3)
        await bot.run_for(hold3 - a3)
        assert chat.new_texts() == ["Breathe now.\n⏳ 1 second"]
        assert await press(bot, again[0], "+15 s") == "+15 s on this hold."
        (added,) = chat.new()
        assert added.method == "editMessageText"
        assert "seconds left" in added.text
        await bot.run_for(release3 - hold3 + 15 - 0.1)
        assert chat.new() == []

        # The end: the final release goes on top of the closing message, which asks for the
        # pain rating; no call is spent on the last step message's buttons.
        await bot.run_for(event_at(bot, CHAT, "complete") - release3 + 0.2)
        end = chat.new()
        assert [c.method for c in end] == ["sendMessage"]
        assert end[0].text.startswith("Let your breath settle. Session complete, well done.")
        # the final cue said "Session complete, well done"; the end is not said twice
        assert "✅ <b>Quick test routine</b> done." in end[0].text
        assert end[0].text.count("Session complete") == 1
        assert "How much does it hurt now" in end[0].text
        assert not silent(end[0])
        assert CHAT not in bot.scheduler.pending
        assert bot.services.sessions.store.records.get(CHAT) is None

        await press(bot, end[0], "2")
        assert "before 5/10, after 2/10" in chat.new()[0].text
        (entry,) = bot.services.history.recent(CHAT)
        assert entry.completed
        assert (entry.pain_before, entry.pain_after) == (5, 2)
        assert entry.steps_done == entry.steps_total == 3
        # a button of a session that is over says so and goes (none looks alive and does nothing)
        assert await press(bot, again[0], "Stop") == texts.SESSION_OVER
        assert "reply_markup" not in server.messages[(CHAT, again[0].message_id or 0)]
        assert await press(bot, end[0], "3") == "That button is from an older message."


def silent(call: Call) -> bool:
    """Whether the message came without a notification (form fields arrive as text)."""
    return str(call.params.get("disable_notification")).lower() == "true"


async def test_quiet_text_one_message_per_step_edited_within_the_call_aim(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    """long-test (2 steps, one hold each): 5 new messages (get-ready with step 1, 2 hold starts,
    the release with step 2, the closing) leave 3 of the 8 calls that 4 a step allow: the step
    message is edited at step 1's halfway and countdown and at step 2's halfway, silently, with
    the controls each time. Nothing is sent twice within a second."""
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT)
    chat = Chat(server, CHAT)
    async with running(bot):
        first = await start_session(bot, chat, "long-test")
        assert first.text.startswith("<b>Long test routine</b>\nGet ready.")
        assert "<b>Step 1 of 2 · Glute press</b>" in first.text
        times: list[tuple[float, Call]] = []
        t0 = bot.clock.now()
        for _ in range(400):
            await bot.run_for(0.25)
            times += [(round(bot.clock.now() - t0, 2), c) for c in chat.new()]
            if bot.services.sessions.store.records.get(CHAT) is None:
                break
        calls = [c for _, c in times]
        assert [c.method for c in calls] == [
            "sendMessage",  # Press now.
            "editMessageText",  # halfway
            "editMessageText",  # the countdown begins
            "sendMessage",  # Release. + step 2
            "sendMessage",  # Stretch now.
            "editMessageText",  # halfway
            "sendMessage",  # the closing
        ]
        assert len(calls) + 1 <= 4 * 2  # with the get-ready: at most 4 calls a step
        moments = [t for t, _ in times]
        assert all(b - a >= 0.99 for a, b in itertools.pairwise(moments))
        press_now, halfway, countdown, step2, stretch_now, halfway2, closing = calls
        assert press_now.text.startswith("Press now.\n⏳ 30 seconds\n💬 Breathe out slowly.")
        assert stretch_now.text.startswith("Stretch now.\n⏳ 20 seconds")
        for edit in (halfway, countdown):
            assert edit.message_id == first.message_id
            assert edit.buttons()[0][0] == "⏸ Pause"  # the keyboard goes with every edit
        assert "15 seconds left\n▰▰▰▰▰▱▱▱▱▱" in halfway.text
        assert "💬 Breathe out slowly." in halfway.text
        assert "⏭ Next: Step 2 of 2 · Back stretch" in halfway.text
        assert "3 seconds left" in countdown.text
        assert step2.text.startswith("Release.\n\n<b>Step 2 of 2 · Back stretch</b>")
        assert halfway2.message_id == step2.message_id
        assert "10 seconds left" in halfway2.text
        assert "⏭ Next: the end of the session" in halfway2.text
        loud = [c for c in calls if c.method == "sendMessage" and not silent(c)]
        assert loud == [press_now, step2, stretch_now, closing]
        assert closing.text.startswith("Release. Session complete, well done.")
        assert sum("Session complete" in c.text for c in calls) == 1  # said once


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
