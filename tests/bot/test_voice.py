"""Voice mode end to end: a sendVoice per step, upload once then file_id, text if speech fails."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from fakebot.server import FakeBotServer

from bot.harness import build_bot, event_at, ready_user, running, screen
from bot.test_session_flow import Chat, press, start_session
from guide_bot.domain.clock import FakeClock
from guide_bot.domain.lead_in import time_left_words
from guide_bot.sessions.live import LiveSession
from guide_bot.speech.codecs import decode
from guide_bot.speech.ports import Pcm, SpeechEngine, SpeechError
from guide_bot.speech.selection import EngineSelector, Voice
from guide_bot.speech.service import SessionSpeech, SpeechService

CHAT, OTHER = 2002, 3003


async def test_voice_session_one_call_per_step_then_file_ids(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    for chat_id in (CHAT, OTHER):
        screen(bot.services, chat_id)  # default delivery: voice notes
    mine = Chat(server, CHAT)
    async with running(bot):
        prepare = await start_session(bot, mine, "quick-test")
        assert prepare.method == "sendVoice"
        assert "Get ready." in prepare.text
        assert "<b>Step 1 of 3 · Ball press</b>" in prepare.text  # one note: get ready, step 1
        assert prepare.buttons()[0][0] == "⏸ Pause"
        assert prepare.files["voice"].startswith(b"OggS")
        await bot.run_for(120)
        calls = mine.new()
        # One call a step and the closing: no separate get-ready note, and no call spent on the
        # last note's buttons (pressed after the end, they say so and go).
        assert [c.method for c in calls] == ["sendVoice", "sendVoice", "sendMessage"]
        steps = calls[:2]
        for number, call in enumerate(steps, start=2):
            assert call.text.startswith(f"<b>Step {number} of 3 · ")
            assert next(label for label, _ in call.buttons()) == "⏸ Pause"
            assert call.files["voice"].startswith(b"OggS")
            assert int(call.params["duration"]) >= 2
        assert calls[-1].text.startswith("✅ <b>Session complete.</b>")
        first_upload = sum(len(c.files.get("voice", b"")) for c in [prepare, *steps])
        assert first_upload > 10_000

        # The same routine in another chat: every note re-sent by file_id, no upload at all.
        other = Chat(server, OTHER)
        server.send_text(OTHER, "/session quick-test")
        offer = (await server.wait_for("sendMessage", chat_id=OTHER))[-1]
        server.press(OTHER, offer.message_id or 0, "pb:quick-test:-1:s:0")
        await server.wait_for("sendVoice", chat_id=OTHER)
        await server.wait_idle(0.2)  # the handler stores and schedules after sending
        await bot.run_for(120)
        voices = [c for c in other.new() if c.method == "sendVoice"]
        assert len(voices) == 3
        assert all(not c.files for c in voices)
        assert [c.params["voice"] for c in voices] == [
            c.result["voice"]["file_id"] for c in [prepare, *steps]
        ]


def _level(pcm: Pcm, start_s: float, end_s: float) -> float:
    """RMS level (0..1 of full scale) of a stretch of audio."""
    samples = np.frombuffer(pcm.samples, dtype="<i2").astype(np.float64) / 32768
    part = samples[round(start_s * pcm.rate) : round(end_s * pcm.rate)]
    return float(np.sqrt(np.mean(part**2))) if part.size else 0.0


def _blocks(pcm: Pcm, seconds: float) -> np.ndarray:
    """RMS per 10 ms block of the first `seconds`."""
    block = round(pcm.rate * 0.01)
    samples = np.frombuffer(pcm.samples, dtype="<i2").astype(np.float64)
    usable = min(len(samples), round(seconds * pcm.rate)) // block * block
    return np.sqrt(np.mean(samples[:usable].reshape(-1, block) ** 2, axis=1))


def _opens_with(note: bytes, live: LiveSession, text: str) -> None:
    """The note's first words are `text` in the session's voice: speech in the first 0.5 s
    (no leading silence), and its loudness over time follows the clip of those words."""
    assert isinstance(live.speech, SessionSpeech)
    clip = live.speech.cues.clip(text)
    audio = decode(note, rate=clip.rate)
    assert _level(audio, 0.0, 0.5) > 0.02, "the note opens with silence"
    expected, heard = _blocks(clip, clip.duration_s), _blocks(audio, clip.duration_s)
    match = float(np.corrcoef(expected, heard)[0, 1])
    assert match > 0.9


async def test_resume_in_voice_mode_sends_the_rest_of_the_step(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    screen(bot.services, CHAT)
    chat = Chat(server, CHAT)
    async with running(bot):
        step1 = await start_session(bot, chat, "long-test")  # the get-ready note speaks step 1
        live = bot.services.sessions.get(CHAT)
        assert live is not None
        await bot.run_for(event_at(bot, CHAT, "hold_start", 1) + 14)  # after its cue at 10 s
        assert "<b>Step 1 of 2" in step1.text
        await press(bot, step1, "Pause")
        paused = chat.new()
        assert [c.method for c in paused] == ["editMessageReplyMarkup"]
        await bot.run_for(30)
        await press(bot, paused[0], "Resume")
        rest = chat.new()
        assert [c.method for c in rest] == ["sendVoice"]
        assert rest[0].text.startswith("<b>Step 1 of 2")
        assert rest[0].buttons()[0][0] == "⏸ Pause"
        # Shorter than the whole step's note: it starts where the session is...
        assert int(rest[0].params["duration"]) < int(step1.params["duration"])
        # ... and says so first: the step (it has no sides) and the time left, never silence.
        left = live.session.position(bot.clock.now()).hold_left_s
        assert left is not None
        said = f"Glute press, {time_left_words(left)} left."
        assert "seconds left" in said
        _opens_with(rest[0].files["voice"], live, said)

        assert await press(bot, rest[0], "+15 s") == "+15 s on this hold."
        longer = chat.new()
        assert [c.method for c in longer] == ["sendVoice"]
        assert int(longer[0].params["duration"]) >= int(rest[0].params["duration"]) + 14
        more = live.session.position(bot.clock.now()).hold_left_s
        assert more == pytest.approx(left + 15)
        _opens_with(longer[0].files["voice"], live, f"Glute press, {time_left_words(more)} left.")


class _Broken:
    name = "espeak"
    voice_key = "broken"

    def synthesize(self, text: str) -> bytes:
        raise SpeechError("no audio device in this test")


async def test_no_speech_engine_carries_on_in_text_and_says_so_once(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    speech = bot.services.sessions.speech
    assert isinstance(speech, SpeechService)

    def broken(_voice: Voice) -> SpeechEngine:
        return _Broken()  # type: ignore[return-value]

    speech.selector = EngineSelector(choice="espeak", factories={"espeak": broken})
    ready_user(bot.services, CHAT, "both")
    chat = Chat(server, CHAT)
    async with running(bot):
        bot.server.send_text(CHAT, "/session quick-test")
        offer = (await server.wait_for("sendMessage", chat_id=CHAT))[-1]
        chat.new()
        await press(bot, offer, "3")
        sent = chat.new_texts()
        assert sent[1] == "Voice notes are not available right now, so I'll carry on in text."
        assert "Get ready." in sent[2]
        await bot.run_for(120)
        texts = chat.new_texts()
        assert not server.calls_of("sendVoice")
        assert "Press now." in [text.splitlines()[0] for text in texts]
        assert all("not available" not in t for t in texts)
        assert texts[-1].startswith("✅") or "✅" in texts[-1]


async def test_voice_session_continues_after_a_restart(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    screen(bot.services, CHAT)
    chat = Chat(server, CHAT)
    async with running(bot):
        await start_session(bot, chat, "long-test")
        await bot.run_for(20)
        assert [c.method for c in chat.new()] == []  # step 1 is in the get-ready note
        stopped_at = bot.clock.now()

    again = build_bot(server, tmp_path, test_library, clock=FakeClock(stopped_at + 3))
    async with running(again):
        live = again.services.sessions.get(CHAT)
        assert live is not None
        assert live.speech is None  # the voice is opened again when a note is due
        await again.run_for(90)
        sent = chat.new()
        step2 = [c for c in sent if c.method == "sendVoice"]
        assert len(step2) == 1
        assert step2[0].text.startswith("<b>Step 2 of 2")
        assert step2[0].files["voice"].startswith(b"OggS")
        assert sent[-1].text.startswith("✅")


class _Slow:
    """An engine whose first words take a while (as gTTS on a slow network)."""

    name = "espeak"
    voice_key = "slow"

    def __init__(self, inner: SpeechEngine) -> None:
        self.inner = inner

    def synthesize(self, text: str) -> object:
        time.sleep(0.3)
        return self.inner.synthesize(text)


async def test_a_slow_session_start_does_not_hold_up_other_chats(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    bot = build_bot(server, tmp_path, test_library)
    speech = bot.services.sessions.speech
    assert isinstance(speech, SpeechService)
    real = speech.selector.factories["espeak"]
    speech.selector = EngineSelector(
        choice="espeak",
        factories={"espeak": lambda voice: _Slow(real(voice))},  # type: ignore[dict-item]
    )
    screen(bot.services, CHAT)
    async with running(bot):
        server.send_text(CHAT, "/session quick-test")
        offer = (await server.wait_for("sendMessage", chat_id=CHAT))[-1]
        server.press(CHAT, offer.message_id or 0, "pb:quick-test:2:s:0")
        await server.wait_for("editMessageText", chat_id=CHAT)  # the tap was taken
        server.send_text(OTHER, "/help")
        (help_reply,) = await server.wait_for("sendMessage", chat_id=OTHER)
        (started,) = await server.wait_for("sendVoice", chat_id=CHAT, within=30)
        assert help_reply.at < started.at  # the other chat was answered meanwhile
        server.press(CHAT, offer.message_id or 0, "pb:quick-test:2:s:0")  # a second tap
        await server.wait_idle(0.3)
        assert len(server.calls_of("sendVoice", chat_id=CHAT)) == 1


async def test_skip_during_the_get_ready_sends_step_1_at_once(
    server: FakeBotServer, tmp_path: Path, test_library: Path
) -> None:
    """The get-ready note speaks step 1 at its planned time; Skip before it moves the session
    to step 1 now, so step 1's own note comes at once (the opening note is late for it)."""
    bot = build_bot(server, tmp_path, test_library)
    screen(bot.services, CHAT)
    chat = Chat(server, CHAT)
    async with running(bot):
        opening = await start_session(bot, chat, "long-test")
        assert "<b>Step 1 of 2 · Glute press</b>" in opening.text
        await bot.run_for(1)
        assert await press(bot, opening, "Skip") is None
        (step1,) = chat.new()
        assert step1.method == "sendVoice"
        assert step1.text.startswith("<b>Step 1 of 2 · Glute press</b>")
        assert "Get ready." not in step1.text


