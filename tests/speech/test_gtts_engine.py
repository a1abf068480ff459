"""gTTS with its HTTP layer mocked by `responses`: success, chunks, retries, timeout, language."""

from __future__ import annotations

import base64

import pytest
import requests
import responses

from guide_bot.speech.codecs import decode, encode
from guide_bot.speech.gtts_engine import GttsEngine
from guide_bot.speech.ports import (
    EncodedAudio,
    PermanentSpeechError,
    TransientSpeechError,
)
from tests.speech.fakes import tone

URL = "https://translate.google.com/_/TranslateWebserverUi/data/batchexecute"


def mp3_of(seconds: float) -> bytes:
    """A real MP3 (a tone) to stand in for Google's speech."""
    return encode(tone(seconds, rate=24_000), "mp3").data


def google_body(mp3: bytes) -> str:
    """The batchexecute answer that gTTS parses: the MP3 in base64 inside a JSON-ish line."""
    b64 = base64.b64encode(mp3).decode("ascii")
    return ")]}'\n\n" + '[["wrb.fr","jQ1olc","[\\"' + b64 + '\\"]",null,null,null,"generic"]]\n'


class Sleeps:
    """A fake sleep that records the backoff delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def engine(sleeps: Sleeps, **kwargs: object) -> GttsEngine:
    return GttsEngine(sleep=sleeps, timeout_s=3.0, **kwargs)  # type: ignore[arg-type]


@responses.activate
def test_success_returns_mp3_and_passes_timeout(sleeps: Sleeps) -> None:
    responses.post(URL, body=google_body(mp3_of(1.0)))
    audio = engine(sleeps).synthesize("Press now.")
    assert isinstance(audio, EncodedAudio)
    assert audio.format == "mp3"
    assert decode(audio.data).duration_s == pytest.approx(1.0, abs=0.05)
    assert len(responses.calls) == 1
    assert responses.calls[0].request.req_kwargs["timeout"] == 3.0
    assert sleeps.delays == []


@responses.activate
def test_long_text_is_chunked_and_concatenated(sleeps: Sleeps) -> None:
    responses.post(URL, body=google_body(mp3_of(1.0)))
    text = "Stand with your back to a wall, and put the ball on the top of your shoulder. " * 3
    audio = engine(sleeps).synthesize(text)
    assert len(responses.calls) >= 3  # one request per ~100 characters
    parts = len(responses.calls)
    # every joined MP3 brings its encoder's priming samples (~50 ms); all parts are decoded
    assert parts * 1.0 - 0.05 <= decode(audio.data).duration_s <= parts * 1.07


@responses.activate
def test_5xx_is_retried_with_backoff(sleeps: Sleeps) -> None:
    responses.post(URL, status=503)
    responses.post(URL, status=500)
    responses.post(URL, body=google_body(mp3_of(0.5)))
    audio = engine(sleeps, attempts=3, backoff_s=0.5).synthesize("Release.")
    assert len(responses.calls) == 3
    assert sleeps.delays == [0.5, 1.0]
    assert decode(audio.data).duration_s == pytest.approx(0.5, abs=0.05)


@responses.activate
def test_persistent_5xx_gives_up_after_attempts(sleeps: Sleeps) -> None:
    responses.post(URL, status=502)
    with pytest.raises(TransientSpeechError, match="502"):
        engine(sleeps, attempts=3).synthesize("Release.")
    assert len(responses.calls) == 3
    assert len(sleeps.delays) == 2


@responses.activate
def test_timeout_is_transient_and_retried(sleeps: Sleeps) -> None:
    responses.post(URL, body=requests.exceptions.ReadTimeout("slow"))
    responses.post(URL, body=google_body(mp3_of(0.5)))
    audio = engine(sleeps, attempts=2).synthesize("Halfway.")
    assert len(responses.calls) == 2
    assert audio.data


@responses.activate
def test_timeout_every_time_raises_transient(sleeps: Sleeps) -> None:
    responses.post(URL, body=requests.exceptions.ConnectTimeout("no route"))
    with pytest.raises(TransientSpeechError):
        engine(sleeps, attempts=2).synthesize("Halfway.")
    assert len(responses.calls) == 2


@responses.activate
def test_403_is_permanent_and_not_retried(sleeps: Sleeps) -> None:
    responses.post(URL, status=403)
    with pytest.raises(PermanentSpeechError):
        engine(sleeps, attempts=3).synthesize("Release.")
    assert len(responses.calls) == 1
    assert sleeps.delays == []


@responses.activate
def test_bad_language_fails_at_construction_without_requests(sleeps: Sleeps) -> None:
    with pytest.raises(PermanentSpeechError, match="Language not supported"):
        engine(sleeps, language="xx-nowhere")
    assert len(responses.calls) == 0


def test_voice_key_names_language_accent_and_speed(sleeps: Sleeps) -> None:
    assert engine(sleeps, language="en", tld="co.uk", slow=True).voice_key == "gtts:en:co.uk:slow"
    assert engine(sleeps).voice_key != engine(sleeps, tld="com.au").voice_key
