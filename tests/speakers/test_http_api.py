"""The speaker API over HTTP, as Home Assistant's rest_command calls it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from fakeha.server import FakeHomeAssistant

from guide_bot.domain.clock import FakeClock
from guide_bot.speakers.http_api import speaker_api_feature
from guide_bot.speakers.sessions import SpeakerSessions
from guide_bot.web.server import build_web_app

from .conftest import Changes

TOKEN = "api-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
async def api(sessions: SpeakerSessions) -> AsyncIterator[TestServer]:
    app = build_web_app([speaker_api_feature(sessions, TOKEN)])
    async with TestServer(app, host="127.0.0.1") as server:
        yield server


async def _post(
    server: TestServer, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            server.make_url(path), json=body, headers=AUTH if headers is None else headers
        ) as r,
    ):
        return r.status, await r.json()


async def test_token_is_required(api: TestServer) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": TOKEN}):
        status, body = await _post(api, "/api/speaker/pause", {}, headers)
        assert status == 401
        assert body["ok"] is False
    async with aiohttp.ClientSession() as http, http.get(api.make_url("/api/speaker/status")) as r:
        assert r.status == 401
        assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_short_tokens_are_refused(sessions: SpeakerSessions) -> None:
    with pytest.raises(ValueError, match="at least 16"):
        speaker_api_feature(sessions, "short")


async def test_voice_flow(
    api: TestServer, fake_ha: FakeHomeAssistant, changes: Changes, clock: FakeClock
) -> None:
    status, body = await _post(
        api, "/api/speaker/start", {"routine": "speaker test", "entity": "media_player.kitchen"}
    )
    assert status == 200, body
    assert body["speech"] == "Starting Speaker test routine on Kitchen speaker."
    assert body["status"]["routine"] == "speaker-test"
    await changes.wait_for(lambda s: s.phase.value == "playing")
    clock.advance(15)  # into step 1 (the get-ready says the stop rule first)
    status, body = await _post(api, "/api/speaker/next")  # "next step": no entity named
    assert status == 200, body
    assert body["speech"] == "Step 2: Side stretch."
    assert fake_ha.calls[-1][0] == "media_seek"
    status, body = await _post(api, "/api/speaker/pause", {"entity": "media_player.kitchen"})
    assert (status, body["speech"]) == (200, "Paused.")
    async with (
        aiohttp.ClientSession() as http,
        http.get(api.make_url("/api/speaker/status"), headers=AUTH) as r,
    ):
        listing = await r.json()
    assert listing["connected"] is True
    assert [s["phase"] for s in listing["sessions"]] == ["paused"]
    status, body = await _post(api, "/api/speaker/stop", {})
    assert (status, body["speech"]) == (200, "Stopped.")
    assert fake_ha.calls[-1][0] == "media_stop"


async def test_errors(api: TestServer, fake_ha: FakeHomeAssistant) -> None:
    status, body = await _post(api, "/api/speaker/pause", {})
    assert (status, body["error"]) == (404, "no session is playing on a speaker")
    status, body = await _post(api, "/api/speaker/start", {"routine": "x", "entity": 5})
    assert status == 400
    assert "entity" in body["error"]
    status, body = await _post(api, "/api/speaker/start", {"routine": "speaker-test"})
    assert status == 400
    status, body = await _post(
        api, "/api/speaker/start", {"routine": "headstand", "entity": "media_player.kitchen"}
    )
    assert status == 404
    assert "no routine matches" in body["error"]
    status, body = await _post(
        api, "/api/speaker/start", {"routine": "speaker-test", "entity": "media_player.nowhere"}
    )
    assert status == 404
    status, body = await _post(api, "/api/speaker/explode", {})
    assert status == 404
    fake_ha.token = "rotated"
    status, body = await _post(
        api, "/api/speaker/start", {"routine": "speaker-test", "entity": "media_player.kitchen"}
    )
    assert status == 502
    assert "refused the token" in body["error"]
