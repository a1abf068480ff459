"""Engine selection: GUIDE_BOT_TTS, the auto fallback, one engine per session, no speech."""

from __future__ import annotations

import pytest
import requests
import responses

from guide_bot.config import Settings
from guide_bot.speech import gtts_engine
from guide_bot.speech.espeak_engine import EspeakEngine
from guide_bot.speech.ports import SpeechError
from guide_bot.speech.selection import (
    EngineSelector,
    NoSpeech,
    Voice,
    engine_for_cli,
    make_espeak,
)
from tests.speech.fakes import BrokenEngine, ToneEngine

VOICE = Voice()


def selector(choice: str, gtts: object, espeak: object, **kw: float) -> EngineSelector:
    return EngineSelector(
        choice=choice,  # type: ignore[arg-type]
        factories={"gtts": lambda _v: gtts, "espeak": lambda _v: espeak},  # type: ignore[dict-item]
        **kw,
    )


def test_auto_prefers_gtts() -> None:
    google, offline = ToneEngine("google"), ToneEngine("offline")
    assert selector("auto", google, offline).pick(VOICE, now=0.0) is google
    assert offline.calls == []


def test_auto_falls_back_to_espeak_when_google_fails() -> None:
    broken, offline = BrokenEngine(), ToneEngine("offline")
    assert selector("auto", broken, offline).pick(VOICE, now=0.0) is offline
    assert broken.calls == 1


def test_gtts_only_never_falls_back() -> None:
    outcome = selector("gtts", BrokenEngine(), ToneEngine()).pick(VOICE, now=0.0)
    assert isinstance(outcome, NoSpeech)
    assert "network unreachable" in outcome.reason
    assert "text" in outcome.notice


def test_every_engine_failing_is_no_speech() -> None:
    outcome = selector("auto", BrokenEngine(), BrokenEngine()).pick(VOICE, now=0.0)
    assert isinstance(outcome, NoSpeech)


def test_choice_is_remembered_then_probed_again_after_recheck() -> None:
    broken, offline = BrokenEngine(), ToneEngine("offline")
    sel = selector("auto", broken, offline, recheck_s=300.0)
    assert sel.pick(VOICE, now=0.0) is offline
    assert sel.pick(VOICE, now=299.0) is offline
    assert broken.calls == 1  # no probe within the recheck window
    sel.pick(VOICE, now=301.0)
    assert broken.calls == 2


def test_espeak_choice_and_factory() -> None:
    engine = make_espeak(Voice(language="en", tld="co.uk", slow=True))
    assert isinstance(engine, EspeakEngine)
    assert engine.voice == "en"
    assert engine.rate_wpm < 165


def test_engine_for_cli_espeak() -> None:
    assert engine_for_cli("espeak", Settings()).name == "espeak"


def test_engine_for_cli_gtts_offline_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(gtts_engine.time, "sleep", slept.append)
    with responses.RequestsMock() as mocked:
        mocked.post(
            "https://translate.google.com/_/TranslateWebserverUi/data/batchexecute",
            body=requests.exceptions.ConnectionError("offline"),
        )
        with pytest.raises(SpeechError, match="no speech engine"):
            engine_for_cli("gtts", Settings(tts_timeout_s=0.1))
        assert len(mocked.calls) == 3
    assert slept == [0.5, 1.0]
