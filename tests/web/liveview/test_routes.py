"""The live view's HTTP routes against an aiohttp app, with real sessions on a fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from guide_bot.domain.clock import FakeClock
from guide_bot.speech.cache import AudioCache
from guide_bot.speech.cues import CueAudio
from guide_bot.web.liveview.routes import liveview_feature
from tests.speech.fakes import ToneEngine
from tests.web.liveview.support import BOT_TOKEN, T0, FakeLiveSessions, init_data, shipped

ANN, BOB = 1001, 2002


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def cues(tmp_path: Path) -> CueAudio:
    return CueAudio(ToneEngine(), AudioCache(tmp_path / "cache", max_bytes=2**24))


@pytest.fixture
def sessions(clock: FakeClock, cues: CueAudio) -> FakeLiveSessions:
    fake = FakeLiveSessions(clock, clip_key=cues.key)
    fake.start(ANN, shipped("neck-release"), "ann-1")
    return fake


@pytest.fixture
async def client(
    sessions: FakeLiveSessions, clock: FakeClock, cues: CueAudio
) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    app = web.Application()
    liveview_feature(sessions, bot_token=BOT_TOKEN, clock=clock, clips=cues.cache, max_age_s=3600)(
        app
    )
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


def auth(user_id: int, *, auth_date: float = T0 - 5, token: str = BOT_TOKEN) -> dict[str, str]:
    return {"Authorization": f"tma {init_data(user_id, auth_date=auth_date, token=token)}"}


Client = TestClient[web.Request, web.Application]


async def test_the_page_and_its_files(client: Client) -> None:
    page = await client.get("/app")
    assert page.status == 200
    assert page.content_type == "text/html"
    html = await page.text()
    assert 'src="app-static/app.js"' in html
    assert 'aria-live="polite"' in html
    assert "script-src 'self' https://telegram.org" in page.headers["Content-Security-Policy"]
    script = await client.get("/app-static/app.js")
    assert script.status == 200
    assert script.content_type == "text/javascript"
    assert (await client.get("/app-static/app.css")).content_type == "text/css"
    assert (await client.get("/app-static/index.html")).status == 404
    assert (await client.get("/app-static/..%2Froutes.py")).status == 404


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "no_init_data"),
        ({"Authorization": "Bearer abc"}, "no_init_data"),
        ({"Authorization": "tma "}, "no_init_data"),
        (auth(ANN, token="111:forged"), "bad_init_data"),
        (auth(ANN, auth_date=T0 - 3601), "bad_init_data"),
        (auth(ANN, auth_date=T0 + 3600), "bad_init_data"),
    ],
)
async def test_without_valid_init_data_is_401(
    client: Client, sessions: FakeLiveSessions, headers: dict[str, str], code: str
) -> None:
    for answer in (
        await client.get("/api/live", headers=headers),
        await client.post("/api/live/stop", headers=headers),
    ):
        assert answer.status == 401
        assert (await answer.json())["error"] == code
    assert sessions.calls == []


async def test_snapshot_of_the_callers_session(client: Client, clock: FakeClock) -> None:
    clock.advance(60.0)  # into step 1's hold, after the time to lie down on the ball
    answer = await client.get("/api/live", headers=auth(ANN))
    assert answer.status == 200
    assert answer.headers["Cache-Control"] == "no-store"
    data = await answer.json()
    assert (data["session_id"], data["state"], data["step"], data["phase"]) == (
        "ann-1",
        "running",
        1,
        "hold",
    )
    assert data["server_time"] == T0 + 60.0
    assert data["hold"]["ends_at"] > T0 + 60.0
    assert all(cue["audio_url"].startswith("api/audio/") for cue in data["cues"])


async def test_other_users_get_nothing_of_it(client: Client, sessions: FakeLiveSessions) -> None:
    alone = await client.get("/api/live", headers=auth(BOB))
    assert alone.status == 404
    assert (await alone.json())["error"] == "no_session"
    pinned = await client.get("/api/live?session=ann-1", headers=auth(BOB))
    assert pinned.status == 404  # Bob has no session at all: nothing is said about Ann's
    sessions.start(BOB, shipped("foot-reset"), "bob-1")
    foreign = await client.get("/api/live?session=ann-1", headers=auth(BOB))
    assert foreign.status == 403
    assert (await foreign.json())["error"] == "not_your_session"
    stop = await client.post("/api/live/stop?session=ann-1", headers=auth(BOB))
    assert stop.status == 403
    assert sessions.calls == []
    own = await client.get("/api/live?session=ann-1", headers=auth(ANN))
    assert own.status == 200


async def test_controls_act_on_the_callers_session(
    client: Client, sessions: FakeLiveSessions, clock: FakeClock
) -> None:
    clock.advance(60.0)  # inside step 1's hold: +15 s needs one
    paused = await client.post("/api/live/pause?session=ann-1", headers=auth(ANN))
    assert paused.status == 200
    assert (await paused.json())["state"] == "paused"
    again = await client.post("/api/live/pause", headers=auth(ANN))
    assert again.status == 409
    assert await again.json() == {"error": "refused", "message": "the session is already paused"}
    resumed = await client.post("/api/live/resume", headers=auth(ANN))
    assert (await resumed.json())["state"] == "running"
    added = await client.post("/api/live/add", headers=auth(ANN))
    assert (await added.json())["hold"]["length_s"] == pytest.approx(60.0)
    assert sessions.calls == [(ANN, "pause"), (ANN, "pause"), (ANN, "resume"), (ANN, "add")]
    unknown = await client.post("/api/live/explode", headers=auth(ANN))
    assert unknown.status == 404
    assert "allowed: pause, resume" in (await unknown.json())["message"]
    stopped = await client.post("/api/live/stop", headers=auth(ANN))
    assert (await stopped.json())["state"] == "stopped"
    late = await client.post("/api/live/skip", headers=auth(ANN))
    assert late.status == 409
    assert "stopped" in (await late.json())["message"]


async def test_adding_time_outside_a_hold_is_refused(client: Client) -> None:
    answer = await client.post("/api/live/add", headers=auth(ANN))  # getting ready
    assert answer.status == 409
    assert (await answer.json())["message"] == "time can be added only during a hold"


async def test_cue_audio_by_signed_link(client: Client, cues: CueAudio, clock: FakeClock) -> None:
    data = await (await client.get("/api/live", headers=auth(ANN))).json()
    cue = data["cues"][0]
    entry, _hit = cues.entry(cue["text"])
    clip = await client.get("/" + cue["audio_url"])
    assert clip.status == 200
    assert clip.content_type == "audio/wav"
    assert await clip.read() == entry.data
    path = cue["audio_url"].split("?")[0]
    unsigned = await client.get("/" + path)
    assert unsigned.status == 403
    assert (await unsigned.json())["error"] == "bad_link"
    forged = await client.get("/" + path + "?sig=" + "0" * 32)
    assert forged.status == 403
    other = data["cues"][1]["audio_url"]  # signed, but never synthesized into the cache
    assert (await client.get("/" + other)).status == 404
    assert (await client.get("/api/audio/not-a-key?sig=x")).status == 403


def test_the_feature_needs_the_token(sessions: FakeLiveSessions, clock: FakeClock) -> None:
    with pytest.raises(ValueError, match="bot token"):
        liveview_feature(sessions, bot_token="", clock=clock)


async def test_the_steps_picture_by_signed_link_changes_with_the_step(
    client: Client, sessions: FakeLiveSessions
) -> None:
    first = await (await client.get("/api/live", headers=auth(ANN))).json()
    picture = first["picture"]
    assert (picture["step"], picture["view"]) == (1, "back")  # getting ready: step 1's
    png = await client.get("/" + picture["url"])
    assert png.status == 200
    assert png.content_type == "image/png"
    assert "immutable" in png.headers["Cache-Control"]
    data = await png.read()
    assert data.startswith(b"\x89PNG")
    again = await client.get("/" + picture["url"])
    assert await again.read() == data
    skipped = first
    for _ in range(4):  # the get-ready, then step 1's holds
        skipped = await (await client.post("/api/live/skip", headers=auth(ANN))).json()
        if skipped["step"] == 2:
            break
        assert skipped["picture"]["url"] == picture["url"]  # same step, same picture
    assert skipped["step"] == 2
    assert skipped["picture"]["step"] == 2
    assert skipped["picture"]["url"] != picture["url"]
    second = await client.get("/" + skipped["picture"]["url"])
    assert await second.read() != data
    path = picture["url"].split("?")[0]
    for refused in (path, path + "?sig=" + "0" * 32, "/api/picture/zz?sig=x"):
        answer = await client.get("/" + refused.lstrip("/"))
        assert answer.status == 403
        assert (await answer.json())["error"] == "bad_link"
    stopped = await (await client.post("/api/live/stop", headers=auth(ANN))).json()
    assert stopped["picture"] is None  # an ended session shows no picture


async def test_a_picture_never_handed_out_is_not_drawn(client: Client) -> None:
    from guide_bot.web.liveview.pictures import PictureLinks

    unknown = PictureLinks(BOT_TOKEN).url("0" * 32)  # signed, but no snapshot named it
    answer = await client.get("/" + unknown)
    assert answer.status == 404
    assert (await answer.json())["error"] == "no_picture"
