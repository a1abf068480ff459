"""Fixtures for the speaker tests: a short routine, espeak-ng tracks in a shared cache, a clock."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from guide_bot.config import Settings
from guide_bot.domain.clock import FakeClock
from guide_bot.domain.routine import Routine
from guide_bot.library.loader import load_routines
from guide_bot.speech.session_tracks import SessionTracks
from guide_bot.web.media import MediaLinks
from guide_bot.web.signing import UrlSigner

SECRET = b"test-secret-0123456789abcdef"

SPEAKER_ROUTINE_YAML = """\
id: speaker-test
title: Speaker test routine
summary: Three short steps for the speaker tests.
areas: [neck]
complaints: [neck-pain]
tools: [hands]
get_ready_s: 3
steps:
  - title: Thumb press
    instruction: Press the sore spot.
    technique: compress
    hold_s: 10
    sides: left-right
  - title: Side stretch
    instruction: Tilt your head.
    technique: stretch
    hold_s: 10
  - title: Shoulder roll
    instruction: Roll your shoulders.
    technique: stretch
    hold_s: 10
"""

TINY_ROUTINE_YAML = """\
id: tiny-test
title: Tiny test routine
summary: One short hold, for the track format tests.
areas: [neck]
complaints: [neck-pain]
tools: [hands]
get_ready_s: 2
steps:
  - title: Thumb press
    instruction: Press.
    technique: compress
    hold_s: 5
"""


@pytest.fixture(scope="session")
def speaker_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library folder with the short speaker routine (id speaker-test)."""
    folder = tmp_path_factory.mktemp("speaker-library")
    (folder / "speaker-test.yaml").write_text(SPEAKER_ROUTINE_YAML, encoding="utf-8")
    (folder / "tiny-test.yaml").write_text(TINY_ROUTINE_YAML, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def routines(speaker_library: Path) -> Mapping[str, Routine]:
    """The test routines by id."""
    loaded = load_routines([speaker_library])
    assert not loaded.errors, loaded.errors
    return loaded.routines


@pytest.fixture(scope="session")
def shared_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One audio cache for the whole run: espeak speaks each cue once."""
    return tmp_path_factory.mktemp("speaker-cache")


@pytest.fixture
def settings(shared_cache_dir: Path, tmp_path: Path, speaker_library: Path) -> Settings:
    """Settings for an offline speaker setup (espeak-ng, a temporary data folder)."""
    return Settings(
        audio_cache=shared_cache_dir,
        data_dir=tmp_path / "data",
        library=speaker_library,
        tts="espeak",
        token=None,
    )


@pytest.fixture
def tracks(settings: Settings) -> SessionTracks:
    """Tracks in the espeak voice."""
    return SessionTracks(settings)


@pytest.fixture
def clock() -> FakeClock:
    """The time the media server and followers see."""
    return FakeClock()


@pytest.fixture
def signer() -> UrlSigner:
    """A signer with a fixed test secret."""
    return UrlSigner(SECRET)


@pytest.fixture
def links(signer: UrlSigner, clock: FakeClock) -> MediaLinks:
    """Links under a placeholder base; tests swap in the server's real address."""
    return MediaLinks("http://127.0.0.1:1", signer, clock)
