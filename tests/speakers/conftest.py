"""Fixtures for the speaker tests: a short routine, espeak-ng tracks in a shared cache, a clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from fakeha.server import FakeHomeAssistant

from guide_bot.config import Settings
from guide_bot.domain.clock import FakeClock
from guide_bot.domain.routine import Routine
from guide_bot.library.loader import load_routines
from guide_bot.speakers.follower import SpeakerStatus
from guide_bot.speakers.homeassistant import HomeAssistant
from guide_bot.speakers.sessions import SpeakerSessions
from guide_bot.speech.session_tracks import SessionTracks
from guide_bot.web.media import MediaLinks, media_feature
from guide_bot.web.server import build_web_app
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


@pytest.fixture
async def fake_ha(clock: FakeClock) -> AsyncIterator[FakeHomeAssistant]:
    """A running fake Home Assistant with a kitchen speaker and an office speaker."""
    ha = FakeHomeAssistant(clock)
    ha.add_player("media_player.kitchen", "Kitchen speaker")
    ha.add_player("media_player.office", "Office")
    await ha.start()
    try:
        yield ha
    finally:
        await ha.stop()


@pytest.fixture
async def media_server(
    tracks: SessionTracks,
    routines: Mapping[str, Routine],
    signer: UrlSigner,
    clock: FakeClock,
) -> AsyncIterator[TestServer]:
    """guide-bot's media server on a real socket."""
    app = build_web_app([media_feature(tracks, lambda: routines, signer, clock)])
    async with TestServer(app, host="127.0.0.1") as server:
        yield server


@pytest.fixture
def served_links(media_server: TestServer, signer: UrlSigner, clock: FakeClock) -> MediaLinks:
    """Links to the running media server."""
    return MediaLinks(str(media_server.make_url("")).rstrip("/"), signer, clock)


@pytest.fixture
async def sessions(
    fake_ha: FakeHomeAssistant,
    tracks: SessionTracks,
    served_links: MediaLinks,
    routines: Mapping[str, Routine],
    clock: FakeClock,
) -> AsyncIterator[SpeakerSessions]:
    """Speaker sessions against the fake Home Assistant (no ticker: tests call tick())."""
    service = SpeakerSessions(
        HomeAssistant(fake_ha.url, fake_ha.token),
        tracks,
        served_links,
        lambda: routines,
        clock,
        allowed=("media_player.kitchen",),
        reconnect_delays=(0.05,),
        tick_s=None,
    )
    try:
        yield service
    finally:
        await service.close()


class Changes:
    """Every status the sessions reported, and a way to wait for one."""

    def __init__(self, sessions: SpeakerSessions) -> None:
        self.seen: list[SpeakerStatus] = []
        self._event = asyncio.Event()
        sessions.on_change(self._record)

    def _record(self, entity: str, status: SpeakerStatus) -> None:
        self.seen.append(status)
        self._event.set()

    async def wait_for(self, check: Callable[[SpeakerStatus], bool]) -> SpeakerStatus:
        """The first status (already seen or coming within a socket round trip) that passes."""
        async with asyncio.timeout(5):
            while True:
                for status in self.seen:
                    if check(status):
                        return status
                self._event.clear()
                await self._event.wait()

    def clear(self) -> None:
        self.seen.clear()


@pytest.fixture
def changes(sessions: SpeakerSessions) -> Changes:
    """The observer the chat would register."""
    return Changes(sessions)
