"""The media server over a real socket: signed URLs, HEAD, Range, 403/404/416, the track itself."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Mapping
from urllib.parse import urlsplit

import aiohttp
import av
import pytest
from aiohttp.test_utils import TestServer

from guide_bot.config import Settings
from guide_bot.domain.clock import FakeClock
from guide_bot.domain.routine import Routine
from guide_bot.speech.session_tracks import SessionTracks
from guide_bot.web.media import MediaLinks, media_feature
from guide_bot.web.server import build_web_app
from guide_bot.web.signing import UrlSigner


@pytest.fixture
async def server(
    tracks: SessionTracks,
    routines: Mapping[str, Routine],
    signer: UrlSigner,
    clock: FakeClock,
) -> AsyncIterator[TestServer]:
    app = build_web_app([media_feature(tracks, lambda: routines, signer, clock)])
    async with TestServer(app, host="127.0.0.1") as srv:
        yield srv


@pytest.fixture
def site_links(server: TestServer, signer: UrlSigner, clock: FakeClock) -> MediaLinks:
    return MediaLinks(str(server.make_url("")).rstrip("/"), signer, clock)


def _duration(data: bytes) -> float:
    samples = 0
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate
        for frame in container.decode(stream):
            samples += frame.samples
    return samples / rate


async def test_healthz(server: TestServer) -> None:
    async with aiohttp.ClientSession() as http, http.get(server.make_url("/healthz")) as resp:
        assert resp.status == 200
        assert await resp.text() == "ok"


@pytest.mark.parametrize(
    ("routine_id", "fmt", "content_type"),
    [
        ("speaker-test", "mp3", "audio/mpeg"),  # the format speakers get, on a 3-step routine
        ("tiny-test", "m4a", "audio/mp4"),
        ("tiny-test", "ogg", "audio/ogg"),
    ],
)
async def test_track_matches_the_plan(
    site_links: MediaLinks,
    tracks: SessionTracks,
    routines: Mapping[str, Routine],
    routine_id: str,
    fmt: str,
    content_type: str,
) -> None:
    routine = routines[routine_id]
    prepared = await tracks.prepare(routine, "espeak")
    url = site_links.track_url(routine.id, fmt, tts=prepared.engine)
    async with aiohttp.ClientSession() as http:
        async with http.head(url) as head:
            assert head.status == 200
            assert head.headers["Content-Type"] == content_type
            assert head.headers["Accept-Ranges"] == "bytes"
            size = int(head.headers["Content-Length"])
        async with http.get(url) as resp:
            assert resp.status == 200
            body = await resp.read()
    assert len(body) == size
    assert abs(_duration(body) - prepared.timeline.total_s) < 0.5
    async with aiohttp.ClientSession() as http:
        async with http.get(url, headers={"Range": "bytes=100-1099"}) as part:
            assert part.status == 206
            assert part.headers["Content-Range"] == f"bytes 100-1099/{size}"
            assert part.headers["Content-Length"] == "1000"
            assert await part.read() == body[100:1100]
        async with http.get(url, headers={"Range": f"bytes={size - 10}-"}) as tail:
            assert tail.status == 206
            assert await tail.read() == body[-10:]
        async with http.get(url, headers={"Range": f"bytes={size + 5}-"}) as bad:
            assert bad.status == 416
            assert bad.headers["Content-Range"] == f"bytes */{size}"


async def test_rendered_once_then_cached(
    settings: Settings, tracks: SessionTracks, routines: Mapping[str, Routine]
) -> None:
    routine = routines["speaker-test"]
    first = await tracks.track(routine, "mp3", "espeak")
    restarted = SessionTracks(settings)  # a new process on the same cache folder
    again = await restarted.track(routine, "mp3", "espeak")
    assert (again.path, again.key) == (first.path, first.key)
    assert restarted.cache.stats.misses == 0  # every clip and the track came from the cache


async def test_tampered_expired_and_unknown(
    site_links: MediaLinks, clock: FakeClock, server: TestServer
) -> None:
    url = site_links.track_url("speaker-test", "mp3", tts="espeak", ttl_s=60)
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}"
    tampered_path = url.replace("speaker-test", "neck-release")
    sig_flipped = url[:-1] + ("A" if url[-1] != "A" else "B")
    exp_moved = url.replace("exp=", "exp=9")
    async with aiohttp.ClientSession() as http:
        for bad in (tampered_path, sig_flipped, exp_moved, f"{base}{parts.path}"):
            async with http.get(bad) as resp:
                assert resp.status == 403, bad
        clock.advance(61)
        async with http.get(url) as resp:
            assert resp.status == 403
            assert "expired" in await resp.text()
        unknown = site_links.track_url("no-such-routine", "mp3", tts="espeak")
        async with http.get(unknown) as resp:
            assert resp.status == 404


async def test_a_track_in_a_language_names_it_and_an_unknown_language_is_refused(
    server: TestServer, site_links: MediaLinks, signer: UrlSigner, clock: FakeClock
) -> None:
    url = site_links.track_url("tiny-test", "mp3", tts="espeak", lang="de")
    assert "/media/track/tiny-test/de/espeak.mp3?" in url
    with pytest.raises(ValueError, match="unknown language 'xx'"):
        site_links.track_url("tiny-test", "mp3", tts="espeak", lang="xx")
    path = "/media/track/tiny-test/xx/espeak.mp3"  # signed, but no language guide-bot speaks
    signed = f"{server.make_url(path)}?{signer.query(path, int(clock.now()) + 60)}"
    async with aiohttp.ClientSession() as http:
        async with http.head(url) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"] == "audio/mpeg"
        async with http.get(signed) as resp:
            assert resp.status == 404
            assert await resp.text() == "no such language\n"
