"""The Home Assistant client against the fake: players, service calls, the websocket, errors."""

from __future__ import annotations

import asyncio
import socket

import pytest
from fakeha.server import FakeHomeAssistant

from guide_bot.domain.clock import FakeClock
from guide_bot.speakers.homeassistant import (
    HomeAssistant,
    HomeAssistantAuthError,
    HomeAssistantUnreachable,
    ServiceCallError,
    UnknownEntity,
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_lists_media_players_only(fake_ha: FakeHomeAssistant) -> None:
    ha = HomeAssistant(fake_ha.url, fake_ha.token)
    try:
        players = await ha.media_players()
    finally:
        await ha.close()
    assert [p.to_dict() for p in players] == [
        {"entity_id": "media_player.kitchen", "name": "Kitchen speaker", "state": "idle"},
        {"entity_id": "media_player.office", "name": "Office", "state": "idle"},
    ]


async def test_refused_token_on_rest_and_websocket(fake_ha: FakeHomeAssistant) -> None:
    ha = HomeAssistant(fake_ha.url, "wrong-token")
    try:
        with pytest.raises(HomeAssistantAuthError, match="401"):
            await ha.media_players()
        with pytest.raises(HomeAssistantAuthError, match="auth_invalid"):
            await ha.state_changes()
    finally:
        await ha.close()


async def test_unreachable() -> None:
    ha = HomeAssistant(f"http://127.0.0.1:{_free_port()}", "t")
    try:
        with pytest.raises(HomeAssistantUnreachable, match="cannot reach Home Assistant"):
            await ha.media_players()
        with pytest.raises(HomeAssistantUnreachable, match="websocket"):
            await ha.state_changes()
    finally:
        await ha.close()


async def test_unknown_entity_and_bad_calls(fake_ha: FakeHomeAssistant) -> None:
    ha = HomeAssistant(fake_ha.url, fake_ha.token)
    try:
        with pytest.raises(UnknownEntity, match=r"no entity media_player\.garage"):
            await ha.player("media_player.garage")
        with pytest.raises(UnknownEntity, match="not a media player"):
            await ha.player("light.kitchen")
        with pytest.raises(ServiceCallError, match="400"):
            await ha.call("media_seek", "media_player.kitchen")  # no seek_position
        with pytest.raises(ServiceCallError, match="400"):
            await ha.call("volume_explode", "media_player.kitchen")
    finally:
        await ha.close()


async def test_state_changes_follow_a_player(fake_ha: FakeHomeAssistant, clock: FakeClock) -> None:
    fake_ha.fetch_media = False
    ha = HomeAssistant(fake_ha.url, fake_ha.token)
    stream = await ha.state_changes()
    try:
        states = stream.states()
        await ha.play_media("media_player.kitchen", "http://example.invalid/track.mp3")
        first = await asyncio.wait_for(anext(states), 5)
        assert (first.entity_id, first.state, first.media_position_s) == (
            "media_player.kitchen",
            "playing",
            0.0,
        )
        assert first.position_updated_at == pytest.approx(clock.now())
        clock.advance(12.5)
        await ha.pause("media_player.kitchen")
        paused = await asyncio.wait_for(anext(states), 5)
        assert (paused.state, paused.media_position_s) == ("paused", 12.5)
        await fake_ha.remove("media_player.kitchen")
        gone = await asyncio.wait_for(anext(states), 5)
        assert gone.state == "unavailable"
    finally:
        await stream.close()
        await ha.close()
