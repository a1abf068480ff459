"""/speaker in the chat, end to end: the real bot (fake Bot API server), its own media server, and
the fake Home Assistant. A user starts a routine on an allowed speaker; one chat message follows
the speaker; its buttons control it, for the person who started it only."""

from __future__ import annotations

import socket
from pathlib import Path

from bot.harness import build_bot, button_data, ready_user, running
from fakebot.server import Call, FakeBotServer
from fakeha.server import FakeHomeAssistant
from pydantic import SecretStr

from guide_bot.domain.clock import FakeClock

CHAT = 5151
OTHER = 5252


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def last_text(server: FakeBotServer, chat: int) -> Call:
    return [c for c in server.sent(chat) if c.method in ("sendMessage", "editMessageText")][-1]


async def test_speaker_command_starts_follows_and_controls_an_allowed_speaker(
    tmp_path: Path, speaker_library: Path, clock: FakeClock, fake_ha: FakeHomeAssistant
) -> None:
    async with FakeBotServer() as server:
        bot = build_bot(
            server,
            tmp_path,
            speaker_library,
            clock=clock,
            settings_update={
                "ha_url": fake_ha.url,
                "ha_token": SecretStr(fake_ha.token),
                "ha_speakers": ("media_player.kitchen",),
                "http_listen": "127.0.0.1",
                "http_port": free_port(),
                "tts": "espeak",
            },
        )
        assert bot.services.speakers is not None
        ready_user(bot.services, CHAT)
        async with running(bot):
            server.send_text(CHAT, "/speaker")
            await server.wait_idle()
            listing = last_text(server, CHAT).text
            assert "Kitchen speaker (idle)" in listing
            assert "Office" not in listing  # not open to the chat

            server.send_text(CHAT, "/speaker speaker test routine")
            await server.wait_idle()
            pick = last_text(server, CHAT)
            assert [label for label, _ in pick.buttons()] == ["Kitchen speaker"]
            server.press(CHAT, pick.message_id or 0, button_data(pick, "Kitchen"))
            await fake_ha.wait_for_call("play_media")
            await server.wait_idle(within=30)
            follow = last_text(server, CHAT)
            assert follow.text.startswith("🔊 <b>Speaker test routine</b> on Kitchen speaker")
            played = dict(fake_ha.calls)["play_media"]
            assert played["entity_id"] == "media_player.kitchen"
            assert "/media/track/speaker-test/" in played["media_content_id"]

            server.press(CHAT, follow.message_id or 0, button_data(follow, "Pause"), user_id=OTHER)
            answers = await server.wait_for("answerCallbackQuery", count=2)
            assert (
                answers[-1].params.get("text")
                == "This speaker session was started by someone else."
            )
            assert "media_pause" not in dict(fake_ha.calls)

            server.press(CHAT, follow.message_id or 0, button_data(follow, "Pause"))
            await fake_ha.wait_for_call("media_pause")
            await server.wait_idle()
            paused = last_text(server, CHAT)
            assert "Paused" in paused.text
            assert paused.buttons()[0][0] == "▶️ Resume"

            server.press(CHAT, follow.message_id or 0, button_data(paused, "Stop"))
            await fake_ha.wait_for_call("media_stop")
            await server.wait_idle()
            stopped = last_text(server, CHAT)
            assert "Stopped" in stopped.text
            assert stopped.buttons() == []  # no button left that looks alive


async def test_speaker_is_off_without_home_assistant(tmp_path: Path, speaker_library: Path) -> None:
    async with FakeBotServer() as server:
        bot = build_bot(server, tmp_path, speaker_library)
        ready_user(bot.services, CHAT)
        async with running(bot):
            server.send_text(CHAT, "/speaker neck-release")
            await server.wait_idle()
            assert last_text(server, CHAT).text.startswith("Speakers are not set up on this bot.")
