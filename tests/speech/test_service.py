"""The session-facing service: one voice per session, real lengths, notes, no-speech outcome."""

from __future__ import annotations

import pytest

from guide_bot.config import Settings
from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import plan
from guide_bot.speech.cache import AudioCache
from guide_bot.speech.codecs import probe
from guide_bot.speech.cues import texts_to_speak
from guide_bot.speech.selection import EngineSelector, NoSpeech, Voice
from guide_bot.speech.service import SessionSpeech, SpeechService
from tests.speech.fakes import BrokenEngine, ToneEngine


def service(cache: AudioCache, gtts: object, espeak: object) -> SpeechService:
    selector = EngineSelector(
        choice="auto",
        factories={"gtts": lambda _v: gtts, "espeak": lambda _v: espeak},  # type: ignore[dict-item]
    )
    return SpeechService(Settings(), selector=selector, cache=cache)


async def test_session_plan_uses_real_lengths_and_notes_match(
    cache: AudioCache, short_routine: Routine
) -> None:
    engine = ToneEngine()
    speech = await service(cache, BrokenEngine(), engine).for_session(Voice(), now=0.0)
    assert isinstance(speech, SessionSpeech)
    assert speech.cues.engine.name == "tone"
    timeline = plan(short_routine, speak_s=speech.speak_s)
    assert set(engine.calls) == {"Ready.", *texts_to_speak(short_routine)}  # + the probe
    assert timeline != plan(short_routine)  # real lengths differ from the estimate
    note = speech.notes.step(timeline, 2)
    assert probe(note.data).codec == "opus"
    assert note.duration_s == pytest.approx(
        timeline.total_s - timeline.step_starts[1] + 0.4, abs=0.001
    )
    first = speech.notes.prepare(timeline)
    assert first.duration_s == pytest.approx(timeline.step_starts[0], abs=0.001)


async def test_no_engine_means_no_speech(cache: AudioCache) -> None:
    outcome = await service(cache, BrokenEngine(), BrokenEngine()).for_session(Voice(), now=0.0)
    assert isinstance(outcome, NoSpeech)
    assert outcome.notice
