"""Text mode over real HTTP: only "move now" messages notify; old buttons act on the session as
it is, and after its end each says so and goes (no button looks alive and does nothing)."""

from __future__ import annotations

from pathlib import Path

from fakebot.server import Call, FakeBotServer

from bot.harness import build_bot, ready_user, running
from bot.test_session_flow import Chat, live_keyboards, press, start_session
from guide_bot.telegram import texts

CHAT = 2002
MOVE_NOW = ("now.", "Release.", "Switch to", "Let your breath settle.", "And rest.")  # the ends


def silent(call: Call) -> bool:
    """Whether the message came without a notification (form fields arrive as text)."""
    return str(call.params.get("disable_notification")).lower() == "true"


async def test_only_move_now_messages_notify_and_old_buttons_act_then_go(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT)
    chat = Chat(server, CHAT)
    async with running(bot):
        prepare = await start_session(bot, chat, "quick-test")
        assert silent(prepare)  # get ready: silent
        await bot.run_for(15)
        # The get-ready message's Pause (an older message now) pauses the session as it is.
        assert (await press(bot, prepare, "Pause")).startswith("⏸ Paused")
        live = bot.services.sessions.get(CHAT)
        assert live is not None
        assert live.session.state.value == "paused"
        assert await press(bot, prepare, "Pause") == "▶️ Resumed."  # and resumes it
        await bot.run_for(120)
        assert bot.services.sessions.get(CHAT) is None
        sends = [c for c in server.calls_of("sendMessage", chat_id=CHAT) if c.status == 200]
        session = [c for c in sends if c.at >= prepare.at]
        loud = [c for c in session if not silent(c)]
        quiet = [c for c in session if silent(c)]
        assert loud
        assert quiet
        assert all(any(word in c.text for word in MOVE_NOW) for c in loud)
        assert not any(
            any(word in c.text for word in MOVE_NOW) for c in quiet if "Step" not in c.text
        )
        # After the end, every older message's button says so and goes: none stays alive doing
        # nothing, and only the pain rating keeps buttons.
        closing = session[-1]
        assert "How much does it hurt now" in closing.text
        older = [m for m in live_keyboards(server, CHAT) if m != closing.message_id]
        assert older  # no call was spent on them during the session
        for message_id in older:
            call = next(c for c in sends if c.message_id == message_id)
            assert await press(bot, call, "Skip") == texts.SESSION_OVER
        assert live_keyboards(server, CHAT) == [closing.message_id]
