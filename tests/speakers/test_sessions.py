"""Speaker sessions end to end: guide-bot's media server, the fake Home Assistant, fake time."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from fakeha.server import FakeHomeAssistant

from guide_bot.config import Settings
from guide_bot.domain.clock import FakeClock
from guide_bot.domain.routine import Routine
from guide_bot.speakers.follower import INTERRUPT_UNAVAILABLE, Phase
from guide_bot.speakers.homeassistant import (
    HomeAssistant,
    HomeAssistantAuthError,
    HomeAssistantUnreachable,
    UnknownEntity,
)
from guide_bot.speakers.routine_query import RoutineNotFound
from guide_bot.speakers.sessions import (
    LOST,
    NoSession,
    SpeakerError,
    SpeakerNotAllowed,
    SpeakerSessions,
)
from guide_bot.speech.session_tracks import SessionTracks
from guide_bot.web.media import MediaLinks

from .conftest import Changes

KITCHEN = "media_player.kitchen"


async def _start(sessions: SpeakerSessions, changes: Changes) -> None:
    status = await sessions.start("speaker test", KITCHEN)
    assert status.routine == "speaker-test"
    await changes.wait_for(lambda s: s.phase is Phase.PLAYING)


async def test_start_plays_the_signed_track_and_follows_it(
    sessions: SpeakerSessions, fake_ha: FakeHomeAssistant, changes: Changes, clock: FakeClock
) -> None:
    await _start(sessions, changes)
    service, data = fake_ha.calls[0]
    assert service == "play_media"
    assert data["media_content_type"] == "music"
    assert "/media/track/speaker-test/espeak.mp3?exp=" in data["media_content_id"]
    assert fake_ha.players[KITCHEN].fetched == [200, 206]  # the speaker could fetch it
    timeline = sessions.tracks._plans[next(iter(sessions.tracks._plans))]
    hold = timeline.holds[0]
    clock.advance(hold.start_s + 2)
    status = sessions.status(KITCHEN)
    assert status is not None
    assert (status.reading.step, status.reading.side) == (1, hold.side)
    assert status.to_dict()["in_hold"] is True


async def test_keys_map_to_player_calls_at_step_offsets(
    sessions: SpeakerSessions, fake_ha: FakeHomeAssistant, changes: Changes, clock: FakeClock
) -> None:
    await _start(sessions, changes)
    timeline = next(iter(sessions.tracks._plans.values()))
    s1, s2, _s3 = timeline.step_starts
    clock.advance(s1 + 5)
    status = await sessions.control(None, "next")  # the only active session
    assert fake_ha.calls[-1] == (
        "media_seek",
        {"entity_id": KITCHEN, "seek_position": round(s2, 3)},
    )
    assert status.reading.step == 2
    clock.advance(1)
    await sessions.control(KITCHEN, "previous")  # just past step 2's start: back to step 1
    assert fake_ha.calls[-1][1]["seek_position"] == round(s1, 3)
    changes.clear()
    await sessions.control(KITCHEN, "toggle")
    assert fake_ha.calls[-1][0] == "media_pause"
    paused = await changes.wait_for(lambda s: s.phase is Phase.PAUSED)
    clock.advance(100)
    assert sessions.status(KITCHEN).offset_s == pytest.approx(paused.offset_s)  # type: ignore[union-attr]
    await sessions.control(KITCHEN, "toggle")
    assert fake_ha.calls[-1][0] == "media_play"
    await sessions.control(KITCHEN, "stop")
    assert fake_ha.calls[-1][0] == "media_stop"
    assert sessions.status(KITCHEN).phase is Phase.STOPPED  # type: ignore[union-attr]
    with pytest.raises(NoSession, match="has ended"):
        await sessions.control(KITCHEN, "pause")


async def test_add_time_pauses_then_resumes_by_itself(
    sessions: SpeakerSessions, fake_ha: FakeHomeAssistant, changes: Changes, clock: FakeClock
) -> None:
    await _start(sessions, changes)
    with pytest.raises(SpeakerError, match="only while a hold"):
        await sessions.control(KITCHEN, "add_time")
    timeline = next(iter(sessions.tracks._plans.values()))
    clock.advance(timeline.holds[0].start_s + 1)
    status = await sessions.control(KITCHEN, "add_time")
    assert status.phase is Phase.HOLDING_ON
    assert fake_ha.calls[-1][0] == "media_pause"
    clock.advance(14)
    await sessions.tick()
    assert fake_ha.calls[-1][0] == "media_pause"
    clock.advance(1.5)
    await sessions.tick()
    assert fake_ha.calls[-1][0] == "media_play"
    await changes.wait_for(lambda s: s.phase is Phase.PLAYING and s.hold_on_left_s is None)


async def test_pause_on_the_speaker_itself_keeps_the_session_in_step(
    sessions: SpeakerSessions, fake_ha: FakeHomeAssistant, changes: Changes, clock: FakeClock
) -> None:
    await _start(sessions, changes)
    clock.advance(30)
    changes.clear()
    await fake_ha.set_state(KITCHEN, "paused")  # someone pressed pause on the speaker
    status = await changes.wait_for(lambda s: s.phase is Phase.PAUSED)
    assert status.offset_s == pytest.approx(30.0)
    clock.advance(60)
    changes.clear()
    await fake_ha.set_state(KITCHEN, "playing")
    await changes.wait_for(lambda s: s.phase is Phase.PLAYING)
    clock.advance(5)
    assert sessions.status(KITCHEN).offset_s == pytest.approx(35.0)  # type: ignore[union-attr]


async def test_speaker_unavailable_mid_session_then_resumed_where_it_was(
    sessions: SpeakerSessions, fake_ha: FakeHomeAssistant, changes: Changes, clock: FakeClock
) -> None:
    await _start(sessions, changes)
    clock.advance(40)
    changes.clear()
    await fake_ha.set_state(KITCHEN, "unavailable")
    status = await changes.wait_for(lambda s: s.phase is Phase.INTERRUPTED)
    assert status.message == INTERRUPT_UNAVAILABLE
    assert status.offset_s == pytest.approx(40.0)
    with pytest.raises(SpeakerError, match="still unavailable"):
        await sessions.control(KITCHEN, "resume")
    clock.advance(120)
    await fake_ha.set_state(KITCHEN, "idle", position=None, content_id=None)
    changes.clear()
    await sessions.control(KITCHEN, "resume")
    assert fake_ha.calls[-1][0] == "play_media"
    await fake_ha.wait_for_call("media_seek")
    assert fake_ha.calls[-1][1]["seek_position"] == pytest.approx(40.0, abs=0.01)
    clock.advance(2)
    status = await changes.wait_for(lambda s: s.phase is Phase.PLAYING and s.offset_s > 39)
    assert sessions.status(KITCHEN).offset_s == pytest.approx(42.0, abs=0.01)  # type: ignore[union-attr]


async def test_home_assistant_goes_away_and_comes_back(
    sessions: SpeakerSessions, fake_ha: FakeHomeAssistant, changes: Changes, clock: FakeClock
) -> None:
    await _start(sessions, changes)
    clock.advance(20)
    await fake_ha.stop()  # a restart of Home Assistant: the websocket drops
    status = await changes.wait_for(lambda s: s.phase is Phase.INTERRUPTED)
    assert status.message == LOST
    assert status.offset_s == pytest.approx(20.0)
    with pytest.raises(HomeAssistantUnreachable):
        await sessions.control(KITCHEN, "resume")
    clock.advance(10)
    changes.clear()
    await fake_ha.start()  # same port; the speaker played on meanwhile
    status = await changes.wait_for(lambda s: s.phase is Phase.PLAYING)
    assert status.offset_s == pytest.approx(30.0)
    assert sessions.connected


async def test_start_errors_are_clear_and_change_nothing(
    sessions: SpeakerSessions, fake_ha: FakeHomeAssistant
) -> None:
    with pytest.raises(UnknownEntity, match=r"no entity media_player\.garage"):
        await sessions.start("speaker-test", "media_player.garage")
    with pytest.raises(RoutineNotFound, match="no routine"):
        await sessions.start("headstand", KITCHEN)
    with pytest.raises(SpeakerNotAllowed, match="GUIDE_BOT_HA_SPEAKERS"):
        await sessions.start("speaker-test", "media_player.office", only_allowed=True)
    await fake_ha.set_state("media_player.office", "unavailable")
    with pytest.raises(SpeakerError, match="unavailable"):
        await sessions.start("speaker-test", "media_player.office")
    fake_ha.token = "rotated"
    with pytest.raises(HomeAssistantAuthError, match="401"):
        await sessions.start("speaker-test", KITCHEN)
    assert fake_ha.calls == []
    assert sessions.statuses() == []


async def test_start_speaks_in_the_engine_asked_for(
    fake_ha: FakeHomeAssistant,
    settings: Settings,
    served_links: MediaLinks,
    routines: Mapping[str, Routine],
    clock: FakeClock,
) -> None:
    online_default = SessionTracks(settings.model_copy(update={"tts": "gtts"}))
    service = SpeakerSessions(
        HomeAssistant(fake_ha.url, fake_ha.token),
        online_default,
        served_links,
        lambda: routines,
        clock,
        tick_s=None,
    )
    try:
        status = await service.start("tiny-test", KITCHEN, tts="espeak")  # no network needed
    finally:
        await service.close()
    assert status.engine == "espeak"
    assert "/media/track/tiny-test/espeak.mp3?" in fake_ha.calls[-1][1]["media_content_id"]
