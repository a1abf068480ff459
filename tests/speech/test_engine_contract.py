"""The SpeechEngine contract, run against every implementation (gTTS with mocked HTTP, espeak-ng,
and the test fake), so that the cache and the renderer can rely on any of them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses

from guide_bot.speech.codecs import to_pcm
from guide_bot.speech.espeak_engine import EspeakEngine
from guide_bot.speech.gtts_engine import GttsEngine
from guide_bot.speech.ports import PermanentSpeechError, SpeechEngine
from tests.speech.fakes import ToneEngine
from tests.speech.test_gtts_engine import URL, google_body, mp3_of


@pytest.fixture(params=["gtts", "espeak", "fake"])
def engine(request: pytest.FixtureRequest) -> Iterator[SpeechEngine]:
    if request.param == "gtts":
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
            mocked.post(URL, body=google_body(mp3_of(0.8)))
            yield GttsEngine(sleep=lambda _s: None)
    elif request.param == "espeak":
        yield EspeakEngine()
    else:
        yield ToneEngine()


def test_is_a_speech_engine_with_a_stable_voice_key(engine: SpeechEngine) -> None:
    assert isinstance(engine, SpeechEngine)
    assert engine.name
    assert engine.voice_key
    assert engine.voice_key == engine.voice_key


def test_synthesizes_decodable_audio(engine: SpeechEngine) -> None:
    pcm = to_pcm(engine.synthesize("Press now."))
    assert pcm.rate >= 16_000
    assert pcm.duration_s > 0.2


def test_nothing_to_say_is_a_permanent_error(engine: SpeechEngine) -> None:
    with pytest.raises(PermanentSpeechError):
        engine.synthesize("  ")
