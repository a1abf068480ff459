"""espeak-ng for real, from the wheel: PCM format, voices, rate, thread safety."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import espeakng_loader
import pytest

from guide_bot.speech.espeak_engine import EspeakEngine, espeak_voice
from guide_bot.speech.ports import Pcm, PermanentSpeechError, SpeechEngine


def test_library_comes_from_the_wheel() -> None:
    assert Path(espeakng_loader.get_library_path()).is_file()
    assert "site-packages" in espeakng_loader.get_library_path()


def test_synthesizes_22050_hz_mono_pcm(espeak: EspeakEngine) -> None:
    assert isinstance(espeak, SpeechEngine)
    pcm = espeak.synthesize("Press now.")
    assert isinstance(pcm, Pcm)
    assert pcm.rate == 22_050
    assert 0.4 < pcm.duration_s < 3.0
    assert max(memoryview(pcm.samples).cast("h")) > 3000


def test_longer_text_takes_longer_and_slower_rate_too(espeak: EspeakEngine) -> None:
    short = espeak.synthesize("Release.").duration_s
    long = espeak.synthesize("Release the pressure slowly and breathe out.").duration_s
    slow = EspeakEngine(rate_wpm=110).synthesize("Release the pressure slowly and breathe out.")
    assert long > short
    assert slow.duration_s > long * 1.2


def test_voice_key_changes_with_voice_and_rate(espeak: EspeakEngine) -> None:
    assert espeak.voice_key.startswith("espeak-ng:")
    assert EspeakEngine(rate_wpm=130).voice_key != espeak.voice_key
    assert EspeakEngine(voice="de").voice_key != espeak.voice_key


def test_unknown_voice_is_a_permanent_error() -> None:
    with pytest.raises(PermanentSpeechError, match="no voice"):
        EspeakEngine(voice="zz-nowhere").synthesize("Hello.")


def test_empty_text_is_refused(espeak: EspeakEngine) -> None:
    with pytest.raises(PermanentSpeechError):
        espeak.synthesize("   ")


def test_concurrent_use_from_threads_keeps_each_text_apart(espeak: EspeakEngine) -> None:
    # espeak-ng adds a little random jitter, so equal lengths (within 5%), not equal bytes:
    # interleaved callbacks from two syntheses would give sums or fragments instead.
    texts = [f"Step {n}. Hold for {n * 10} seconds." for n in range(1, 9)] + ["Release."]
    alone = [espeak.synthesize(t).duration_s for t in texts]
    with ThreadPoolExecutor(max_workers=9) as pool:
        together = list(pool.map(lambda t: espeak.synthesize(t).duration_s, texts))
    assert together == pytest.approx(alone, rel=0.05)  # a mix-up would be far off (sums, bits)


def test_accent_mapping() -> None:
    assert espeak_voice("en", "com") == "en-us"
    assert espeak_voice("en", "co.uk") == "en"
    assert espeak_voice("de", "com") == "de"
