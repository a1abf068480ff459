"""Building the web parts from settings: the media secret, the public URL, what is on and off."""

from __future__ import annotations

import stat
from collections.abc import Mapping
from pathlib import Path

import pytest
from fakeha.server import FakeHomeAssistant

from guide_bot.config import Settings
from guide_bot.domain.clock import FakeClock
from guide_bot.domain.routine import Routine
from guide_bot.speakers.sessions import SpeakerSessions
from guide_bot.speakers.setup import SetupError, build_web_parts, public_url
from guide_bot.web.secret import SECRET_FILE, media_secret


def test_media_secret_is_made_once_and_kept(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first = media_secret(settings)
    path = tmp_path / "data" / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert media_secret(settings) == first  # a restart signs with the same secret
    assert len(first) == 64
    given = Settings(data_dir=tmp_path, media_secret="x" * 20)
    assert media_secret(given) == b"x" * 20
    with pytest.raises(ValueError, match="GUIDE_BOT_MEDIA_SECRET is too short"):
        media_secret(Settings(data_dir=tmp_path, media_secret="short"))


def test_public_url() -> None:
    assert public_url(Settings(public_url="https://guide.example/")) == "https://guide.example"
    assert public_url(Settings(http_listen="192.168.1.5", http_port=9000)) == (
        "http://192.168.1.5:9000"
    )
    with pytest.raises(SetupError, match="GUIDE_BOT_PUBLIC_URL is not set"):
        public_url(Settings(http_listen="0.0.0.0"))


def test_parts_say_what_is_off(
    settings: Settings, routines: Mapping[str, Routine], clock: FakeClock
) -> None:
    parts = build_web_parts(settings, lambda: routines, clock)
    assert parts.sessions is None
    assert len(parts.features) == 1  # media only
    assert any("GUIDE_BOT_HA_URL" in note for note in parts.notes)
    assert any("loopback" in note for note in parts.notes)
    with pytest.raises(SetupError, match="GUIDE_BOT_HA_TOKEN is not"):
        build_web_parts(settings.model_copy(update={"ha_url": "http://ha:8123"}), dict, clock)
    with pytest.raises(SetupError, match="must start with http"):
        build_web_parts(
            settings.model_copy(update={"public_url": "guide.example"}), lambda: routines, clock
        )


async def test_parts_with_home_assistant_and_the_api(
    settings: Settings,
    routines: Mapping[str, Routine],
    clock: FakeClock,
    fake_ha: FakeHomeAssistant,
) -> None:
    configured = Settings(
        **{
            **settings.model_dump(),
            "ha_url": fake_ha.url,
            "ha_token": fake_ha.token,
            "api_token": "api-token-0123456789",
            "ha_speakers": "media_player.office, media_player.kitchen, media_player.gone",
        }
    )
    parts = build_web_parts(configured, lambda: routines, clock)
    assert isinstance(parts.sessions, SpeakerSessions)
    try:
        assert len(parts.features) == 2  # media and the speaker API
        allowed = await parts.sessions.allowed_speakers()
        assert [p.entity_id for p in allowed] == ["media_player.office", "media_player.kitchen"]
    finally:
        await parts.sessions.close()
