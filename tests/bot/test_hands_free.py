"""Hands-free delivery end to end: the whole session as one audio message, over real HTTP.

The first-session offer and /settings choose it; the track is one sendAudio (MP3: title, bot name,
duration, steps with start times in the caption), its length and cue offsets match the plan, the
second send is by file_id with no upload, and the history records what the user reports.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
from fakebot.server import Call, FakeBotServer

from bot.harness import Bot, build_bot, button_data, ready_user, running, screen
from bot.test_session_flow import Chat, press
from guide_bot.sessions.service import REPORT_GRACE_S
from guide_bot.speech.codecs import decode
from guide_bot.speech.ports import SpeechEngine, SpeechError
from guide_bot.speech.selection import EngineSelector, Voice
from guide_bot.speech.service import SpeechService
from guide_bot.telegram import texts
from guide_bot.telegram.handsfree import TrackSender
from tests.speech.envelope import onset_errors

CHAT, OTHER = 2002, 3003


async def _start(bot: Bot, chat: Chat, routine: str = "quick-test", pain: str = "4") -> Call:
    """/session ROUTINE, a pain rating; returns the audio message."""
    server = bot.server
    offers = len(server.calls_of("sendMessage", chat_id=chat.chat_id))
    audios = len(server.calls_of("sendAudio", chat_id=chat.chat_id))
    server.send_text(chat.chat_id, f"/session {routine}")
    offer = (await server.wait_for("sendMessage", chat_id=chat.chat_id, count=offers + 1))[-1]
    assert "hurt right now" in offer.text
    chat.new()
    await press(bot, offer, pain)
    audio = (await server.wait_for("sendAudio", chat_id=chat.chat_id, count=audios + 1))[-1]
    await bot.server.wait_idle(0.1)
    chat.new()
    return audio


def _sender(bot: Bot) -> TrackSender:
    presenter = bot.services.sessions.front_ends[0]
    voice = getattr(presenter, "voice", None)
    assert voice is not None
    tracks: TrackSender = voice.tracks
    return tracks


async def test_hands_free_sends_the_whole_track_in_one_tap(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    screen(bot.services, CHAT)
    bot.services.users.change_settings(CHAT, mode="hands")  # chosen in /settings
    chat = Chat(server, CHAT)
    async with running(bot):
        server.send_text(CHAT, "/session quick-test")
        (offer,) = await server.wait_for("sendMessage", chat_id=CHAT, text="hurt right now")
        chat.new()
        await press(bot, offer, "Skip")  # the one tap: the session starts as one audio
        (audio,) = await server.wait_for("sendAudio", chat_id=CHAT)
        await server.wait_idle(0.1)
        assert audio in chat.new()

        routine = bot.services.catalog.find(CHAT, "quick-test")
        assert routine is not None
        track, timeline = await _sender(bot).render(routine, None)
        assert audio.params["title"] == routine.title
        assert audio.params["performer"] == "Guide"  # getMe first_name of the fake
        assert int(audio.params["duration"]) == round(track.duration_s)
        assert "audio" in audio.files  # uploaded
        data = audio.files["audio"]
        assert data[:3] == b"ID3" or data[0] == 0xFF  # MP3
        # The steps with their start times (mm:ss), and what the player's controls do.
        for number, (at_s, step) in enumerate(
            zip(timeline.step_starts, routine.steps, strict=False), 1
        ):
            whole = round(at_s)
            assert f"{whole // 60:02d}:{whole % 60:02d} {number}. {step.title}" in audio.text
        assert "player's own controls" in audio.text
        assert len(audio.text) <= 1024
        assert [label for label, _ in audio.buttons()] == ["✅ Done", "⏹ Stopped early"]

        # The audio: as long as the plan (PyAV), every cue where the plan puts it.
        pcm = decode(data)
        assert abs(pcm.frames / pcm.rate - timeline.total_s) <= 0.5
        errors = onset_errors(timeline, pcm)
        assert np.max(np.abs(errors)) <= 0.03

        # Nothing more is sent while the track plays: no step messages, no cues.
        await bot.run_for(timeline.total_s)
        assert chat.new() == []
        # A while after the track's end the bot asks once; the buttons move to that message.
        await bot.run_for(REPORT_GRACE_S + 1)
        ask, strip = chat.new()
        assert ask.method == "sendMessage"
        assert "How did it go?" in ask.text
        assert strip.method == "editMessageReplyMarkup"
        assert strip.message_id == audio.message_id
        assert "reply_markup" not in server.messages[(CHAT, audio.message_id or 0)]
        await bot.run_for(600)
        assert chat.new() == []  # asked once only

        await press(bot, ask, "Done")
        strip2, closing = chat.new()
        assert strip2.message_id == ask.message_id
        assert closing.text.startswith("✅ <b>Session complete.</b>")
        await press(bot, closing, "2")
        (entry,) = bot.services.history.recent(CHAT)
        assert entry.completed
        assert entry.steps_done == entry.steps_total == 3
        assert entry.pain_after == 2
        assert abs(entry.active_s - track.duration_s) < 0.2


async def test_settings_choice_then_stopped_early_and_second_send_by_file_id(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT, "voice")
    ready_user(bot.services, OTHER, "hands")
    chat = Chat(server, CHAT)
    async with running(bot):
        server.send_text(CHAT, "/settings")
        (view,) = await server.wait_for("sendMessage", chat_id=CHAT)
        assert "Hands-free audio" in [label for label, _ in view.buttons()]
        await press(bot, view, "Hands-free audio")
        user = bot.services.users.get(CHAT)
        assert user is not None
        assert user.settings.mode == "hands"
        chat.new()

        first = await _start(bot, chat)
        assert "audio" in first.files
        await bot.run_for(10)  # stopped a few seconds in
        await press(bot, first, "Stopped early")
        strip, closing = chat.new()
        assert strip.message_id == first.message_id
        assert closing.text.startswith("Session stopped.")
        await press(bot, closing, "Skip")
        (entry,) = bot.services.history.recent(CHAT)
        assert not entry.completed
        assert entry.pain_after is None
        assert entry.pain_before == 4

        # Again, and in another chat: by file_id, no upload.
        again = await _start(bot, chat)
        other = Chat(server, OTHER)
        third = await _start(bot, other)
        for call in (again, third):
            assert call.files == {}
            assert call.params["audio"] == first.result["audio"]["file_id"]

        # /pause has nothing to pause: the player does that; /stop ends it as stopped.
        server.send_text(CHAT, "/pause")
        (_reply,) = await server.wait_for("sendMessage", chat_id=CHAT, text="player's own controls")
        server.send_text(CHAT, "/stop")
        await server.wait_for("sendMessage", chat_id=CHAT, text="Session stopped.", count=2)
        await server.wait_idle(0.1)
        assert bot.services.sessions.get(CHAT) is None


async def test_a_refused_file_id_is_uploaded_again(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT, "hands")
    chat = Chat(server, CHAT)
    async with running(bot):
        first = await _start(bot, chat)
        await press(bot, first, "Done")
        chat.new()
        server.files.clear()  # Telegram no longer knows the file
        second = await _start(bot, chat)
        assert "audio" in second.files
        refused = [c for c in server.calls_of("sendAudio", chat_id=CHAT) if c.status != 200]
        assert len(refused) == 1


async def test_a_hands_free_session_survives_a_restart_and_still_asks(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    ready_user(bot.services, CHAT, "hands")
    chat = Chat(server, CHAT)
    async with running(bot):
        audio = await _start(bot, chat)
        stopped_at = bot.clock.now() + 5

    from guide_bot.domain.clock import FakeClock

    again = build_bot(server, tmp_path, test_library, clock=FakeClock(stopped_at + 120))
    async with running(again):
        live = again.services.sessions.get(CHAT)
        assert live is not None
        assert live.hands_free
        await again.run_for(REPORT_GRACE_S + 60)
        sent = chat.new()
        assert not any("paused" in c.text.lower() for c in sent)
        assert any("How did it go?" in c.text for c in sent)
        # The audio message's buttons still work after the restart.
        server.press(CHAT, audio.message_id or 0, button_data(audio, "Done"))
        await server.wait_for("sendMessage", chat_id=CHAT, text="Session complete")


def test_the_caption_stays_within_telegrams_limit_and_says_what_was_left_out() -> None:
    steps = [(i * 61.0, f"A long step title <{i}> " + "x" * 40) for i in range(60)]
    caption = texts.hands_free_caption("Long & winding", steps, 3600.0)
    shown = html.unescape(re.sub(r"<[^>]+>", "", caption))
    assert len(shown) <= 1024
    assert "Long &amp; winding" in caption  # HTML-escaped
    assert "&lt;0&gt;" in caption
    assert "more steps" in caption
    assert "player's own controls" in caption
    assert caption.splitlines()[2].startswith("00:00 1. ")
    assert "60:00" in caption.splitlines()[0]


class _Broken:
    name = "espeak"
    voice_key = "broken"

    def synthesize(self, text: str) -> bytes:
        raise SpeechError("no audio device in this test")


async def test_without_speech_a_hands_free_session_carries_on_in_text_and_says_so(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    speech = bot.services.sessions.speech
    assert isinstance(speech, SpeechService)

    def broken(_voice: Voice) -> SpeechEngine:
        return _Broken()  # type: ignore[return-value]

    speech.selector = EngineSelector(choice="espeak", factories={"espeak": broken})
    ready_user(bot.services, CHAT, "hands")
    chat = Chat(server, CHAT)
    async with running(bot):
        server.send_text(CHAT, "/session quick-test")
        offer = (await server.wait_for("sendMessage", chat_id=CHAT, text="hurt right now"))[-1]
        chat.new()
        await press(bot, offer, "3")
        sent = chat.new_texts()
        assert sent[1] == texts.HANDS_FREE_UNAVAILABLE
        assert "Get ready." in sent[2]
        await bot.run_for(120)
        assert not server.calls_of("sendAudio")
        later = chat.new_texts()
        assert "Press now." in [text.splitlines()[0] for text in later]
        assert "✅" in later[-1]  # it ran to its end as a text session
