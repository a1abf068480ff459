"""Cue clips through the cache (trimmed, real durations) and cached per-step voice notes."""

from __future__ import annotations

import pytest

from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import plan
from guide_bot.speech.cache import AudioCache
from guide_bot.speech.chime import CHIME_S
from guide_bot.speech.codecs import probe
from guide_bot.speech.cues import CueAudio
from guide_bot.speech.espeak_engine import EspeakEngine
from guide_bot.speech.notes import VoiceNotes
from tests.speech.fakes import ToneEngine


def test_clip_is_trimmed_and_its_duration_is_exact(cache: AudioCache) -> None:
    engine = ToneEngine()
    cues = CueAudio(engine, cache)
    clip = cues.clip("Release.")
    assert clip.duration_s == pytest.approx(0.06 * 8 + 0.03, abs=0.002)  # tone + kept tail
    assert cues.duration_s("Release.") == pytest.approx(clip.duration_s)
    assert engine.calls == ["Release."]


def test_durations_come_from_the_cache_without_resynthesis(cache: AudioCache) -> None:
    engine = ToneEngine()
    CueAudio(engine, cache).duration_s("Halfway.")
    fresh = CueAudio(engine, cache)  # a new process would start like this
    fresh.duration_s("Halfway.")
    fresh.clip("Halfway.")
    assert engine.calls == ["Halfway."]


def test_voices_do_not_share_entries(cache: AudioCache) -> None:
    a, b = ToneEngine("a"), ToneEngine("b")
    CueAudio(a, cache).clip("Press now.")
    CueAudio(b, cache).clip("Press now.")
    assert a.calls == b.calls == ["Press now."]


async def test_async_clip_requests_synthesize_once(cache: AudioCache) -> None:
    import asyncio

    engine = ToneEngine()
    cues = CueAudio(engine, cache)
    await asyncio.gather(*(cues.aentry("Switch sides.") for _ in range(10)))
    assert engine.calls == ["Switch sides."]


def test_real_espeak_durations_drive_the_plan(
    cache: AudioCache, espeak: EspeakEngine, short_routine: Routine
) -> None:
    cues = CueAudio(espeak, cache)
    timeline = plan(short_routine, speak_s=cues.duration_s)
    for event in timeline.events:
        if event.spoken:
            assert event.speak_s == pytest.approx(cues.clip(event.text).duration_s)


def test_step_voice_note_is_rendered_once_and_has_the_step_length(
    cache: AudioCache, short_routine: Routine
) -> None:
    engine = ToneEngine()
    cues = CueAudio(engine, cache)
    timeline = plan(short_routine, speak_s=cues.duration_s)
    notes = VoiceNotes(cues)
    first = notes.step(timeline, 1)
    info = probe(first.data)
    assert (info.codec, info.sample_rate, info.channels) == ("opus", 48_000, 1)
    step_length = timeline.step_end(1) - timeline.step_starts[0]
    assert first.duration_s == pytest.approx(step_length, abs=0.001)
    assert info.duration_s == pytest.approx(first.duration_s, abs=0.001)
    assert first.telegram_duration == int(-(-first.duration_s // 1))
    misses = cache.stats.misses
    again = notes.step(timeline, 1)
    assert again.key == first.key
    assert again.data == first.data
    assert cache.stats.misses == misses  # rendered once
    last = notes.step(timeline, timeline.step_count)
    last_length = timeline.total_s - timeline.step_starts[-1]
    assert last.duration_s == pytest.approx(last_length + CHIME_S, abs=0.001)
    assert notes.step(timeline, 1).key != last.key


def test_step_out_of_range(cache: AudioCache, short_routine: Routine) -> None:
    cues = CueAudio(ToneEngine(), cache)
    timeline = plan(short_routine, speak_s=cues.duration_s)
    with pytest.raises(ValueError, match="step 9"):
        VoiceNotes(cues).step(timeline, 9)


def test_gtts_mp3_becomes_a_trimmed_24k_clip_in_the_cache(cache: AudioCache) -> None:
    import responses

    from guide_bot.speech.gtts_engine import GttsEngine
    from tests.speech.test_gtts_engine import URL, google_body, mp3_of

    with responses.RequestsMock() as mocked:
        mocked.post(URL, body=google_body(mp3_of(1.5)))
        cues = CueAudio(GttsEngine(sleep=lambda _s: None), cache)
        clip = cues.clip("Press now.")
        assert len(mocked.calls) == 1
    assert clip.rate == 24_000
    # exactly the 1.5 s tone: the decoder drops the MP3's priming and padding samples
    assert clip.duration_s == pytest.approx(1.5, abs=0.002)
    assert cues.duration_s("Press now.") == pytest.approx(clip.duration_s)
    assert cues.clip("Press now.") == clip  # from the cache: no second request
