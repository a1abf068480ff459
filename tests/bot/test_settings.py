"""/settings, /help and stray messages, end to end; the settings reach the next session."""

from __future__ import annotations

from pathlib import Path

from fakebot.server import FakeBotServer

from bot.harness import build_bot, running, screen
from bot.test_session_flow import Chat, press, start_session
from guide_bot.speech.service import voice_for

CHAT = 6006


async def test_settings_change_and_apply_to_the_next_session(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    screen(bot.services, CHAT)
    chat = Chat(server, CHAT)
    async with running(bot):
        server.send_text(CHAT, "/settings")
        shown = (await server.wait_for("sendMessage", chat_id=CHAT))[-1]
        assert "Steps come as: <b>Voice notes</b>" in shown.text
        assert [label for label, _ in shown.buttons()] == [
            "✅ Voice notes",
            "Text messages",
            "Voice and text",
            "Hands-free audio",
            "✅ English (US)",
            "English (UK)",
            "English (Australia)",
            "English (India)",
            "Slow speech: off",
            "Countdown: on",
        ]
        chat.new()
        assert await press(bot, shown, "Text messages") == "Saved."
        edited = chat.new()[-1]
        assert "Steps come as: <b>Text messages</b>" in edited.text
        await press(bot, edited, "English (UK)")
        edited = chat.new()[-1]
        await press(bot, edited, "Slow speech")
        edited = chat.new()[-1]
        await press(bot, edited, "Countdown")
        edited = chat.new()[-1]
        assert "Countdown (3, 2, 1) at the end of holds: <b>off</b>" in edited.text
        assert "Slow speech: <b>on</b>" in edited.text

        user = bot.services.users.get(CHAT)
        assert user is not None
        assert (user.settings.mode, user.settings.language) == ("text", "en-gb")
        assert (user.settings.slow, user.settings.countdown) == (True, False)
        voice = voice_for(user.settings.language, user.settings.slow, bot.services.settings)
        assert (voice.language, voice.tld, voice.slow) == ("en", "co.uk", True)

        await start_session(bot, chat, "long-test")
        live = bot.services.sessions.get(CHAT)
        assert live is not None
        assert live.record.mode == "text"
        kinds = {e.kind.value for e in live.session.timeline.events}
        assert "countdown" not in kinds  # the countdown setting reached the plan
        assert "halfway" in kinds

        # A forged settings value changes nothing.
        before = bot.services.users.get(CHAT)
        server.press(CHAT, edited.message_id or 0, "set:mode:loud")
        answer = (await server.wait_for("answerCallbackQuery", text=None, count=6))[-1]
        assert answer.params["text"] == "That button is not valid."
        assert bot.services.users.get(CHAT) == before


async def test_help_and_stray_messages(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    async with running(bot):
        server.send_text(CHAT, "/help")
        (help_text,) = await server.wait_for("sendMessage", chat_id=CHAT)
        for command in ("/start", "/routines", "/session", "/pause", "/resume", "/skip", "/back"):
            assert command in help_text.text
        for command in ("/stop", "/settings", "/screening"):
            assert command in help_text.text
        assert "not medical advice" in help_text.text
        server.send_text(CHAT, "my neck hurts a lot")
        server.send_text(CHAT, "/dance")
        replies = await server.wait_for("sendMessage", chat_id=CHAT, count=3)
        assert (
            replies[1].text
            == replies[2].text
            == ("I didn't understand that. /help lists everything I can do.")
        )