@pytest.mark.parametrize(("routine_id", "calls"), [("neck-release", 5), ("dynamic-warm-up", 8)])
async def test_voice_calls_are_one_note_a_step_and_the_closing(
    server: FakeBotServer, tmp_path: Path, routine_id: str, calls: int
) -> None:
    """A shipped routine in voice mode through the real bot: one sendVoice per step (step 1's is
    the get-ready note) and the closing message, the floor while every step's note arrives at
    its start: neck-release's 4 steps make 5 calls (1.25 a step, over the 1.2 aim; see
    bench/README.md), dynamic-warm-up's 7 make 8 (1.14)."""
    from guide_bot.paths import shipped_library_dir

    bot = build_bot(server, tmp_path, shipped_library_dir())
    screen(bot.services, CHAT)  # default delivery: voice notes
    chat = Chat(server, CHAT)
    async with running(bot):
        first = await start_session(bot, chat, routine_id)
        live = bot.services.sessions.get(CHAT)
        assert live is not None
        steps = live.session.timeline.step_count
        sent = [first]
        for _ in range(2000):
            await bot.run_for(1)
            sent += chat.new()
            if bot.services.sessions.get(CHAT) is None:
                break
    assert [c.method for c in sent] == ["sendVoice"] * steps + ["sendMessage"]
    assert len(sent) == calls == steps + 1
    assert "How much does it hurt now" in sent[-1].text
