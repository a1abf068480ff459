"""No network for speech: a failed gTTS probe is remembered for a cool-down (circuit breaker).

gTTS's HTTP calls fail through `responses` (a dropped connection, as with no network); time is a
fake clock passed in; gTTS's backoff sleeps are recorded, not slept.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
import responses
from click.testing import CliRunner

from guide_bot.cli import main
from guide_bot.config import Settings
from guide_bot.speech import gtts_engine
from guide_bot.speech.breaker import (
    STATE_FILE,
    Breaker,
    BreakerState,
    FileBreakerStore,
    MemoryStore,
)
from guide_bot.speech.gtts_engine import GttsEngine
from guide_bot.speech.selection import EngineSelector, Voice, engine_for_cli
from tests.speech.fakes import ToneEngine

GOOGLE = "https://translate.google.com/_/TranslateWebserverUi/data/batchexecute"
T0 = 1_800_000_000.0


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    record: list[float] = []
    monkeypatch.setattr(gtts_engine.time, "sleep", record.append)
    return record


@pytest.fixture
def offline() -> responses.RequestsMock:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        mocked.post(GOOGLE, body=requests.exceptions.ConnectionError("no network"))
        yield mocked


def _selector(breaker: Breaker, offline_voice: ToneEngine) -> EngineSelector:
    return EngineSelector(
        choice="auto",
        factories={
            "gtts": lambda v: GttsEngine(language=v.language, timeout_s=0.1),
            "espeak": lambda _v: offline_voice,
        },
        breaker=breaker,
    )


def test_breaker_opens_for_the_cool_down_then_lets_one_probe_through() -> None:
    breaker = Breaker(MemoryStore(), cooldown_s=600)
    assert breaker.allows(T0)
    breaker.failed(T0, "gTTS: no network")
    assert not breaker.allows(T0 + 599)
    assert breaker.allows(T0 + 600)
    breaker.failed(T0 + 600, "again")
    assert breaker.state() == BreakerState(open_until=T0 + 1200, reason="again", since=T0)
    breaker.succeeded()
    assert breaker.allows(T0 + 601)


def test_file_store_keeps_the_state_and_ignores_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "cache" / STATE_FILE
    Breaker(FileBreakerStore(path)).failed(T0, "down")
    assert not Breaker(FileBreakerStore(path)).allows(T0 + 1)  # another process sees it
    path.write_text("{not json")
    assert Breaker(FileBreakerStore(path)).allows(T0 + 1)
    path.write_text('{"open_until": "soon"}')
    assert Breaker(FileBreakerStore(path)).allows(T0 + 1)


def test_auto_skips_gtts_during_the_cool_down_for_every_voice(
    offline: responses.RequestsMock, slept: list[float]
) -> None:
    espeak = ToneEngine("offline")
    selector = _selector(Breaker(cooldown_s=600), espeak)
    assert selector.pick(Voice(), now=T0) is espeak
    assert len(offline.calls) == 3  # the first probe pays its retries ...
    assert slept == [0.5, 1.0]
    assert selector.pick(Voice(language="de"), now=T0 + 10) is espeak
    assert selector.pick(Voice(slow=True), now=T0 + 599) is espeak
    assert len(offline.calls) == 3  # ... and nobody pays them again during the cool-down
    assert slept == [0.5, 1.0]
    notice = selector.offline_notice(espeak, T0 + 10)
    assert notice is not None
    assert "espeak-ng" in notice
    assert "10 min" in notice
    selector.pick(Voice(language="fr"), now=T0 + 600)  # cool-down over: one probe again
    assert len(offline.calls) == 6


def test_gtts_back_closes_the_breaker(slept: list[float]) -> None:
    google, espeak = ToneEngine("google"), ToneEngine("offline")
    breaker = Breaker(cooldown_s=60)
    breaker.failed(T0, "down")
    selector = EngineSelector(
        choice="auto",
        factories={"gtts": lambda _v: google, "espeak": lambda _v: espeak},
        breaker=breaker,
    )
    assert selector.pick(Voice(), now=T0 + 1) is espeak
    assert google.calls == []
    assert selector.pick(Voice(language="de"), now=T0 + 61) is google
    assert breaker.allows(T0 + 62)
    assert selector.offline_notice(google, T0 + 62) is None


def test_the_next_command_skips_the_probe_too(
    tmp_path: Path, offline: responses.RequestsMock, slept: list[float]
) -> None:
    settings = Settings(audio_cache=tmp_path / "cache", tts="auto", tts_timeout_s=0.1)
    said: list[str] = []
    first = engine_for_cli("auto", settings, now=T0, notify=said.append)
    assert first.name == "espeak"
    assert len(offline.calls) == 3
    assert (tmp_path / "cache" / STATE_FILE).exists()
    second = engine_for_cli("auto", settings, now=T0 + 30, notify=said.append)
    assert second.name == "espeak"
    assert len(offline.calls) == 3  # the second command did not ask Google
    assert slept == [0.5, 1.0]
    assert len(said) == 2  # one line per command
    assert all("espeak-ng" in line for line in said)


def test_warm_cache_says_it_once_and_skips_google_next_time(
    tmp_path: Path,
    short_library: Path,
    offline: responses.RequestsMock,
    slept: list[float],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GUIDE_BOT_AUDIO_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("GUIDE_BOT_TTS", "auto")
    monkeypatch.setenv("GUIDE_BOT_TTS_TIMEOUT_S", "0.1")
    runner = CliRunner(mix_stderr=False)
    first = runner.invoke(main, ["warm-cache", "--library", str(short_library)])
    assert first.exit_code == 0, first.stderr
    assert len(re.findall("espeak-ng", first.stderr)) == 1, first.stderr
    assert len(offline.calls) == 3
    second = runner.invoke(main, ["warm-cache", "--library", str(short_library)])
    assert second.exit_code == 0, second.stderr
    assert len(re.findall("espeak-ng", second.stderr)) == 1, second.stderr
    assert "gTTS attempt" not in second.stderr
    assert len(offline.calls) == 3
