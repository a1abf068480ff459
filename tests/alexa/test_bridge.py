"""The skill's worker thread reaching async track sources on the server's loop, over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from guide_bot.domain.routine import Routine
from guide_bot.domain.timeline import Timeline, plan
from guide_bot.library.loader import load_routines
from guide_bot.speakers.alexa import BridgedTrackLinks, PlannedTrackSource
from tests.alexa.harness import STEP_STARTS_MS, AlexaHarness, envelope


class AsyncSource:
    """Like the media server: planning awaits (here, until `ready` is set)."""

    def __init__(self) -> None:
        self.ready = asyncio.Event()
        self.ready.set()
        self.loops: list[asyncio.AbstractEventLoop] = []

    async def track_url(self, routine_id: str, fmt: str) -> str:
        self.loops.append(asyncio.get_running_loop())
        await self.ready.wait()
        return f"https://guide-bot.example.test/media/track/{routine_id}/espeak.{fmt}?exp=1&sig=x"

    async def step_offsets_ms(self, routine_id: str) -> Sequence[int]:
        self.loops.append(asyncio.get_running_loop())
        await self.ready.wait()
        return tuple(STEP_STARTS_MS)


async def test_the_skill_plays_a_url_made_on_the_server_loop() -> None:
    source = AsyncSource()
    loop = asyncio.get_running_loop()
    links = BridgedTrackLinks(source, loop)
    async with AlexaHarness(links=links) as alexa:
        started = await alexa.post(envelope("start_routine_resolved"))
        following = await alexa.post(envelope("next"))
    stream = started["response"]["directives"][0]["audioItem"]["stream"]
    assert stream["url"].startswith("https://guide-bot.example.test/media/track/neck-release/")
    assert (
        following["response"]["directives"][0]["audioItem"]["stream"]["offsetInMilliseconds"]
        == STEP_STARTS_MS[1]
    )
    assert source.loops
    assert all(used is loop for used in source.loops)


async def test_a_track_not_ready_in_time_gets_a_spoken_apology() -> None:
    source = AsyncSource()
    source.ready.clear()  # never ready: the bridge gives up at once
    links = BridgedTrackLinks(source, asyncio.get_running_loop(), timeout_s=0)
    async with AlexaHarness(links=links) as alexa:
        answer = await alexa.post(envelope("start_routine_resolved"))
    assert "something went wrong" in answer["response"]["outputSpeech"]["ssml"]
    assert answer["response"]["shouldEndSession"] is True
    assert "directives" not in answer["response"]


async def test_calling_the_bridge_on_the_loop_itself_is_refused() -> None:
    links = BridgedTrackLinks(AsyncSource(), asyncio.get_running_loop())
    with pytest.raises(RuntimeError, match="worker thread"):
        links.track_url("neck-release", "mp3")


class Planner:
    """Like SessionTracks.prepare: the concrete engine and the timeline of the track."""

    def __init__(self) -> None:
        self.prepared: list[str] = []

    async def prepare(self, routine: Routine, tts: str | None = None) -> PreparedTrack:
        self.prepared.append(routine.id)
        return PreparedTrack(engine="espeak", timeline=plan(routine))


@dataclass(frozen=True)
class PreparedTrack:
    engine: str
    timeline: Timeline


class Links:
    def track_url(self, routine_id: str, fmt: str, *, tts: str | None = None) -> str:
        return f"https://guide-bot.example.test/media/track/{routine_id}/{tts}.{fmt}?exp=1&sig=x"


async def test_planned_tracks_give_the_url_and_step_starts_of_one_voice(library_dir: Path) -> None:
    routines = load_routines((library_dir,)).routines
    source = PlannedTrackSource(Planner(), Links(), lambda: routines)
    url = await source.track_url("neck-release", "mp3")
    starts = await source.step_offsets_ms("neck-release")
    assert url.startswith("https://guide-bot.example.test/media/track/neck-release/espeak.mp3?")
    assert starts == [round(s * 1000) for s in plan(routines["neck-release"]).step_starts]
    assert starts == sorted(starts)
    assert len(starts) == len(routines["neck-release"].steps)
    with pytest.raises(KeyError, match="no routine"):
        await source.track_url("not-a-routine", "mp3")


async def test_a_plain_http_track_url_is_warned_about_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class PlainHttp(AsyncSource):
        async def track_url(self, routine_id: str, fmt: str) -> str:
            return f"http://127.0.0.1:8080/media/track/{routine_id}/espeak.{fmt}?exp=1&sig=x"

    links = BridgedTrackLinks(PlainHttp(), asyncio.get_running_loop())
    async with AlexaHarness(links=links) as alexa:
        await alexa.post(envelope("start_routine_resolved"))
        await alexa.post(envelope("resume"))
    warnings = [r for r in caplog.records if "only HTTPS track URLs" in r.getMessage()]
    assert len(warnings) == 1
    assert "GUIDE_BOT_PUBLIC_URL" in warnings[0].getMessage()
